package org.kevent.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * {@code ./kevent bench idle}: do registered idle connections slow the active ones? (Issue 3,
 * "100,000 registered idle connections do not slow the active ones: no O(n) scans".)
 *
 * <h2>Method</h2>
 * One queue. An echo ping-pong of 1 byte over one loopback connection, both ends registered
 * (SOCKET RECV, ET) in the queue and served by one thread: send, wait for the server end's event,
 * read, send back, wait for the client end's event, read. The round trip is measured (HdrHistogram)
 * with 0 idle connections, then with {@code --idle} (100,000) connections whose server ends are
 * registered in the same queue (RECV, level) and never used — rounds alternate between the two
 * setups. 100,000 connections need 200,000 descriptors: as root the benchmark raises its own
 * RLIMIT_NOFILE with {@code prlimit}; otherwise it uses as many as the limit allows and says so.
 * Loopback only; the connections go to several listeners so the ephemeral ports suffice.
 */
final class IdleBench {
    private static final int PINGS = 20_000;
    private static final int WARMUP_PINGS = 20_000;
    private static final int PER_LISTENER = 20_000;

    private IdleBench() {
    }

    static void run(Report report, BenchMain.Options options) throws Exception {
        options.allowOnly("idle", "rounds");
        int wanted = options.intOption("idle", 100_000);
        int rounds = options.intOption("rounds", 3);
        report.header("idle", "round-trip latency of one active connection with 0 vs N idle registered connections");
        int idle = Math.min(wanted, affordableConnections(wanted));
        if (idle < wanted) {
            report.note("only " + idle + " idle connections: RLIMIT_NOFILE allows no more (run as root, or raise it)");
        }
        report.note(PINGS + " round trips per measurement after " + WARMUP_PINGS + " warm-up; " + rounds
                + " rounds, alternating 0 and " + idle + " idle connections");
        report.note("");

        Histogram none = new Histogram(3);
        Histogram many = new Histogram(3);
        long syscallsNone = 0;
        long syscallsMany = 0;
        for (int r = 0; r < rounds; r++) {
            syscallsNone += measure(0, none);
            syscallsMany += measure(idle, many);
        }
        Report.Table t = report.table("round trip, µs", "p50", "p99", "p99.9", "mean", "syscalls / round trip");
        row(report, t, "0 idle connections", none, syscallsNone / (double) (rounds * (long) PINGS));
        row(report, t, idle + " idle connections", many, syscallsMany / (double) (rounds * (long) PINGS));
        t.print();
        double ratio = many.getValueAtPercentile(50) / (double) Math.max(1, none.getValueAtPercentile(50));
        double ratio99 = many.getValueAtPercentile(99) / (double) Math.max(1, none.getValueAtPercentile(99));
        report.metric("ratio", "p50 with idle / without", ratio, "x");
        report.metric("ratio", "p99 with idle / without", ratio99, "x");
        report.note(String.format("p50 with %d idle / without: %.2f×, p99: %.2f× (no O(n) scan: ≈ 1× within noise)",
                idle, ratio, ratio99));
    }

    private static void row(Report report, Report.Table t, String variant, Histogram h, double syscalls) {
        double p50 = h.getValueAtPercentile(50) / 1000.0;
        double p99 = h.getValueAtPercentile(99) / 1000.0;
        double p999 = h.getValueAtPercentile(99.9) / 1000.0;
        double mean = h.getMean() / 1000.0;
        t.row(variant, String.format("%.1f", p50), String.format("%.1f", p99), String.format("%.1f", p999),
                String.format("%.1f", mean), String.format("%.2f", syscalls));
        report.metric(variant, "round trip p50", p50, "us");
        report.metric(variant, "round trip p99", p99, "us");
        report.metric(variant, "round trip p99.9", p999, "us");
        report.metric(variant, "syscalls per round trip", syscalls, "count");
    }

    /** @return the queue's syscalls during the measured pings */
    private static long measure(int idle, Histogram into) throws IOException {
        List<TcpListener> listeners = new ArrayList<>();
        List<TcpSocket> sockets = new ArrayList<>(2 * idle + 2);
        try (KeventQueue queue = KeventQueue.open()) {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            for (int k = 0; k < idle; k++) {
                if (k % PER_LISTENER == 0) {
                    listeners.add(TcpListener.bind(new InetSocketAddress(loopback, 0), 4096, false));
                }
                TcpListener l = listeners.getLast();
                TcpSocket client = TcpSocket.connect(l.localAddress());
                TcpSocket server = acceptOne(l);
                sockets.add(client);
                sockets.add(server);
                queue.add(Ukevent.socket(server, Kevent.SOCKET_RECV));
            }
            TcpListener l = TcpListener.bind(new InetSocketAddress(loopback, 0), 16, false);
            listeners.add(l);
            TcpSocket client = TcpSocket.connect(l.localAddress());
            TcpSocket server = acceptOne(l);
            sockets.add(client);
            sockets.add(server);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            queue.add(Ukevent.socket(server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
            queue.add(Ukevent.socket(client, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
            EventBuffer events = new EventBuffer(64);
            byte[] one = new byte[1];
            for (int k = 0; k < WARMUP_PINGS; k++) {
                pingPong(queue, events, client, server, one);
            }
            long before = queue.stats().syscalls();
            for (int k = 0; k < PINGS; k++) {
                long t0 = System.nanoTime();
                pingPong(queue, events, client, server, one);
                into.recordValue(Math.max(0, System.nanoTime() - t0));
            }
            return queue.stats().syscalls() - before;
        } finally {
            for (TcpSocket s : sockets) {
                s.close();
            }
            for (TcpListener l : listeners) {
                l.close();
            }
        }
    }

    private static void pingPong(KeventQueue queue, EventBuffer events, TcpSocket client, TcpSocket server, byte[] one) {
        if (client.send(one, 0, 1) != 1) {
            throw new IllegalStateException("client send would block");
        }
        awaitReadable(queue, events, server.id());
        drain(server, one);
        if (server.send(one, 0, 1) != 1) {
            throw new IllegalStateException("server send would block");
        }
        awaitReadable(queue, events, client.id());
        drain(client, one);
    }

    private static void awaitReadable(KeventQueue queue, EventBuffer events, int id) {
        for (;;) {
            int n = queue.getEvents(1, events.capacity(), 5, TimeUnit.SECONDS, events);
            if (n == 0) {
                throw new IllegalStateException("no event for socket " + id + " within 5 s");
            }
            for (int i = 0; i < n; i++) {
                if (events.id(i) == id) {
                    return;
                }
            }
        }
    }

    private static void drain(TcpSocket s, byte[] buf) {
        int n;
        do {
            n = s.recv(buf, 0, buf.length);
        } while (n > 0);
    }

    /** @return the next connection of {@code l}, spinning (loopback: it is about to arrive) */
    static TcpSocket acceptOne(TcpListener l) {
        for (int spins = 0; ; spins++) {
            TcpSocket s = l.accept();
            if (s != null) {
                return s;
            }
            if (spins > 1_000_000) {
                throw new IllegalStateException("loopback connection never arrived");
            }
            Thread.onSpinWait();
        }
    }

    /** Raises RLIMIT_NOFILE if allowed (root, prlimit), and returns how many connections fit. */
    private static int affordableConnections(int wanted) {
        long need = 2L * wanted + 1_000;
        if (openFileLimit() < need) {
            try {
                Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(ProcessHandle.current().pid()),
                        "--nofile=" + need + ":" + need).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // Fall through: measure with what the limit allows.
            }
        }
        long limit = openFileLimit();
        return (int) Math.max(0, Math.min(wanted, (limit - 1_000) / 2));
    }

    private static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return "unlimited".equals(f[0]) ? Long.MAX_VALUE : Long.parseLong(f[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: assume the usual default
        }
        return 1024;
    }
}
