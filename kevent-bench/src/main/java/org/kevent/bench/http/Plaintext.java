package org.kevent.bench.http;

import java.nio.charset.StandardCharsets;

/**
 * The TechEmpower plaintext exchange the peer servers speak: what they answer and how they find
 * where a request ends.
 *
 * <h2>Semantics</h2>
 * Every request, whatever its method or path, is answered with {@link #ANSWER}: status 200,
 * {@code Hello, World!} as {@code text/plain} with its Content-Length, keep-alive (the HTTP/1.1
 * default). A request ends at its first empty line; bodies are not supported, which is all
 * {@code GET /plaintext} needs. The runner's own check asks for {@code GET /plaintext} and
 * compares status and body.
 *
 * <h2>Threading</h2>
 * The constants are immutable; a {@link RequestEnds} belongs to one connection.
 */
final class Plaintext {
    /** The body every server must answer. */
    static final String BODY = "Hello, World!";

    /** The whole answer of the raw servers, the same bytes as the C floor's but for the Server name. */
    static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n"
            + "Server: java\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);

    /** Answers kept ready in one buffer, so a read's worth of pipelined requests is one write. */
    static final int BATCH = 64;

    private Plaintext() {
    }

    /** {@link #ANSWER} {@code count} times in a row. */
    static byte[] answers(int count) {
        byte[] all = new byte[ANSWER.length * count];
        for (int k = 0; k < count; k++) {
            System.arraycopy(ANSWER, 0, all, k * ANSWER.length, ANSWER.length);
        }
        return all;
    }

    /**
     * Counts request ends ({@code \r\n\r\n}) in a byte stream read in arbitrary pieces, keeping no
     * bytes: only how much of the terminator the previous piece ended with.
     */
    static final class RequestEnds {
        /** How many bytes of {@code \r\n\r\n} the stream currently ends with, 0..3. */
        private int matched;

        /** @return the number of requests that end within {@code bytes[from, to)} */
        int count(byte[] bytes, int from, int to) {
            int ends = 0;
            int m = matched;
            for (int k = from; k < to; k++) {
                m = step(m, bytes[k]);
                if (m == 4) {
                    ends++;
                    m = 0;
                }
            }
            matched = m;
            return ends;
        }

        /** The same over {@code buffer[from, to)} of a direct buffer's bytes, read through {@code get}. */
        int count(java.nio.ByteBuffer buffer, int from, int to) {
            int ends = 0;
            int m = matched;
            for (int k = from; k < to; k++) {
                m = step(m, buffer.get(k));
                if (m == 4) {
                    ends++;
                    m = 0;
                }
            }
            matched = m;
            return ends;
        }

        /** @return how many bytes of {@code \r\n\r\n} the stream ends with after {@code b}, given {@code m} before; 4 at a request end */
        static int step(int m, byte b) {
            if (b == '\r') {
                return m == 0 || m == 2 ? m + 1 : 1;
            }
            if (b == '\n') {
                return m == 1 || m == 3 ? m + 1 : 0;
            }
            return 0;
        }
    }
}
