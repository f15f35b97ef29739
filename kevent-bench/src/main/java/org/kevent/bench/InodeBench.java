package org.kevent.bench;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.BitSet;
import java.util.Comparator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.bench.support.Spread;

/**
 * {@code ./kevent bench inode}: file-creation events, kevent INODE vs JDK {@link WatchService}, in
 * one run.
 *
 * <h2>Method</h2>
 * <ul>
 *   <li><b>latency</b>: one file at a time; the producer reads the clock just <em>before</em>
 *       calling {@code Files.createFile} (the kernel queues the event inside the call, so a clock
 *       started when the call returns often started after the event was taken), a consumer thread
 *       blocked in {@code getEvents} / {@code poll} notes the time it holds the event; the producer
 *       creates the next file only after the consumer had the previous one. Latency therefore
 *       includes the createFile call's own time, reported beside it. {@code --rounds} (5) rounds
 *       of {@code --files} (2,000) files per side, each after 500 warm-up files, the sides
 *       alternating which goes first; each percentile is the median (min..max) over the rounds,
 *       and kevent ÷ WatchService is paired by round. HdrHistogram in ns.</li>
 *   <li><b>burst</b>: {@code --burst} (100,000) files created as fast as one thread can while a
 *       consumer takes events: throughput = distinct files reported / time from the first create
 *       to the last event; loss = files never reported; overflow = whether the consumer was told
 *       (kevent INODE_OVERFLOW, WatchService OVERFLOW). <b>Silent loss</b> = loss without overflow.</li>
 *   <li><b>slow burst</b>: the same with a consumer that sleeps 1 ms per 4 events taken, so
 *       events must be lost; the point is that the loss is reported.</li>
 * </ul>
 * A run ends when its consumer has seen every file or nothing for 1 s after the producer finished.
 */
final class InodeBench {
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Files created, and not measured, at the start of every latency run: JIT, dentry cache. */
    static final int WARM_UP_FILES = 500;

    private InodeBench() {
    }

    static void run(Report report, BenchMain.Options options) throws Exception {
        options.allowOnly("files", "rounds", "burst");
        int files = options.intOption("files", 2_000);
        int rounds = options.intOption("rounds", 5);
        int burst = options.intOption("burst", 100_000);
        report.header("inode", "file creation events, kevent INODE vs JDK WatchService");
        report.note("latency: " + rounds + " rounds of " + Report.grouped(files) + " files one at a time per side (after "
                + WARM_UP_FILES + " warm-up files each), sides alternating; bursts of " + burst + " creates; temp dirs under /tmp");
        report.note("");

        LatencyRounds lat = new LatencyRounds(rounds);
        for (int round = 0; round < rounds; round++) {
            // Alternate who goes first, so a slow stretch of the shared machine hits both sides alike.
            boolean keventFirst = round % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean kevent = keventFirst == (k == 0);
                Latency l = latency(kevent ? new KeventSide() : new WatchSide(), files);
                lat.put(kevent ? LatencyRounds.KEVENT : LatencyRounds.WATCH, round, l);
            }
        }
        printLatency(report, lat);

        Report.Table b = report.table("burst of " + Report.grouped(burst), "creates/s", "events/s", "reported", "lost",
                "overflow told", "silent loss");
        boolean silent = false;
        for (boolean slow : new boolean[] {false, true}) {
            for (Side side : new Side[] {new KeventSide(), new WatchSide()}) {
                Burst r = burst(side, burst, slow);
                String variant = side.name() + (slow ? " slow consumer" : "");
                boolean silentLoss = r.lost > 0 && !r.overflow;
                silent |= silentLoss && side instanceof KeventSide;
                b.row(variant, Report.grouped(r.createRate), Report.grouped(r.rate), Report.grouped(r.reported), Report.grouped(r.lost),
                        r.overflow ? "yes" : "no", silentLoss ? "YES" : "no");
                report.metric(variant, "burst_events_per_s", r.rate, "events/s");
                report.metric(variant, "burst_lost", r.lost, "files");
                report.metric(variant, "burst_overflow_reported", r.overflow ? 1 : 0, "bool");
            }
        }
        b.print();
        report.note("zero silent loss (kevent): " + (silent ? "NOT met" : "met"));
    }

    private static void printLatency(Report report, LatencyRounds lat) {
        Report.Table t = report.table("latency createFile call→delivery, µs", "p50 median (min..max)",
                "p99 median (min..max)", "p99.9 median", "max median", "createFile call p50", "clamped");
        for (int side = 0; side < 2; side++) {
            String name = LatencyRounds.NAMES[side];
            Spread p50 = Spread.of(lat.micros(side, 50));
            Spread p99 = Spread.of(lat.micros(side, 99));
            Spread p999 = Spread.of(lat.micros(side, 99.9));
            Spread max = Spread.of(lat.micros(side, 100));
            t.row(name, cell(p50), cell(p99), Report.oneDecimal(p999.median()), Report.oneDecimal(max.median()),
                    Report.oneDecimal(Spread.of(lat.callMicros(side)).median()), Long.toString(lat.clamped(side)));
            report.metric(name, "latency_p50", p50.median(), "us");
            report.metric(name, "latency_p99", p99.median(), "us");
            report.metric(name, "latency_p999", p999.median(), "us");
            report.metric(name, "latency_p99_min", p99.min(), "us");
            report.metric(name, "latency_p99_max", p99.max(), "us");
            report.metric(name, "create_call_p50", Spread.of(lat.callMicros(side)).median(), "us");
        }
        t.print();
        Spread r50 = lat.paired(50);
        Spread r99 = lat.paired(99);
        report.metric("kevent/WatchService", "latency_p50_paired_median", r50.median(), "x");
        report.metric("kevent/WatchService", "latency_p99_paired_median", r99.median(), "x");
        report.metric("kevent/WatchService", "latency_p99_paired_min", r99.min(), "x");
        report.metric("kevent/WatchService", "latency_p99_paired_max", r99.max(), "x");
        report.note("latency = from just before Files.createFile is called to the consumer holding the event; the"
                + " kernel queues the event inside the call, so the call's own time (createFile call p50) is part of it.");
        report.note("clamped = samples below 0 (recorded as 0), all rounds: none can occur with the clock started before the call.");
        report.note("kevent ÷ WatchService per round, paired (median (min..max) over the rounds): p50 " + r50.ratio()
                + ", p99 " + r99.ratio());
        report.note("p99 target ≤ 0.50× (paired median): " + (r99.n() > 0 && r99.median() <= 0.5 ? "met" : "NOT met"));
        report.note("");
    }

    private static String cell(Spread s) {
        return Report.oneDecimal(s.median()) + " (" + Report.oneDecimal(s.min()) + ".." + Report.oneDecimal(s.max()) + ")";
    }

    /** One side's latency run: the delivery latencies, the createFile call's own time, and samples clamped to 0. */
    record Latency(Histogram delivery, Histogram call, long clamped) {
    }

    /**
     * Both sides' {@link Latency} per round, and the figures the table shows: percentiles per
     * round and the kevent ÷ WatchService ratio paired by round ({@link Spread#paired}), so that a
     * round the shared machine slowed for both sides does not decide the ratio.
     */
    static final class LatencyRounds {
        static final int KEVENT = 0;
        static final int WATCH = 1;
        static final String[] NAMES = {"kevent", "WatchService"};
        private final Latency[][] rounds;

        LatencyRounds(int rounds) {
            this.rounds = new Latency[2][rounds];
        }

        void put(int side, int round, Latency l) {
            rounds[side][round] = l;
        }

        /** @return the side's delivery latency at {@code percentile} in each round, µs; NaN for a round not run */
        double[] micros(int side, double percentile) {
            return percentiles(side, percentile, false);
        }

        /** @return the median time of the createFile call itself in each round, µs */
        double[] callMicros(int side) {
            return percentiles(side, 50, true);
        }

        /** @return kevent's percentile over WatchService's, round by round */
        Spread paired(double percentile) {
            return Spread.paired(micros(KEVENT, percentile), micros(WATCH, percentile));
        }

        long clamped(int side) {
            long sum = 0;
            for (Latency l : rounds[side]) {
                sum += l == null ? 0 : l.clamped();
            }
            return sum;
        }

        private double[] percentiles(int side, double percentile, boolean call) {
            Latency[] mine = rounds[side];
            double[] v = new double[mine.length];
            for (int r = 0; r < mine.length; r++) {
                Histogram h = mine[r] == null ? null : call ? mine[r].call() : mine[r].delivery();
                v[r] = h == null || h.getTotalCount() == 0 ? Double.NaN
                        : (percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile)) / 1e3;
            }
            return v;
        }
    }

    // ---------------------------------------------------------------------------------- sides

    /** One way of hearing about files: open on a directory, take a batch of events, close. */
    private interface Side extends AutoCloseable {
        String name();

        void open(Path dir) throws IOException;

        /**
         * Blocks for up to 100 ms and reports each file index seen (names are "f" + index) to
         * {@code sink}; returns -1 if an overflow was reported in this batch, else the count.
         */
        int take(IntSink sink) throws Exception;

        @Override
        void close() throws IOException;
    }

    @FunctionalInterface
    private interface IntSink {
        void accept(int index);
    }

    private static final class KeventSide implements Side {
        private KeventQueue queue;
        private final EventBuffer buf = new EventBuffer(256);
        private final byte[] name = new byte[256];

        @Override
        public String name() {
            return "kevent";
        }

        @Override
        public void open(Path dir) {
            queue = KeventQueue.open();
            queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE));
        }

        @Override
        public int take(IntSink sink) {
            int n = queue.getEvents(1, buf.capacity(), 100, TimeUnit.MILLISECONDS, buf);
            boolean overflow = false;
            for (int i = 0; i < n; i++) {
                if ((buf.events(i) & Kevent.INODE_OVERFLOW) != 0) {
                    overflow = true;
                    continue;
                }
                int len = buf.copyName(i, name, 0);
                int index = 0;
                for (int c = 1; c < len; c++) {
                    index = index * 10 + (name[c] - '0');
                }
                sink.accept(index);
            }
            return overflow ? -1 : n;
        }

        @Override
        public void close() {
            queue.close();
        }
    }

    private static final class WatchSide implements Side {
        private WatchService ws;

        @Override
        public String name() {
            return "WatchService";
        }

        @Override
        public void open(Path dir) throws IOException {
            ws = FileSystems.getDefault().newWatchService();
            dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
        }

        @Override
        public int take(IntSink sink) throws InterruptedException {
            WatchKey key = ws.poll(100, TimeUnit.MILLISECONDS);
            if (key == null) {
                return 0;
            }
            boolean overflow = false;
            int n = 0;
            for (WatchEvent<?> e : key.pollEvents()) {
                if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                    overflow = true;
                } else {
                    sink.accept(Integer.parseInt(e.context().toString().substring(1)));
                    n++;
                }
            }
            key.reset();
            return overflow ? -1 : n;
        }

        @Override
        public void close() throws IOException {
            ws.close();
        }
    }

    // ---------------------------------------------------------------------------------- runs

    private static Latency latency(Side side, int files) throws Exception {
        int warm = WARM_UP_FILES;
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "kevent-bench-inode-");
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Histogram call = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long clamped = 0;
        long[] received = new long[warm + files];
        Semaphore got = new Semaphore(0);
        side.open(dir);
        Thread consumer = Thread.ofPlatform().name("inode-bench-consumer").start(() -> {
            try {
                int seen = 0;
                while (seen < received.length) {
                    int n = side.take(index -> {
                        received[index] = System.nanoTime();
                        got.release();
                    });
                    seen += Math.max(0, n);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try {
            for (int i = 0; i < received.length; i++) {
                Path file = dir.resolve("f" + i);
                // Before the call: the kernel queues the event inside it (at the create, before the
                // close), so a clock started when the call returns often starts after the event
                // was taken, and half the samples came out as 0.
                long start = System.nanoTime();
                Files.createFile(file);
                long returned = System.nanoTime();
                if (!got.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(side.name() + ": file " + i + " was not reported within 10 s");
                }
                if (i >= warm) {
                    long latency = received[i] - start;
                    if (latency < 0) {
                        clamped++;
                        latency = 0;
                    }
                    h.recordValue(latency);
                    call.recordValue(returned - start);
                }
            }
            consumer.join();
        } finally {
            side.close();
            delete(dir);
        }
        return new Latency(h, call, clamped);
    }

    private record Burst(double rate, double createRate, long reported, long lost, boolean overflow) {
    }

    private static Burst burst(Side side, int files, boolean slow) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "kevent-bench-inode-");
        BitSet seen = new BitSet(files);
        long[] last = new long[1];
        boolean[] overflow = new boolean[1];
        long[] producerDone = {Long.MAX_VALUE};
        side.open(dir);
        Thread consumer = Thread.ofPlatform().name("inode-bench-consumer").start(() -> {
            try {
                long idleSince = System.nanoTime();
                while (seen.cardinality() < files) {
                    int n;
                    synchronized (seen) {
                        n = side.take(index -> {
                            seen.set(index);
                            last[0] = System.nanoTime();
                        });
                    }
                    if (n < 0) {
                        overflow[0] = true;
                    }
                    long now = System.nanoTime();
                    if (n != 0) {
                        idleSince = now;
                        if (slow) {
                            // About 4,000 events/s at most: slower than one thread creates files.
                            Thread.sleep(Math.max(1, Math.abs(n) / 4));
                        }
                    } else if (now - idleSince > IDLE_NANOS && now - producerDoneVolatile(producerDone) > IDLE_NANOS) {
                        return;
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long start = System.nanoTime();
        try {
            for (int i = 0; i < files; i++) {
                Files.createFile(dir.resolve("f" + i));
            }
            synchronized (producerDone) {
                producerDone[0] = System.nanoTime();
            }
            consumer.join();
        } finally {
            side.close();
            delete(dir);
        }
        long reported;
        synchronized (seen) {
            reported = seen.cardinality();
        }
        double seconds = (last[0] - start) / 1e9;
        return new Burst(reported / seconds, files / ((producerDone[0] - start) / 1e9), reported, files - reported,
                overflow[0]);
    }

    private static long producerDoneVolatile(long[] producerDone) {
        synchronized (producerDone) {
            return producerDone[0];
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
