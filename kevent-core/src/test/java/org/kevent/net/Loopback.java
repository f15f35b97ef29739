package org.kevent.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Connected loopback pairs for the socket tests; every wait is bounded. */
final class Loopback implements AutoCloseable {
    final TcpListener listener;
    final TcpSocket client;
    final TcpSocket server;

    private Loopback(TcpListener listener, TcpSocket client, TcpSocket server) {
        this.listener = listener;
        this.client = client;
        this.server = server;
    }

    static Loopback open() {
        return open(InetAddress.getLoopbackAddress());
    }

    static Loopback open(InetAddress address) {
        TcpListener l = TcpListener.bind(new InetSocketAddress(address, 0), 16, false);
        TcpSocket c = TcpSocket.connect(l.localAddress());
        TcpSocket s = acceptWithin(l);
        return new Loopback(l, c, s);
    }

    static TcpSocket acceptWithin(TcpListener l) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (;;) {
            TcpSocket s = l.accept();
            if (s != null) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no connection to accept within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    /** Reads exactly n bytes (bounded wait), failing on end of stream. */
    static byte[] readExactly(TcpSocket s, int n) {
        byte[] out = new byte[n];
        int got = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got < n) {
            int r = s.recv(out, got, n - got);
            if (r < 0) {
                throw new AssertionError("end of stream after " + got + " of " + n + " bytes");
            }
            got += r;
            if (r == 0 && System.nanoTime() > deadline) {
                throw new AssertionError("only " + got + " of " + n + " bytes within 10 s");
            }
        }
        return out;
    }

    /** Sends all of src (bounded wait). */
    static void sendAll(TcpSocket s, byte[] src) {
        int sent = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sent < src.length) {
            sent += s.send(src, sent, src.length - sent);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + sent + " bytes sent within 10 s");
            }
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
        listener.close();
    }
}
