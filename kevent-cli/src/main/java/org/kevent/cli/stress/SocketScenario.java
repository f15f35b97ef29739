package org.kevent.cli.stress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * Loopback TCP through SOCKET interests: four client threads send a known byte pattern as fast as
 * their socket takes it (waiting for an ET SEND event on their own queue when it is full), and one
 * server thread accepts (level ACCEPT) and reads (ET RECV|RDHUP) everything on one queue until
 * each connection's end of stream.
 *
 * <p>Books: per connection, bytes received equal bytes sent and every byte is the one sent at
 * its offset; nothing hangs (the server gives up after the drain bound, counting what is missing
 * as lost).
 */
final class SocketScenario implements Scenario {
    private static final int CLIENTS = 4;
    private static final int CHUNK = 16 * 1024;

    @Override
    public String name() {
        return "sockets";
    }

    /** The byte client {@code c} sends at stream offset {@code offset}. */
    static byte pattern(int c, long offset) {
        return (byte) ((c * 37 + offset) % 251);
    }

    @Override
    public void run(Duration budget, StressStats stats) throws InterruptedException {
        Workers workers = new Workers(name(), stats);
        AtomicLongArray sent = new AtomicLongArray(CLIENTS);
        AtomicLongArray received = new AtomicLongArray(CLIENTS);
        long end = System.nanoTime() + budget.toNanos();
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false);
             KeventQueue server = KeventQueue.open()) {
            server.add(Ukevent.socket(listener, Kevent.SOCKET_ACCEPT));
            Thread serving = workers.start("server", () -> serve(server, listener, received, stats));
            Workers clients = new Workers(name(), stats);
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.start("client" + c, () -> send(client, listener.localAddress(), end, sent, stats));
            }
            clients.joinAll(budget.toNanos() + Workers.DRAIN_NANOS, "from sending");
            serving.join(TimeUnit.NANOSECONDS.toMillis(Workers.DRAIN_NANOS + Workers.STUCK_NANOS));
            for (int c = 0; c < CLIENTS; c++) {
                long s = sent.get(c);
                long r = received.get(c);
                stats.lost(s - r, name() + ": connection " + c + " received " + r + " of " + s + " bytes sent");
                stats.duplicated(r - s, name() + ": connection " + c + " received " + r + " bytes, " + s + " sent");
            }
            server.close();
            workers.joinAll(Workers.STUCK_NANOS, "after its queue closed");
        }
    }

    private void send(int c, InetSocketAddress to, long end, AtomicLongArray sent, StressStats stats) {
        byte[] chunk = new byte[CHUNK];
        long offset = 0;
        EventBuffer out = new EventBuffer(4);
        try (KeventQueue queue = KeventQueue.open(); TcpSocket s = TcpSocket.connect(to)) {
            queue.add(Ukevent.socket(s, Kevent.SOCKET_SEND).withFlags(Kevent.REQ_ET));
            long stalledSince = System.nanoTime();
            while (System.nanoTime() < end) {
                for (int k = 0; k < CHUNK; k++) {
                    chunk[k] = pattern(c, offset + k);
                }
                int n = s.send(chunk, 0, CHUNK);
                stats.operations(1);
                if (n > 0) {
                    offset += n;
                    sent.addAndGet(c, n);
                    stalledSince = System.nanoTime();
                    // Re-send what was not taken: the pattern depends on the offset only.
                    continue;
                }
                long t0 = System.nanoTime();
                int e = queue.getEvents(1, 4, 100, TimeUnit.MILLISECONDS, out);
                if (e > 0) {
                    stats.waited(System.nanoTime() - t0);
                    stats.delivered(e);
                }
                if (System.nanoTime() - stalledSince > Workers.STUCK_NANOS) {
                    stats.stuck(name() + ": client " + c + " could not send for " + Workers.STUCK_NANOS / 1_000_000_000 + " s");
                    break;
                }
            }
            s.shutdownOutput();
        }
    }

    /** One connection as the server sees it: which client, how far. */
    private static final class Conn {
        final TcpSocket socket;
        int client = -1;
        long offset;
        boolean ended;

        Conn(TcpSocket socket) {
            this.socket = socket;
        }
    }

    private void serve(KeventQueue queue, TcpListener listener, AtomicLongArray received, StressStats stats) {
        Map<Long, Conn> conns = new HashMap<>();
        List<TcpSocket> accepted = new ArrayList<>();
        EventBuffer out = new EventBuffer(64);
        byte[] buf = new byte[64 * 1024];
        int ended = 0;
        long lastProgress = System.nanoTime();
        try {
            while (ended < CLIENTS) {
                long t0 = System.nanoTime();
                int n = queue.getEvents(1, 64, 100, TimeUnit.MILLISECONDS, out);
                if (n > 0) {
                    stats.waited(System.nanoTime() - t0);
                    stats.delivered(n);
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > Workers.DRAIN_NANOS) {
                    stats.stuck(name() + ": server saw no event for " + Workers.DRAIN_NANOS / 1_000_000_000
                            + " s with " + (CLIENTS - ended) + " connections not ended");
                    return;
                }
                for (int k = 0; k < n; k++) {
                    if (out.id(k) == listener.id()) {
                        for (TcpSocket s = listener.accept(); s != null; s = listener.accept()) {
                            accepted.add(s);
                            conns.put((long) s.id(), new Conn(s));
                            queue.add(Ukevent.socket(s, Kevent.SOCKET_RECV | Kevent.SOCKET_RDHUP).withFlags(Kevent.REQ_ET));
                        }
                        continue;
                    }
                    Conn conn = conns.get(out.id(k));
                    if (conn != null && !conn.ended && read(conn, buf, received, stats)) {
                        conn.ended = true;
                        ended++;
                    }
                }
            }
        } finally {
            accepted.forEach(TcpSocket::close);
        }
    }

    /** Reads until the socket is drained; checks the pattern. @return whether the stream ended */
    private boolean read(Conn conn, byte[] buf, AtomicLongArray received, StressStats stats) {
        for (;;) {
            int r = conn.socket.recv(buf, 0, buf.length);
            stats.operations(1);
            if (r <= 0) {
                return r < 0;
            }
            if (conn.client < 0) {
                conn.client = clientOf(buf[0]);
            }
            for (int k = 0; k < r; k++) {
                if (buf[k] != pattern(conn.client, conn.offset + k)) {
                    stats.failed(name() + ": connection " + conn.client + " byte " + (conn.offset + k) + " is "
                            + buf[k] + ", sent " + pattern(conn.client, conn.offset + k));
                    return true;
                }
            }
            conn.offset += r;
            received.addAndGet(conn.client, r);
        }
    }

    /** The client whose stream starts with this byte (each client's first byte differs). */
    private static int clientOf(byte first) {
        for (int c = 0; c < CLIENTS; c++) {
            if (pattern(c, 0) == first) {
                return c;
            }
        }
        throw new IllegalStateException("a stream starts with " + first + ", which no client sends first");
    }
}
