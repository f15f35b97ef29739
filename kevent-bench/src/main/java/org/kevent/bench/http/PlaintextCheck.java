package org.kevent.bench.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The answer check every server passes before it is loaded: over a plain Java socket, one
 * {@code GET /plaintext}, then two more pipelined in one write on the same connection; each must
 * come back with status 200 and exactly {@code Hello, World!} as its body (by Content-Length).
 */
final class PlaintextCheck {
    private static final int TIMEOUT_MILLIS = 3_000;

    private PlaintextCheck() {
    }

    /** @return null when the server answers correctly, else what was wrong */
    static String check(int port) {
        String request = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n";
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            String problem = expectAnswer(in, "the first answer");
            if (problem != null) {
                return problem;
            }
            out.write((request + request).getBytes(StandardCharsets.US_ASCII));
            problem = expectAnswer(in, "the first pipelined answer");
            return problem != null ? problem : expectAnswer(in, "the second pipelined answer");
        } catch (IOException e) {
            return "GET /plaintext failed: " + e;
        }
    }

    private static String expectAnswer(InputStream in, String which) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return which + ": connection closed before a complete response head";
        }
        String[] lines = head.split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 200")) {
            return which + ": status line '" + lines[0] + "', expected HTTP/1.1 200";
        }
        int length = -1;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            return which + ": no Content-Length";
        }
        byte[] body = in.readNBytes(length);
        String text = new String(body, StandardCharsets.US_ASCII);
        return text.equals(Plaintext.BODY) ? null : which + ": body '" + text + "', expected '" + Plaintext.BODY + "'";
    }

    /** Reads up to and including the empty line; null at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || head.size() > 16 * 1024) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
