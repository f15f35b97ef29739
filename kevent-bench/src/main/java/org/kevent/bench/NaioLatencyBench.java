package org.kevent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.kevent.AioEngine;
import org.kevent.EventBuffer;
import org.kevent.KeventQueue;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * {@code ./kevent bench naio-latency}: one request at a time on one connection (issue 12, point 4,
 * where {@code serve --aio} answered {@code wrk -c1} at 110–5,300 req/s). How long from a peer's
 * send to the completion of the {@code aioRecv} that sleeps for it, on io_uring (a single-issuer
 * queue, as evserver's, and a shared one) and on the readiness engine.
 *
 * <h2>Method</h2>
 * Per variant one queue and one server thread, and a blocking JDK socket as the client on the
 * runner's thread, over loopback with {@code TCP_NODELAY}. The client takes the time, writes one
 * byte and blocks reading the one-byte answer. The server makes one {@code aioRecv} of one byte,
 * sleeps in {@code getEvents} until it completes, takes the time, answers with a plain send and
 * makes the next receive. Two loads: back to back (the next request follows the answer at once,
 * as from {@code wrk -c1}; it may arrive before the server sleeps again), and idle (the client
 * pauses {@code --idle-us} before each request, so it arrives while the server sleeps, as on a
 * quiet keep-alive connection). Send → completion: the client's time before its write to the
 * server's after {@code getEvents}; round trip: the client's write to its read (the pause not
 * included); requests/s: one over the mean round trip. Rounds alternate the variants and loads,
 * the order rotated each round; every one has its warm-up in every round.
 */
final class NaioLatencyBench {
    /** One queue configuration. */
    private record Variant(String label, String engine, boolean singleIssuer) {
    }

    private static final List<Variant> VARIANTS = List.of(new Variant("io_uring, single-issuer", "io_uring", true),
            new Variant("io_uring", "io_uring", false), new Variant("readiness", "readiness", false));
    private static final int LOADS = 2;

    /** The command's options, defaults filled in. */
    private record Settings(int requests, int warmup, int rounds, int idleMicros) {
        static Settings of(BenchMain.Options options) {
            options.allowOnly("requests", "warmup", "rounds", "idle-us");
            return new Settings(options.intOption("requests", 2_000), options.intOption("warmup", 1_000),
                    options.intOption("rounds", 3), options.intOption("idle-us", 100));
        }
    }

    private NaioLatencyBench() {
    }

    static void run(Report report, BenchMain.Options options) throws Exception {
        Settings settings = Settings.of(options);
        int requests = settings.requests();
        int warmup = settings.warmup();
        int idleMicros = settings.idleMicros();
        report.header("naio-latency", "one request at a time on one loopback connection: peer's send to the "
                + "completion of the aioRecv sleeping for it");
        report.note(settings.rounds() + " rounds; per variant, load and round " + warmup + " warm-up requests, then " + requests
                + " measured; the order rotated each round; idle: " + idleMicros + " µs pause before each request");
        report.note("");
        int n = VARIANTS.size() * LOADS;
        Histogram[] toCompletion = new Histogram[n];
        Histogram[] roundTrip = new Histogram[n];
        for (int v = 0; v < n; v++) {
            toCompletion[v] = new Histogram(3);
            roundTrip[v] = new Histogram(3);
        }
        for (int r = 0; r < settings.rounds(); r++) {
            for (int k = 0; k < n; k++) {
                int v = (k + r) % n;
                measure(VARIANTS.get(v / LOADS), v % LOADS == 0 ? 0 : idleMicros * 1000L, warmup, requests,
                        toCompletion[v], roundTrip[v]);
            }
        }
        Report.Table t = report.table("µs", "send→completion p50", "p90", "p99", "max", "round trip p50", "p99",
                "requests/s");
        for (int v = 0; v < n; v++) {
            Histogram c = toCompletion[v];
            Histogram rt = roundTrip[v];
            double perSecond = 1e9 / rt.getMean();
            String label = VARIANTS.get(v / LOADS).label() + (v % LOADS == 0 ? ", back to back" : ", idle");
            t.row(label, micros(c.getValueAtPercentile(50)), micros(c.getValueAtPercentile(90)),
                    micros(c.getValueAtPercentile(99)), micros(c.getMaxValue()), micros(rt.getValueAtPercentile(50)),
                    micros(rt.getValueAtPercentile(99)), Report.grouped(perSecond));
            report.metric(label, "send to completion p50", c.getValueAtPercentile(50) / 1000.0, "us");
            report.metric(label, "send to completion p99", c.getValueAtPercentile(99) / 1000.0, "us");
            report.metric(label, "round trip p50", rt.getValueAtPercentile(50) / 1000.0, "us");
            report.metric(label, "requests per second", perSecond, "1/s");
        }
        t.print();
    }

    private static String micros(long nanos) {
        return Report.oneDecimal(nanos / 1000.0);
    }

    private static void measure(Variant variant, long pauseNanos, int warmup, int requests, Histogram toCompletion,
                                Histogram roundTrip) throws Exception {
        int total = warmup + requests;
        AtomicLong sentAt = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try (KeventQueue queue = KeventQueue.builder().aioEngine(AioEngine.of(variant.engine())).singleIssuer(variant.singleIssuer())
                .open();
             TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16,
                     false);
             Socket client = new Socket()) {
            client.setTcpNoDelay(true);
            client.setSoTimeout(10_000);
            client.connect(listener.localAddress(), 10_000);
            try (TcpSocket server = IdleBench.acceptOne(listener)) {
                server.setTcpNoDelay(true);
                Thread serving = Thread.ofPlatform().name("naio-latency-server").start(() -> {
                    try {
                        serve(queue, server, warmup, total, sentAt, toCompletion);
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                });
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream();
                for (int k = 0; k < total && failed.get() == null; k++) {
                    if (pauseNanos > 0) {
                        LockSupport.parkNanos(pauseNanos);
                    }
                    long t0 = System.nanoTime();
                    sentAt.set(t0);
                    out.write(1);
                    if (in.read() < 0) {
                        throw new IOException("the server closed the connection after " + k + " requests");
                    }
                    if (k >= warmup) {
                        roundTrip.recordValue(Math.max(0, System.nanoTime() - t0));
                    }
                }
                serving.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
        if (failed.get() != null) {
            throw new IllegalStateException(variant.label() + ": the server failed", failed.get());
        }
    }

    private static void serve(KeventQueue queue, TcpSocket server, int warmup, int total, AtomicLong sentAt,
                              Histogram toCompletion) {
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        EventBuffer events = new EventBuffer(4);
        byte[] answer = {1};
        for (int k = 0; k < total; k++) {
            one.clear();
            long id = queue.aioRecv(server, one);
            int n = queue.getEvents(1, events.capacity(), 10, TimeUnit.SECONDS, events);
            long done = System.nanoTime();
            if (n != 1 || events.id(0) != id || events.data(0) != 1) {
                throw new IllegalStateException("request " + k + ": expected the receive's completion of 1 byte, got "
                        + n + " events" + (n > 0 ? ", first id " + events.id(0) + " data " + events.data(0) : ""));
            }
            if (k >= warmup) {
                toCompletion.recordValue(Math.max(0, done - sentAt.get()));
            }
            if (server.send(answer, 0, 1) != 1) {
                throw new IllegalStateException("the answer of request " + k + " would block");
            }
        }
    }
}
