package org.kevent.bench;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.kevent.EventBuffer;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.bench.support.Spread;

/**
 * {@code ./kevent bench proc}: process-exit notification, kevent PROC (a pidfd in the queue's
 * epoll set) vs the JDK's {@code onExit()} completions, on the same child processes, in one run.
 *
 * <h2>Method</h2>
 * Nobody can read the instant a process exits, so both sides are timed from one common
 * reference on the same child: {@code t0} = {@code ProcessBuilder.start()} of {@code /bin/true}
 * returned (the JDK returns once the child has exec'd). Then both are armed on that child, in an
 * order that alternates per child: the kevent PROC interest (ADD on the bench thread, which then
 * blocks in {@code getEvents}) and an {@code onExit()} callback (runs where the JDK completes it).
 * Each notes {@code System.nanoTime()} when it hears of the exit. Latency = that time − t0: the
 * child's own run time (exec, {@code true}, exit) is in both and the same for both; the
 * difference between the two is measured on the same exit, per child. The JDK reaps its children
 * on its own reaper thread whatever the bench does, so watching with kevent too adds no reaping.
 * One child at a time; the next starts once both sides heard of the previous one.
 * <ul>
 *   <li><b>handle</b> rounds: {@code Ukevent.process(ProcessHandle)} (no status: the pidfd alone)
 *       vs {@code ProcessHandle.onExit()} (completed by the JDK's reaper thread).</li>
 *   <li><b>process</b> rounds: {@code Ukevent.process(Process)} (the event carries the status,
 *       so it waits for the JDK to have reaped) vs {@code Process.onExit()}.</li>
 * </ul>
 * Before the children, {@code --queue-warmup} (100,000; {@code --no-queue-warmup} for none) USER trigger/getEvents round
 * trips run the queue's own wait and delivery code hot, as in a queue that serves other events.
 * {@code --children} (1,000) after 100 warm-up children, split over {@code --rounds} (10) rounds
 * that alternate handle and process; per round the ratio JDK p50 / kevent p50, and their median
 * and range over the rounds of a kind.
 */
final class ProcBench {
    private static final int WARMUP = 100;

    private ProcBench() {
    }

    static void run(Report report, BenchMain.Options options) throws Exception {
        options.allowOnly("children", "rounds", "queue-warmup", "no-queue-warmup");
        int children = options.intOption("children", 1_000);
        int rounds = options.intOption("rounds", 10);
        int queueWarmup = options.flag("no-queue-warmup") ? 0 : options.intOption("queue-warmup", 100_000);
        if (rounds < 2 || rounds % 2 != 0) {
            throw new BenchMain.UsageException("--rounds must be even (handle and process rounds alternate), got "
                    + rounds);
        }
        int perRound = Math.max(1, children / rounds);
        report.header("proc", "process exit → notification, kevent PROC vs JDK onExit(), same children");
        report.note(perRound * rounds + " children (/bin/true) in " + rounds + " rounds, after " + WARMUP
                + " warm-up children and " + Report.grouped(queueWarmup) + " USER trigger/getEvents round trips on the"
                + " queue; latency from start() returning to each side hearing of the exit");
        report.note("");

        try (KeventQueue queue = KeventQueue.open()) {
            EventBuffer events = new EventBuffer(1);
            warmQueue(queue, events, queueWarmup);
            Samples warm = new Samples(WARMUP);
            for (int c = 0; c < WARMUP; c++) {
                child(queue, events, c % 2 == 0, c % 4 < 2, warm);
            }
            Samples[] kinds = {new Samples(perRound * rounds / 2), new Samples(perRound * rounds / 2)};
            double[][] ratios = {new double[rounds / 2], new double[rounds / 2]};
            for (int r = 0; r < rounds; r++) {
                int kind = r % 2; // 0: handle, 1: process
                Samples round = new Samples(perRound);
                for (int c = 0; c < perRound; c++) {
                    child(queue, events, kind == 0, c % 2 == 0, round);
                }
                ratios[kind][r / 2] = round.p(round.jdk, 50) / round.p(round.kevent, 50);
                kinds[kind].addAll(round);
            }
            Report.Table t = report.table("exit latency, µs from start()", "p50", "p99", "max",
                    "JDK − kevent p50", "JDK p50 ÷ kevent p50 per round");
            String[] names = {"handle", "process"};
            String[] kevent = {"kevent PROC, ProcessHandle record", "kevent PROC, Process record (status)"};
            String[] jdk = {"JDK ProcessHandle.onExit()", "JDK Process.onExit()"};
            for (int kind = 0; kind < 2; kind++) {
                Samples s = kinds[kind];
                Spread ratio = Spread.of(ratios[kind]);
                row(report, t, kevent[kind], s.kevent, "", "");
                row(report, t, jdk[kind], s.jdk, Report.oneDecimal(s.pairedDifferenceP50() / 1e3), ratio.ratio());
                report.metric(names[kind], "jdk_minus_kevent_p50", s.pairedDifferenceP50() / 1e3, "us");
                report.metric(names[kind], "jdk_over_kevent_p50_ratio_median", ratio.median(), "x");
            }
            t.print();
            report.note("JDK − kevent: the median over children of (JDK's time − kevent's time) on the same exit");
        }
    }

    /**
     * Runs the queue's wait and delivery paths hot, as a queue in use is: 100 children alone would
     * leave them to the interpreter. The JDK's side has no such shared path to warm.
     */
    private static void warmQueue(KeventQueue queue, EventBuffer events, int roundTrips) {
        queue.add(Ukevent.user(1));
        for (int k = 0; k < roundTrips; k++) {
            queue.trigger(1);
            queue.getEvents(1, 1, 1, TimeUnit.SECONDS, events);
        }
        queue.remove(org.kevent.EventType.USER, 1);
    }

    private static void row(Report report, Report.Table t, String name, long[] ns, String diff, String ratio) {
        double p50 = percentile(ns, 50) / 1e3;
        double p99 = percentile(ns, 99) / 1e3;
        double max = percentile(ns, 100) / 1e3;
        t.row(name, Report.oneDecimal(p50), Report.oneDecimal(p99), Report.oneDecimal(max), diff, ratio);
        report.metric(name, "exit_latency_p50", p50, "us");
        report.metric(name, "exit_latency_p99", p99, "us");
    }

    /**
     * Starts one child, arms both sides on it (kevent first when {@code keventFirst}), and records
     * when each heard of its exit.
     */
    private static void child(KeventQueue queue, EventBuffer events, boolean handle, boolean keventFirst,
                              Samples into) throws Exception {
        Process p = new ProcessBuilder("/bin/true").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long t0 = System.nanoTime();
        long[] jdkAt = new long[1];
        CompletableFuture<?> jdk;
        if (keventFirst) {
            queue.add(handle ? Ukevent.process(p.toHandle()) : Ukevent.process(p));
            jdk = (handle ? p.toHandle().onExit() : p.onExit()).thenRun(() -> jdkAt[0] = System.nanoTime());
        } else {
            jdk = (handle ? p.toHandle().onExit() : p.onExit()).thenRun(() -> jdkAt[0] = System.nanoTime());
            queue.add(handle ? Ukevent.process(p.toHandle()) : Ukevent.process(p));
        }
        if (queue.getEvents(1, 1, 30, TimeUnit.SECONDS, events) != 1) {
            throw new IllegalStateException("no EXIT for pid " + p.pid() + " within 30 s");
        }
        long keventAt = System.nanoTime();
        jdk.get(30, TimeUnit.SECONDS); // happens-before: jdkAt[0] is visible
        p.getOutputStream().close();
        into.add(keventAt - t0, jdkAt[0] - t0);
    }

    /** Latencies of one set of children, ns, by child. */
    private static final class Samples {
        long[] kevent;
        long[] jdk;
        private int n;

        Samples(int capacity) {
            kevent = new long[capacity];
            jdk = new long[capacity];
        }

        void add(long k, long j) {
            kevent[n] = k;
            jdk[n] = j;
            n++;
        }

        void addAll(Samples other) {
            for (int k = 0; k < other.n; k++) {
                add(other.kevent[k], other.jdk[k]);
            }
        }

        double p(long[] values, double percentile) {
            return percentile(Arrays.copyOf(values, n), percentile);
        }

        double pairedDifferenceP50() {
            long[] d = new long[n];
            for (int k = 0; k < n; k++) {
                d[k] = jdk[k] - kevent[k];
            }
            return percentile(d, 50);
        }
    }

    /** Nearest-rank percentile of a copy of {@code values}; 100 gives the largest. */
    static double percentile(long[] values, double percentile) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(percentile / 100 * s.length);
        return s[Math.clamp(rank - 1, 0, s.length - 1)];
    }
}
