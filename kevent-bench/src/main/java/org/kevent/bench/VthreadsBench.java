package org.kevent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.kevent.EventBuffer;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.bench.http.HttpBench;

/**
 * {@code ./kevent bench vthreads}: virtual threads that wait on kevent queues (issue 14).
 *
 * <h2>Method</h2>
 * <ul>
 *   <li><b>Pinning.</b> A batch is 1,000 virtual threads, each doing ~20 µs of arithmetic; the
 *       throughput (tasks/s) of {@value #BATCHES} batches in a row, after 3 warm-up batches, is
 *       measured with no waiter, and with 64 virtual threads each waiting in
 *       {@code getEvents(1, 1, 5 s)} on a queue of its own (triggered after the batches), the
 *       order alternating per round. A waiter that pinned its carrier would stop the batches until
 *       its timeout. With {@code --baseline
 *       JAR} (another build's {@code kevent-bench-all.jar}) the same measurement also runs in a
 *       child JVM whose class path puts that build's {@code org.kevent} first: the "before"
 *       figure, in the same run (one round: with waiters that pin, it takes minutes).</li>
 *   <li><b>Wake latency.</b> A platform thread wakes a waiter and times how long the waiter takes
 *       to see it (send time stamped before the trigger, read by the waiter after its wait
 *       returned), 20,000 wake-ups after 5,000 warm-up, the waiter parked before each (the waker
 *       spins 50 µs first): a platform waiter in {@code getEvents} (it sleeps in
 *       {@code epoll_wait}); a virtual waiter in {@code getEvents} (it parks, the watcher thread
 *       or {@code trigger}'s wake-up unparks it); and a virtual thread in {@code LockSupport.park}
 *       woken by {@code LockSupport.unpark} — the leanest hop there is for a virtual thread, the
 *       floor of the second.</li>
 *   <li><b>HTTP, one virtual thread per connection</b> ({@link HttpBench#forVirtualThreads}, the
 *       {@code bench http} machinery): wrk plaintext at c=16 and c=256 against evserver
 *       {@code --vthreads}, the JDK's virtual-thread server of {@code bench http} (which does less
 *       work per request: it only counts request ends) and evserver's event loop, with 1 and 2
 *       carrier threads; server CPU per request, req/s and p99, paired by round against the JDK's
 *       server. {@code --http-only} runs only this part, {@code --no-http} skips it.</li>
 * </ul>
 */
final class VthreadsBench {
    static final String USAGE = "[--rounds N] [--baseline JAR] [--http-only | --no-http] [--threads 1|2|both]"
            + " [--duration 5s] [--warmup 1s] [--pipelined] [--cli-jar FILE]"
            + "  virtual threads waiting on queues: pinning (work throughput with 64 waiters) and wake latency;"
            + " HTTP with one virtual thread per connection: evserver --vthreads vs JDK virtual threads (wrk)";
    private static final int TASKS = 1000;
    private static final int BATCHES = 40;
    private static final int WAIT_SECONDS = 5;
    private static final int WAITERS = 64;
    private static final int WAKES = 20_000;
    private static final int WARMUP_WAKES = 5_000;

    private VthreadsBench() {
    }

    static void run(Report report, BenchMain.Options options) throws Exception {
        List<String> allowed = new ArrayList<>(List.of("baseline", "http-only", "no-http"));
        allowed.addAll(List.of(HttpBench.VTHREADS_OPTIONS));
        options.allowOnly(allowed.toArray(String[]::new));
        int rounds = options.intOption("rounds", 5);
        String baseline = options.values().get("baseline");
        boolean queues = !options.flag("http-only");
        boolean http = !options.flag("no-http");
        if (!queues && !http) {
            throw new BenchMain.UsageException("--http-only and --no-http leave nothing to run");
        }
        if (baseline != null && !queues) {
            throw new BenchMain.UsageException("--baseline is for the pinning part, which --http-only skips");
        }
        if (baseline != null && !Files.isReadable(Path.of(baseline))) {
            throw new BenchMain.UsageException("--baseline " + baseline + ": no readable file");
        }
        HttpBench httpBench = null;
        if (http) {
            try {
                httpBench = HttpBench.forVirtualThreads(BenchMain.output(report), options.values());
            } catch (IllegalArgumentException e) {
                throw new BenchMain.UsageException(e.getMessage());
            }
        }
        report.header("vthreads", "virtual threads waiting on kevent queues: carriers left free, wake latency;"
                + " HTTP on one virtual thread per connection");
        if (queues) {
            queueParts(report, rounds, baseline);
        }
        if (httpBench != null) {
            if (queues) {
                report.note("");
            }
            report.note("HTTP plaintext, one virtual thread per connection (wrk over loopback; every server its own"
                    + " process, --threads = its carrier threads: -Djdk.virtualThreadScheduler.parallelism=N, maxPoolSize=N)");
            httpBench.measureVirtualThreads();
        }
    }

    /** Pinning and wake latency: virtual threads waiting on queues, in this JVM. */
    private static void queueParts(Report report, int rounds, String baseline) throws Exception {
        report.note("carriers: " + carriers() + " (jdk.virtualThreadScheduler.parallelism, default = cores)");
        report.note("");

        double[] none = new double[rounds];
        double[] waiting = new double[rounds];
        double[] before = new double[1];
        for (int r = 0; r < rounds; r++) {
            boolean waitersFirst = r % 2 == 1;
            if (waitersFirst) {
                waiting[r] = pinningRound(true);
                none[r] = pinningRound(false);
            } else {
                none[r] = pinningRound(false);
                waiting[r] = pinningRound(true);
            }
            if (baseline != null && r == 0) {
                // Once: there, 64 waiters pinning 2 carriers for 5 s each hold everything up for minutes.
                before[0] = baselineRound(baseline);
            }
            System.err.printf("vthreads: round %d/%d: %,.0f tasks/s alone, %,.0f with %d waiters%s%n", r + 1, rounds,
                    none[r], waiting[r], WAITERS, baseline != null && r == 0 ? String.format(", %,.0f before", before[0]) : "");
        }
        Report.Table t = report.table("pinning: 1,000 short virtual tasks", "tasks/s (median of rounds)", "min", "max",
                "÷ no waiter");
        double base = Report.median(none);
        pinningRow(report, t, "no waiter", none, base);
        pinningRow(report, t, WAITERS + " virtual waiters in getEvents", waiting, base);
        if (baseline != null) {
            pinningRow(report, t, WAITERS + " virtual waiters, baseline build (one round)", before, base);
        }
        t.print();
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratio[r] = waiting[r] / none[r];
        }
        report.metric("pinning", "with waiters / without, median of rounds", Report.median(ratio), "x");
        report.note(String.format("with %d waiters / without, paired per round: median %.2f× (min %.2f, max %.2f);"
                        + " target ≥ 0.95×", WAITERS, Report.median(ratio), Report.min(ratio), Report.max(ratio)));
        report.note("");

        Histogram platform = new Histogram(3);
        Histogram virtual = new Histogram(3);
        Histogram unpark = new Histogram(3);
        for (int r = 0; r < rounds; r++) {
            wakeLatency(false, platform);
            wakeLatency(true, virtual);
            unparkLatency(unpark);
        }
        Report.Table w = report.table("wake latency, µs", "p50", "p99", "p99.9", "p99 ÷ platform waiter");
        double p99Platform = platform.getValueAtPercentile(99);
        latencyRow(report, w, "platform waiter, getEvents", platform, p99Platform);
        latencyRow(report, w, "virtual waiter, getEvents", virtual, p99Platform);
        latencyRow(report, w, "virtual thread, LockSupport.unpark (floor)", unpark, p99Platform);
        w.print();
        report.note("target: the virtual waiter's p99 ≤ 2× the platform waiter's");
    }

    private static int carriers() {
        String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        return p != null ? Integer.parseInt(p) : Runtime.getRuntime().availableProcessors();
    }

    private static void pinningRow(Report report, Report.Table t, String variant, double[] values, double base) {
        double m = Report.median(values);
        t.row(variant, Report.grouped(m), Report.grouped(Report.min(values)), Report.grouped(Report.max(values)),
                Report.ratio(m / base));
        report.metric(variant, "tasks/s", m, "1/s");
    }

    private static void latencyRow(Report report, Report.Table t, String variant, Histogram h, double p99Platform) {
        double p50 = h.getValueAtPercentile(50) / 1000.0;
        double p99 = h.getValueAtPercentile(99) / 1000.0;
        double p999 = h.getValueAtPercentile(99.9) / 1000.0;
        t.row(variant, Report.oneDecimal(p50), Report.oneDecimal(p99), Report.oneDecimal(p999),
                Report.ratio(h.getValueAtPercentile(99) / Math.max(1, p99Platform)));
        report.metric(variant, "wake p50", p50, "us");
        report.metric(variant, "wake p99", p99, "us");
        report.metric(variant, "wake p99.9", p999, "us");
    }

    // ---------------------------------------------------------------------------------- pinning

    /**
     * @return the throughput, tasks/s, of {@value #BATCHES} batches run while the waiters (if any)
     *         wait: each waits once, up to {@value #WAIT_SECONDS} s, so that a build whose waiters
     *         pin their carriers ends too (its batches run once the waits time out)
     */
    static double pinningRound(boolean withWaiters) throws InterruptedException {
        List<KeventQueue> queues = new ArrayList<>();
        List<Thread> waiters = new ArrayList<>();
        AtomicInteger entered = new AtomicInteger();
        try {
            for (int b = 0; b < 3; b++) {
                batch(); // warm-up, before any waiter
            }
            if (withWaiters) {
                for (int k = 0; k < WAITERS; k++) {
                    KeventQueue q = KeventQueue.open();
                    queues.add(q);
                    q.add(Ukevent.user(1));
                    waiters.add(Thread.ofVirtual().start(() -> {
                        entered.incrementAndGet();
                        q.getEvents(1, 1, WAIT_SECONDS, TimeUnit.SECONDS, new EventBuffer(1));
                    }));
                }
                while (entered.get() < WAITERS) {
                    Thread.sleep(1);
                }
                Thread.sleep(20); // every waiter into its wait
            }
            long ns = 0;
            for (int b = 0; b < BATCHES; b++) {
                ns += batch();
            }
            return (double) BATCHES * TASKS * 1e9 / ns;
        } finally {
            for (KeventQueue q : queues) {
                q.trigger(1);
            }
            for (Thread w : waiters) {
                w.join();
            }
            queues.forEach(KeventQueue::close);
        }
    }

    /** Keeps the tasks' arithmetic from being optimised away. */
    private static volatile long sink;

    /** @return nanoseconds to start and join {@link #TASKS} short virtual tasks */
    private static long batch() throws InterruptedException {
        Thread[] tasks = new Thread[TASKS];
        long t0 = System.nanoTime();
        for (int k = 0; k < TASKS; k++) {
            int seed = k;
            tasks[k] = Thread.ofVirtual().start(() -> {
                long x = seed;
                for (int i = 0; i < 20_000; i++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                sink = x;
            });
        }
        for (Thread t : tasks) {
            t.join();
        }
        return System.nanoTime() - t0;
    }

    /** The "before" figure: the same round in a child JVM with the baseline build's classes first. */
    private static double baselineRound(String baselineJar) throws Exception {
        String javaCmd = ProcessHandle.current().info().command().orElseThrow();
        String own = Path.of(VthreadsBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> cmd = new ArrayList<>(List.of(javaCmd));
        cmd.addAll(BenchMain.OWN_JVM_FLAGS);
        String parallelism = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        if (parallelism != null) {
            cmd.add("-Djdk.virtualThreadScheduler.parallelism=" + parallelism);
        }
        cmd.addAll(List.of("-cp", baselineJar + java.io.File.pathSeparator + own, Probe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("baseline probe failed: " + String.join(" ", cmd) + "\n" + out);
        }
        String[] lines = out.split("\n");
        return Double.parseDouble(lines[lines.length - 1].strip());
    }

    /** Runs one round with waiters in this JVM and prints its tasks/s: the baseline's side. */
    static final class Probe {
        public static void main(String[] args) throws Exception {
            System.out.println(pinningRound(true));
        }
    }

    // ---------------------------------------------------------------------------------- wake latency

    private static volatile long sentAt;
    private static volatile int acked;

    /** A platform waker triggers; a waiter of the given kind records trigger-to-return time. */
    private static void wakeLatency(boolean virtual, Histogram into) throws InterruptedException {
        try (KeventQueue queue = KeventQueue.open()) {
            queue.add(Ukevent.user(1));
            acked = 0;
            Runnable body = () -> {
                EventBuffer out = new EventBuffer(1);
                for (int k = 1; k <= WARMUP_WAKES + WAKES; k++) {
                    while (queue.getEvents(1, 1, -1, TimeUnit.NANOSECONDS, out) == 0) {
                        // an interrupt or wakeup(): none here, but wait on
                    }
                    long dt = System.nanoTime() - sentAt;
                    if (k > WARMUP_WAKES) {
                        into.recordValue(Math.max(0, dt));
                    }
                    acked = k;
                }
            };
            Thread waiter = virtual ? Thread.ofVirtual().start(body) : Thread.ofPlatform().start(body);
            for (int k = 1; k <= WARMUP_WAKES + WAKES; k++) {
                spin(50_000);
                sentAt = System.nanoTime();
                queue.trigger(1);
                while (acked < k) {
                    Thread.onSpinWait();
                }
            }
            waiter.join();
        }
    }

    private static volatile int unparked;

    private static void unparkLatency(Histogram into) throws InterruptedException {
        acked = 0;
        unparked = 0;
        Thread waiter = Thread.ofVirtual().start(() -> {
            for (int k = 1; k <= WARMUP_WAKES + WAKES; k++) {
                while (unparked < k) {
                    LockSupport.park();
                }
                long dt = System.nanoTime() - sentAt;
                if (k > WARMUP_WAKES) {
                    into.recordValue(Math.max(0, dt));
                }
                acked = k;
            }
        });
        for (int k = 1; k <= WARMUP_WAKES + WAKES; k++) {
            spin(50_000);
            sentAt = System.nanoTime();
            unparked = k;
            LockSupport.unpark(waiter);
            while (acked < k) {
                Thread.onSpinWait();
            }
        }
        waiter.join();
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
