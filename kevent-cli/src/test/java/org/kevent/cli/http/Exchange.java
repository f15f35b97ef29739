package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Drives one connection of an {@link HttpProcessor} over a {@link MemoryIo} and reads the answers back. */
final class Exchange {
    /** A parsed answer. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** How a driven connection ended. */
    record Result(boolean closed, byte[] raw, boolean[] headAnswers) {
        /** The answers; throws if the bytes sent are not well-formed answers. */
        List<Response> responses() {
            return parse(raw, headAnswers);
        }

        Response only() {
            List<Response> responses = responses();
            if (responses.size() != 1) {
                throw new AssertionError("expected one answer, got " + responses + " raw:\n" + new String(raw, ISO_8859_1));
            }
            return responses.get(0);
        }

        List<Integer> statuses() {
            return responses().stream().map(Response::status).toList();
        }
    }

    private Exchange() {
    }

    /** A bound on serve calls; each one must make progress (consume a chunk or send a byte). */
    private static final int STEP_LIMIT = 10_000_000;

    /**
     * Delivers every chunk (one per RECV readiness), then the end of stream if {@code eof}, and
     * returns what was sent. Fails if the processor keeps asking to run without progress.
     */
    static Result drive(HttpProcessor p, MemoryIo io, boolean eof, boolean... headAnswers) {
        HttpConnection c = new HttpConnection(io);
        boolean closed = false;
        int steps = 0;
        boolean refilled = false;
        io.deliverNext();
        while (true) {
            if (++steps > STEP_LIMIT) {
                throw new AssertionError("connection did not settle after " + STEP_LIMIT + " steps");
            }
            int before = io.sent.size();
            int r = p.serve(c);
            if (r == HttpProcessor.WAIT_SEND && io.sent.size() == before && refilled) {
                throw new AssertionError("asked for SEND readiness again without sending a byte");
            }
            if (r == HttpProcessor.CLOSE) {
                closed = true;
                break;
            }
            refilled = r == HttpProcessor.WAIT_SEND;
            if (refilled) {
                io.writable();
                continue;
            }
            if (!io.deliverNext()) {
                if (eof) {
                    io.endOfStream();
                    eof = false;
                    continue;
                }
                break;
            }
        }
        c.release();
        byte[] raw = io.sent.toByteArray();
        return new Result(closed, raw, headAnswers);
    }

    static Result send(HttpProcessor p, String request, boolean... headAnswers) {
        return drive(p, new MemoryIo().chunk(request.getBytes(ISO_8859_1)), false, headAnswers);
    }

    /**
     * Splits a byte stream into answers. {@code headAnswers[i]} says answer i has no body (HEAD).
     * Throws on anything that is not a well-formed answer.
     */
    static List<Response> parse(byte[] raw, boolean... headAnswers) {
        String s = new String(raw, ISO_8859_1);
        List<Response> out = new ArrayList<>();
        int p = 0;
        while (p < s.length()) {
            int headEnd = s.indexOf("\r\n\r\n", p);
            if (headEnd < 0) {
                throw new AssertionError("truncated head at " + p + ": " + s.substring(p));
            }
            String[] lines = s.substring(p, headEnd).split("\r\n");
            if (!lines[0].matches("HTTP/1\\.1 [1-5]\\d\\d [A-Za-z ]+")) {
                throw new AssertionError("bad status line: " + lines[0]);
            }
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name = lines[i].substring(0, colon).toLowerCase(Locale.ROOT);
                if (headers.put(name, lines[i].substring(colon + 1).strip()) != null) {
                    throw new AssertionError("header twice: " + name);
                }
            }
            int length = Integer.parseInt(headers.get("content-length"));
            boolean head = out.size() < headAnswers.length && headAnswers[out.size()];
            int bodyStart = headEnd + 4;
            int bodyEnd = head ? bodyStart : bodyStart + length;
            if (bodyEnd > s.length()) {
                throw new AssertionError("truncated body: want " + length + " have " + (s.length() - bodyStart));
            }
            out.add(new Response(status, headers, s.substring(bodyStart, bodyEnd)));
            p = bodyEnd;
        }
        return out;
    }
}
