package org.kevent.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import org.HdrHistogram.Histogram;
import org.agrona.DeadlineTimerWheel;
import org.kevent.CtlOp;
import org.kevent.CtlResults;
import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.bench.support.Spread;

/**
 * {@code kevent bench timers}: kevent timers side by side with Agrona's {@link DeadlineTimerWheel}
 * (a single-threaded wheel with nothing around it), Netty's {@link HashedWheelTimer} and the JDK's
 * {@link ScheduledThreadPoolExecutor}, in one plain-Java run (no JMH: the operations of interest
 * are whole phases over a million timers, not a steady-state loop).
 *
 * <h2>Semantics</h2>
 * <ol>
 *   <li><em>Schedule then cancel.</em> Schedule N timeouts (random delays spread over 10 s..20 s,
 *       the same delays for every variant), then cancel all N, timing each phase on the calling thread.
 *       Objects that are part of the request and not of the work (kevent's prebuilt {@link Ukevent}
 *       records, the arrays that keep Netty's {@link Timeout}s, the JDK's futures and Agrona's
 *       handles) are made before the clock starts. One warm-up round, then R rounds with the order
 *       of the variants reversed every other round; median and min..max across rounds, and kevent
 *       ÷ each peer paired by round (kevent's round r over the peer's round r). The JVM's young
 *       generation is fixed ({@link #YOUNG_GEN}) so that no collection lands in a timed phase;
 *       the bytes each variant allocates per operation are reported instead.</li>
 *   <li><em>Firing lateness.</em> M timeouts spread uniformly over 1 s (deadline = start + 200 ms +
 *       i·10 µs, inserted in a shuffled order); lateness = when the code waiting for the timer
 *       observes it minus the deadline, in an HdrHistogram with ns precision. One warm-up round,
 *       then 3 rounds; median and min..max of each percentile.</li>
 * </ol>
 *
 * <h2>Caveats</h2>
 * Netty's {@link Timeout#cancel()} only marks the timeout and queues it: its worker thread unlinks
 * it later. We measure the caller-side cost, which is what a user pays on the calling thread, but
 * the worker's share runs on another core meanwhile. The JDK executor runs with
 * {@code setRemoveOnCancelPolicy(true)}, the O(log n) removal; without it cancelled tasks stay in
 * the heap until due.
 */
final class TimersBench {
    static final long LATENESS_LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long LATENESS_SPACING_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
    private static final int BATCH = 1024;
    /**
     * Race delays are spread over [10 s, 20 s): far enough that no timeout fires before it is
     * cancelled even on a slow, cold JVM (a cold STPE round of a million took over 1 s here, so
     * 1 s..2 s let timeouts fire and made cancel counts differ between variants).
     */
    private static final long RACE_MIN_DELAY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * The young generation of the race's JVM, fixed, on top of {@link BenchMain#OWN_JVM_FLAGS}: a
     * round allocates up to ~160 MB that all stays live until the cancels (1,000,000 timers), and
     * G1 sizes its young generation after each {@code System.gc()} at ~110 MB in a 2 GB heap. A
     * racer whose round allocated more than that had a 250-380 ms evacuation pause (copying every
     * live timer) inside its timed phases, one that allocated a little less had none: which racer
     * crossed the line decided the ratio (0.87× to 1.95× against STPE from one run to the next).
     * With 1 GB no round reaches a collection; the allocation itself stays visible as B/op.
     */
    static final String YOUNG_GEN = "1g";
    /** The flags this benchmark's JVM gets beyond {@link BenchMain#OWN_JVM_FLAGS}. */
    static final List<String> MORE_JVM_FLAGS = List.of("-Xmn" + YOUNG_GEN);

    private TimersBench() {
    }

    static void run(Report report, BenchMain.Options options) throws Exception {
        options.allowOnly("timeouts", "rounds", "lateness-timeouts", "lateness-rounds");
        int n = options.intOption("timeouts", 1_000_000);
        int rounds = options.intOption("rounds", 5);
        int m = options.intOption("lateness-timeouts", 100_000);
        int latenessRounds = options.intOption("lateness-rounds", 3);
        report.header("timers", "schedule+cancel throughput and firing lateness, kevent vs Agrona DeadlineTimerWheel"
                + " vs Netty HashedWheelTimer vs JDK STPE");
        report.note("JVM: " + String.join(" ", BenchMain.OWN_JVM_FLAGS) + " " + String.join(" ", MORE_JVM_FLAGS)
                + " (forked by BenchMain)");
        report.note("");
        scheduleCancel(report, n, rounds);
        lateness(report, m, latenessRounds);
    }

    // ---------------------------------------------------------------------------------- schedule+cancel

    /** One peer in the schedule-then-cancel race; everything but the two timed phases is untimed. */
    abstract static class Racer {
        final String name;
        final String key;

        Racer(String name, String key) {
            this.name = name;
            this.key = key;
        }

        /** Opens the timer facility and makes whatever the timed phases only fill in. */
        abstract void prepare();

        /** Schedules every timeout. Timed. */
        abstract void scheduleAll();

        /** Cancels every timeout; returns how many cancels took effect. Timed. */
        abstract int cancelAll();

        /** Closes the facility and drops references so the next variant starts with a clean heap. */
        abstract void close() throws InterruptedException;
    }

    static final class KeventRacer extends Racer {
        private final Ukevent[] records;
        private final CtlResults results = new CtlResults(BATCH);
        private KeventQueue queue;

        KeventRacer(long[] delays) {
            super("kevent", "kevent");
            // Prebuilt once: a record is an immutable request (relative delay), reusable every round.
            // ONESHOT, like the peers' timeouts: one that fires leaves the queue instead of staying
            // registered, disarmed.
            records = new Ukevent[delays.length];
            for (int i = 0; i < delays.length; i++) {
                records[i] = Ukevent.timerNanos(i, delays[i]).withFlags(Kevent.REQ_ONESHOT);
            }
        }

        @Override
        void prepare() {
            queue = KeventQueue.open();
        }

        @Override
        void scheduleAll() {
            int failures = 0;
            for (int off = 0; off < records.length; off += BATCH) {
                failures += queue.ctl(CtlOp.ADD, records, off, Math.min(BATCH, records.length - off), results);
            }
            if (failures != 0) {
                throw new IllegalStateException(failures + " kevent ADDs failed, last batch: " + results);
            }
        }

        @Override
        int cancelAll() {
            int removed = 0;
            for (int i = 0; i < records.length; i++) {
                try {
                    queue.remove(EventType.TIMER, i);
                    removed++;
                } catch (KeventException notRegistered) {
                    // Cannot happen while nobody takes events; race() reports any shortfall.
                }
            }
            return removed;
        }

        @Override
        void close() {
            queue.close();
            queue = null;
        }
    }

    static final class NettyRacer extends Racer {
        private static final TimerTask NOTHING = t -> { };
        private final long[] delays;
        private final Timeout[] timeouts;
        private HashedWheelTimer timer;

        NettyRacer(long[] delays) {
            super("netty HashedWheelTimer", "netty-hwt");
            this.delays = delays;
            this.timeouts = new Timeout[delays.length];
        }

        @Override
        void prepare() {
            // Netty's defaults (100 ms tick, 512 buckets): the caller-side cost does not depend on them.
            timer = new HashedWheelTimer(daemon("hwt-race"));
            timer.start();
        }

        @Override
        void scheduleAll() {
            for (int i = 0; i < delays.length; i++) {
                timeouts[i] = timer.newTimeout(NOTHING, delays[i], TimeUnit.NANOSECONDS);
            }
        }

        @Override
        int cancelAll() {
            int cancelled = 0;
            for (Timeout t : timeouts) {
                if (t.cancel()) {
                    cancelled++;
                }
            }
            return cancelled;
        }

        @Override
        void close() {
            timer.stop();
            timer = null;
            java.util.Arrays.fill(timeouts, null);
        }
    }

    static final class JdkRacer extends Racer {
        private static final Runnable NOTHING = () -> { };
        private final long[] delays;
        private final ScheduledFuture<?>[] futures;
        private ScheduledThreadPoolExecutor executor;

        JdkRacer(long[] delays) {
            super("jdk ScheduledThreadPoolExecutor", "jdk-stpe");
            this.delays = delays;
            this.futures = new ScheduledFuture<?>[delays.length];
        }

        @Override
        void prepare() {
            executor = new ScheduledThreadPoolExecutor(1, daemon("stpe-race"));
            executor.setRemoveOnCancelPolicy(true);
            executor.prestartAllCoreThreads();
        }

        @Override
        void scheduleAll() {
            for (int i = 0; i < delays.length; i++) {
                futures[i] = executor.schedule(NOTHING, delays[i], TimeUnit.NANOSECONDS);
            }
        }

        @Override
        int cancelAll() {
            int cancelled = 0;
            for (ScheduledFuture<?> f : futures) {
                if (f.cancel(false)) {
                    cancelled++;
                }
            }
            return cancelled;
        }

        @Override
        void close() throws InterruptedException {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
            executor = null;
            java.util.Arrays.fill(futures, null);
        }
    }

    /**
     * A wheel with nothing around it: Agrona's {@link DeadlineTimerWheel}, single-threaded, no lock,
     * no table, no queue. The same operation as the other racers (schedule with the delay counted
     * from a clock reading, then cancel by the handle schedule returned), so its row is the floor a
     * timer facility with a queue, a lock and a (type, id) table is measured against.
     */
    static final class AgronaRacer extends Racer {
        /**
         * Sized for the race, as a user of this wheel would: it does not cascade, every timer of a
         * tick (and of the ticks a whole span later) sits in that tick's cells, and schedule scans
         * them for a free one; when a tick has none, every tick's cells double (a copy of the whole
         * wheel). 2^17 ticks of 2^18 ns (262 µs) span 34 s, so the deadlines in [10 s, 20 s) never
         * wrap onto each other and leave ~26 timers a tick; 64 cells a tick (a 64 MB wheel, made
         * outside the timed phases) never fill. 1,024 ticks of 1 ms with 16 cells, the wheel's own
         * example, put ~1,000 timers in a tick and made schedule a linear scan at 4 M/s: a figure
         * of the configuration, not of the wheel.
         */
        private static final long TICK_NANOS = 1L << 18;
        private static final int TICKS = 1 << 17;
        private static final int CELLS_PER_TICK = 64;
        private final long[] delays;
        private final long[] handles;
        private DeadlineTimerWheel wheel;

        AgronaRacer(long[] delays) {
            super("agrona DeadlineTimerWheel", "agrona-wheel");
            this.delays = delays;
            this.handles = new long[delays.length];
        }

        @Override
        void prepare() {
            wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, System.nanoTime(), TICK_NANOS, TICKS, CELLS_PER_TICK);
        }

        @Override
        void scheduleAll() {
            for (int i = 0; i < delays.length; i++) {
                // A clock reading per timer, as kevent (relative delay), STPE and Netty each take one.
                handles[i] = wheel.scheduleTimer(System.nanoTime() + delays[i]);
            }
        }

        @Override
        int cancelAll() {
            int cancelled = 0;
            for (long h : handles) {
                if (wheel.cancelTimer(h)) {
                    cancelled++;
                }
            }
            return cancelled;
        }

        /** @return timers the wheel holds now; for tests */
        long timerCount() {
            return wheel.timerCount();
        }

        @Override
        void close() {
            wheel = null;
        }
    }

    /**
     * One racer's round: nanoseconds of the two timed phases, bytes the calling thread allocated in
     * them, and the collections that ran during them (any at all means the phase timed a GC pause).
     */
    record Phases(long scheduleNanos, long cancelNanos, long allocatedBytes, long collections) {
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static Phases race(Racer r, int n) throws InterruptedException {
        r.prepare();
        // Collect the previous variant's garbage now, not inside this variant's timed phases.
        System.gc();
        long gcs = collections();
        long bytes = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        r.scheduleAll();
        long t1 = System.nanoTime();
        int cancelled = r.cancelAll();
        long t2 = System.nanoTime();
        bytes = THREADS.getCurrentThreadAllocatedBytes() - bytes;
        gcs = collections() - gcs;
        r.close();
        if (cancelled != n) {
            throw new IllegalStateException(r.name + " cancelled " + cancelled + " of " + n
                    + " timeouts: some fired before cancel, the figures would be meaningless");
        }
        return new Phases(t1 - t0, t2 - t1, bytes, gcs);
    }

    /**
     * Every racer's {@link Phases} per round, and what the tables show of them: rates per round,
     * their spread, and ratios paired by round ({@link Spread#paired}: kevent's round r over the
     * peer's round r, both run back to back), so a round that the shared machine slowed for both
     * cancels out instead of deciding the ratio of two medians taken from different rounds.
     */
    static final class Rounds {
        /** What a rate counts: both phases (2·N operations), or one phase (N). */
        enum Phase {
            BOTH, SCHEDULE, CANCEL
        }

        private final int n;
        private final Phases[][] phases;

        /**
         * @param racers how many racers
         * @param rounds how many measured rounds
         * @param n      timeouts per round
         */
        Rounds(int racers, int rounds, int n) {
            this.n = n;
            this.phases = new Phases[racers][rounds];
        }

        void put(int racer, int round, Phases p) {
            phases[racer][round] = p;
        }

        /** @return the racer's operations per second in each round, NaN for a round not run */
        double[] rates(int racer, Phase phase) {
            Phases[] mine = phases[racer];
            double[] rates = new double[mine.length];
            for (int r = 0; r < mine.length; r++) {
                Phases p = mine[r];
                rates[r] = p == null ? Double.NaN : switch (phase) {
                    case BOTH -> 2.0 * n / (p.scheduleNanos() + p.cancelNanos()) * 1e9;
                    case SCHEDULE -> (double) n / p.scheduleNanos() * 1e9;
                    case CANCEL -> (double) n / p.cancelNanos() * 1e9;
                };
            }
            return rates;
        }

        Spread spread(int racer, Phase phase) {
            return Spread.of(rates(racer, phase));
        }

        /** @return racer's rate over peer's, paired by round */
        Spread paired(int racer, int peer, Phase phase) {
            return Spread.paired(rates(racer, phase), rates(peer, phase));
        }

        /** @return bytes the racer's calling thread allocated per operation (2·N), median over the rounds */
        double bytesPerOp(int racer) {
            Phases[] mine = phases[racer];
            double[] b = new double[mine.length];
            for (int r = 0; r < mine.length; r++) {
                b[r] = mine[r] == null ? Double.NaN : mine[r].allocatedBytes() / (2.0 * n);
            }
            return Spread.of(b).median();
        }

        /** @return collections during the racer's timed phases, summed over the rounds */
        long collections(int racer) {
            long sum = 0;
            for (Phases p : phases[racer]) {
                sum += p == null ? 0 : p.collections();
            }
            return sum;
        }
    }

    /** The racers, kevent first: every ratio is kevent's round over the peer's. */
    static List<Racer> racers(long[] delays) {
        return List.of(new KeventRacer(delays), new AgronaRacer(delays), new NettyRacer(delays), new JdkRacer(delays));
    }

    /** Index of the JDK executor in {@link #racers}: the target's peer. */
    static final int JDK = 3;

    private static void scheduleCancel(Report report, int n, int rounds) throws InterruptedException {
        long[] delays = new long[n];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            delays[i] = RACE_MIN_DELAY_NANOS + random.nextLong(RACE_MIN_DELAY_NANOS);
        }
        List<Racer> racers = racers(delays);
        for (Racer r : racers) {
            race(r, n); // warm-up round: JIT, table growth paths, class loading
        }
        Rounds result = new Rounds(racers.size(), rounds, n);
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < racers.size(); k++) {
                int v = round % 2 == 0 ? k : racers.size() - 1 - k;
                result.put(v, round, race(racers.get(v), n));
            }
        }
        printThroughput(report, racers, n, rounds, result);
    }

    private static void printThroughput(Report report, List<Racer> racers, int n, int rounds, Rounds result) {
        Report.Table t = report.table("timers — schedule+cancel " + Report.grouped(n), "median ops/s", "min..max",
                "schedule ops/s", "cancel ops/s", "B/op", "GCs", "kevent ÷ peer, paired");
        for (int v = 0; v < racers.size(); v++) {
            Racer r = racers.get(v);
            Spread both = result.spread(v, Rounds.Phase.BOTH);
            Spread schedule = result.spread(v, Rounds.Phase.SCHEDULE);
            Spread cancel = result.spread(v, Rounds.Phase.CANCEL);
            Spread vs = result.paired(0, v, Rounds.Phase.BOTH);
            t.row(r.name, Report.grouped(both.median()),
                    Report.grouped(both.min()) + ".." + Report.grouped(both.max()),
                    Report.grouped(schedule.median()), Report.grouped(cancel.median()),
                    Report.oneDecimal(result.bytesPerOp(v)), Long.toString(result.collections(v)),
                    v == 0 ? "—" : vs.ratio());
            report.metric(r.key, "schedule_cancel_median", both.median(), "ops/s");
            report.metric(r.key, "schedule_cancel_min", both.min(), "ops/s");
            report.metric(r.key, "schedule_cancel_max", both.max(), "ops/s");
            report.metric(r.key, "schedule_only_median", schedule.median(), "ops/s");
            report.metric(r.key, "cancel_only_median", cancel.median(), "ops/s");
            report.metric(r.key, "allocated_per_op", result.bytesPerOp(v), "B");
            report.metric(r.key, "collections_in_timed_phases", result.collections(v), "count");
            if (v > 0) {
                String key = "kevent/" + r.key;
                report.metric(key, "schedule_cancel_paired_median", vs.median(), "x");
                report.metric(key, "schedule_cancel_paired_min", vs.min(), "x");
                report.metric(key, "schedule_cancel_paired_max", vs.max(), "x");
                report.metric(key, "schedule_paired_median", result.paired(0, v, Rounds.Phase.SCHEDULE).median(), "x");
                report.metric(key, "cancel_paired_median", result.paired(0, v, Rounds.Phase.CANCEL).median(), "x");
            }
        }
        t.print();
        Report.Table p = report.table("kevent ÷ peer, per round, paired", "schedule+cancel", "schedule", "cancel");
        for (int v = 1; v < racers.size(); v++) {
            p.row(racers.get(v).name, result.paired(0, v, Rounds.Phase.BOTH).ratio(),
                    result.paired(0, v, Rounds.Phase.SCHEDULE).ratio(), result.paired(0, v, Rounds.Phase.CANCEL).ratio());
        }
        p.print();
        Spread vsJdk = result.paired(0, JDK, Rounds.Phase.BOTH);
        report.note(rounds + " rounds after 1 warm-up, order reversed every other round; ops/s = 2·N / (schedule + cancel time);"
                + " delays random in [10 s, 20 s), the same for every variant.");
        report.note("ratios: kevent's round r ÷ the peer's round r (run back to back), median (min..max) over the rounds.");
        report.note("B/op: bytes the calling thread allocated per operation (median of rounds); GCs: collections inside"
                + " the timed phases, all rounds (young generation fixed at " + YOUNG_GEN + ", so none should land there).");
        report.note("kevent: ctl(ADD) of prebuilt REQ_ONESHOT Ukevent[] in batches of " + BATCH
                + " with one reused CtlResults (records built outside the timed region), cancel = remove(TIMER, id).");
        report.note("agrona: scheduleTimer(nanoTime() + delay) + cancelTimer(handle), single-threaded, no lock: a wheel with nothing around it.");
        report.note("netty: newTimeout + Timeout.cancel(); cancel is lazy (the worker unlinks later): caller-side cost only.");
        report.note("jdk: schedule + cancel(false) with setRemoveOnCancelPolicy(true) (O(log n) removal).");
        report.note("target kevent ≥ 2× jdk STPE schedule+cancel (paired median): " + (vsJdk.median() >= 2 ? "MET" : "NOT MET")
                + " (" + vsJdk.ratio() + ")");
        report.note("");
    }


    // ---------------------------------------------------------------------------------- lateness

    /** Records lateness against deadlines {@code base + id * spacing}; written by one thread at a time. */
    static final class LatenessRecorder {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final CountDownLatch done;
        volatile long base;
        long early;
        /** How long inserting every timer took, from picking the base to the last insert returning. */
        long insertNanos;

        LatenessRecorder(int count) {
            done = new CountDownLatch(count);
        }

        void record(long id, long observedNanos) {
            long late = observedNanos - (base + id * LATENESS_SPACING_NANOS);
            if (late < 0) {
                early++;
                late = 0;
            }
            histogram.recordValue(late);
            done.countDown();
        }
    }

    /** One peer in the lateness run: schedules {@code order.length} deadlines and waits for them all. */
    private interface Firer {
        /**
         * @param order ids in insertion order; id i is due at {@code base + 200 ms + i * 10 µs}
         * @return the recorder, complete
         */
        LatenessRecorder fire(int[] order) throws InterruptedException;
    }

    private static LatenessRecorder keventLateness(int[] order) {
        int m = order.length;
        LatenessRecorder rec = new LatenessRecorder(m);
        EventBuffer events = new EventBuffer(256);
        CtlResults results = new CtlResults(BATCH);
        Ukevent[] records = new Ukevent[m];
        try (KeventQueue q = KeventQueue.open()) {
            long base = System.nanoTime() + LATENESS_LEAD_NANOS;
            rec.base = base;
            for (int k = 0; k < m; k++) {
                int id = order[k];
                // ONESHOT: a fired timeout leaves the queue, as the peers' tasks do; without it
                // every fired timer would stay registered, disarmed, until the queue closes.
                records[k] = Ukevent.timerAt(id, base + id * LATENESS_SPACING_NANOS).withFlags(Kevent.REQ_ONESHOT);
            }
            for (int off = 0; off < m; off += BATCH) {
                q.ctl(CtlOp.ADD, records, off, Math.min(BATCH, m - off), results);
                results.throwIfFailed(CtlOp.ADD);
            }
            checkLead("kevent", rec);
            int seen = 0;
            while (seen < m) {
                int got = q.getEvents(1, 256, 5, TimeUnit.SECONDS, events);
                long now = System.nanoTime();
                if (got == 0) {
                    throw new IllegalStateException("kevent: no timer for 5 s with " + (m - seen) + " outstanding");
                }
                for (int j = 0; j < got; j++) {
                    rec.record(events.id(j), now);
                }
                seen += got;
            }
        }
        return rec;
    }

    private static LatenessRecorder nettyLateness(int[] order) throws InterruptedException {
        int m = order.length;
        LatenessRecorder rec = new LatenessRecorder(m);
        TimerTask[] tasks = new TimerTask[m];
        for (int id = 0; id < m; id++) {
            long i = id;
            tasks[id] = t -> rec.record(i, System.nanoTime());
        }
        // 1 ms is HashedWheelTimer's smallest tick (it raises smaller ones to 1 ms).
        HashedWheelTimer timer = new HashedWheelTimer(daemon("hwt-lateness"), 1, TimeUnit.MILLISECONDS, 1024);
        timer.start();
        try {
            long base = System.nanoTime() + LATENESS_LEAD_NANOS;
            rec.base = base;
            for (int id : order) {
                timer.newTimeout(tasks[id], base + id * LATENESS_SPACING_NANOS - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            checkLead("netty", rec);
            awaitAll("netty", rec);
        } finally {
            timer.stop();
        }
        return rec;
    }

    private static LatenessRecorder jdkLateness(int[] order) throws InterruptedException {
        int m = order.length;
        LatenessRecorder rec = new LatenessRecorder(m);
        Runnable[] tasks = new Runnable[m];
        for (int id = 0; id < m; id++) {
            long i = id;
            tasks[id] = () -> rec.record(i, System.nanoTime());
        }
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemon("stpe-lateness"));
        executor.prestartAllCoreThreads();
        try {
            long base = System.nanoTime() + LATENESS_LEAD_NANOS;
            rec.base = base;
            for (int id : order) {
                executor.schedule(tasks[id], base + id * LATENESS_SPACING_NANOS - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            checkLead("jdk", rec);
            awaitAll("jdk", rec);
        } finally {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
        return rec;
    }

    private static void checkLead(String who, LatenessRecorder rec) {
        long base = rec.base;
        long now = System.nanoTime();
        rec.insertNanos = now - (base - LATENESS_LEAD_NANOS);
        long slack = base - now;
        if (slack < 0) {
            System.out.printf("warning: %s insertion overran the 200 ms lead by %.1f ms; its first timers are late by construction%n",
                    who, -slack / 1e6);
        }
    }

    private static void awaitAll(String who, LatenessRecorder rec) throws InterruptedException {
        if (!rec.done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(who + ": " + rec.done.getCount() + " timers never fired");
        }
    }

    private static void lateness(Report report, int m, int rounds) throws InterruptedException {
        String[] names = {"kevent", "netty HashedWheelTimer (1 ms tick)", "jdk ScheduledThreadPoolExecutor (1 thread)"};
        String[] keys = {"kevent", "netty-hwt", "jdk-stpe"};
        Firer[] firers = {TimersBench::keventLateness, TimersBench::nettyLateness, TimersBench::jdkLateness};
        double[] percentiles = {50, 99, 99.9, 100};
        String[] labels = {"p50", "p99", "p99.9", "max"};
        double[][][] us = new double[firers.length][percentiles.length][rounds];
        long[] early = new long[firers.length];
        long[] gcs = new long[firers.length];
        double[][] insertMs = new double[firers.length][rounds];
        SplittableRandom random = new SplittableRandom(7);
        for (int v = 0; v < firers.length; v++) {
            firers[v].fire(shuffled(m, random)); // warm-up round, not recorded
        }
        for (int round = 0; round < rounds; round++) {
            int[] order = shuffled(m, random);
            for (int k = 0; k < firers.length; k++) {
                int v = round % 2 == 0 ? k : firers.length - 1 - k;
                System.gc();
                long gcBefore = collections();
                LatenessRecorder rec = firers[v].fire(order);
                gcs[v] += collections() - gcBefore;
                for (int p = 0; p < percentiles.length; p++) {
                    us[v][p][round] = rec.histogram.getValueAtPercentile(percentiles[p]) / 1e3;
                }
                early[v] += rec.early;
                insertMs[v][round] = rec.insertNanos / 1e6;
            }
        }
        List<String> columns = new ArrayList<>(List.of("timers — firing lateness " + Report.grouped(m) + " over 1 s, µs"));
        for (String l : labels) {
            columns.add(l + " median (min..max)");
        }
        columns.add("early");
        columns.add("GCs");
        columns.add("insert ms");
        Report.Table t = report.table(columns.toArray(String[]::new));
        for (int v = 0; v < firers.length; v++) {
            List<String> row = new ArrayList<>(List.of(names[v]));
            for (int p = 0; p < percentiles.length; p++) {
                double[] x = us[v][p];
                row.add(Report.oneDecimal(Report.median(x)) + " (" + Report.oneDecimal(Report.min(x)) + ".."
                        + Report.oneDecimal(Report.max(x)) + ")");
                report.metric(keys[v], "lateness_" + labels[p] + "_median", Report.median(x), "us");
                report.metric(keys[v], "lateness_" + labels[p] + "_min", Report.min(x), "us");
                report.metric(keys[v], "lateness_" + labels[p] + "_max", Report.max(x), "us");
            }
            row.add(Long.toString(early[v]));
            row.add(Long.toString(gcs[v]));
            report.metric(keys[v], "lateness_early_count", early[v], "timers");
            row.add(Report.oneDecimal(Report.median(insertMs[v])));
            report.metric(keys[v], "lateness_gc_count", gcs[v], "collections");
            report.metric(keys[v], "lateness_insert_median", Report.median(insertMs[v]), "ms");
            t.row(row.toArray(String[]::new));
        }
        t.print();
        double p99 = Report.median(us[0][1]);
        report.note(rounds + " rounds after 1 warm-up; deadline_i = start + 200 ms + i·10 µs, shuffled insertion; "
                + "median of each percentile across rounds, (min..max) across rounds.");
        report.note("kevent: observed = System.nanoTime() right after getEvents(1, 256, …) returns on the consumer thread.");
        report.note("netty (tickDuration 1 ms, its minimum) and jdk (1 thread): observed = System.nanoTime() inside the task.");
        report.note("early = timers observed before their deadline (recorded as 0); GCs = collections during the rounds"
                + " (insertion to last timer); both summed over the rounds;"
                + " insert ms = median time to insert all timers (must stay under the 200 ms lead).");
        report.note("target kevent p99 ≤ 50 µs: " + (p99 <= 50 ? "MET" : "NOT MET") + " (" + Report.oneDecimal(p99) + " µs)");
        report.note("");
    }

    private static long collections() {
        long n = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static int[] shuffled(int m, SplittableRandom random) {
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        for (int i = m - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
