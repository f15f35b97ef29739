package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Blocking loopback clients of the server tests: connected with a hang guard on every read,
 * closed together at the end, and the reading of one answer off the wire.
 */
final class Wire implements AutoCloseable {
    private final List<AutoCloseable> open = new ArrayList<>();

    /** @return a socket connected to {@code to}, whose reads give up after 10 s (the hang guard) */
    Socket connect(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        open.add(s);
        s.connect(to, 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** @param c closed with the others at the end */
    <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** Closes the last kept first: clients before the server they were connected to. */
    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }

    static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Reads one answer (head and Content-Length body; none if {@code head}). */
    static Exchange.Response read(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside a head: " + h.toString(ISO_8859_1));
            }
            h.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        Exchange.Response r = Exchange.parse(h.toByteArray(), true).get(0);
        int length = head ? 0 : Integer.parseInt(r.header("Content-Length"));
        byte[] body = in.readNBytes(length);
        return new Exchange.Response(r.status(), r.headers(), new String(body, ISO_8859_1));
    }

    /**
     * Reads until the server ends the connection (end of stream or reset) and returns what came
     * before; a read that runs into the 10-s hang guard fails the test: the server kept it open.
     */
    static String readUntilClosed(Socket s) throws IOException {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[64 * 1024];
        try {
            for (int n = s.getInputStream().read(b); n >= 0; n = s.getInputStream().read(b)) {
                got.write(b, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("still open after the 10-s hang guard; received " + got.size() + " bytes", e);
        } catch (java.net.SocketException reset) {
            // closed with our unread bytes in its buffer: a reset, as good as an end of stream here
        }
        return got.toString(ISO_8859_1);
    }
}
