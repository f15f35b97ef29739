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

/**
 * {@code ./kevent bench inode}: file-creation events, kevent INODE vs JDK {@link WatchService}, in
 * one run.
 *
 * <h2>Method</h2>
 * <ul>
 *   <li><b>latency</b>: one file at a time; the producer notes the time when
 *       {@code Files.createFile} returns, a consumer thread blocked in {@code getEvents} /
 *       {@code take()} notes the time it holds the event; the producer creates the next file only
 *       after the consumer had the previous one. {@code --files} (10,000) measured after 1,000
 *       warm-up files, HdrHistogram in ns.</li>
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

    private InodeBench() {
    }

    static void run(Report report, BenchMain.Options options) throws Exception {
        options.allowOnly("files", "burst");
        int files = options.intOption("files", 10_000);
        int burst = options.intOption("burst", 100_000);
        report.header("inode", "file creation events, kevent INODE vs JDK WatchService");
        report.note("latency: " + files + " files one at a time (after 1,000 warm-up); bursts of " + burst
                + " creates; temp dirs under /tmp");
        report.note("");

        Histogram k = latency(new KeventSide(), files);
        Histogram w = latency(new WatchSide(), files);
        Report.Table t = report.table("latency createFile→delivery", "p50 µs", "p99 µs", "p99.9 µs", "max µs");
        row(report, t, "kevent", k);
        row(report, t, "WatchService", w);
        t.print();
        double ratio = (double) k.getValueAtPercentile(99) / w.getValueAtPercentile(99);
        report.metric("kevent/WatchService", "latency_p99_ratio", ratio, "x");
        report.note("p99 ratio kevent/WatchService: " + Report.ratio(ratio) + " (target ≤ 0.50×: "
                + (ratio <= 0.5 ? "met" : "NOT met") + ")");
        report.note("");

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

    private static void row(Report report, Report.Table t, String name, Histogram h) {
        double p50 = h.getValueAtPercentile(50) / 1e3;
        double p99 = h.getValueAtPercentile(99) / 1e3;
        double p999 = h.getValueAtPercentile(99.9) / 1e3;
        t.row(name, Report.oneDecimal(p50), Report.oneDecimal(p99), Report.oneDecimal(p999),
                Report.oneDecimal(h.getMaxValue() / 1e3));
        report.metric(name, "latency_p50", p50, "us");
        report.metric(name, "latency_p99", p99, "us");
        report.metric(name, "latency_p999", p999, "us");
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

    private static Histogram latency(Side side, int files) throws Exception {
        int warm = 1_000;
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "kevent-bench-inode-");
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
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
                Files.createFile(dir.resolve("f" + i));
                long created = System.nanoTime();
                if (!got.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(side.name() + ": file " + i + " was not reported within 10 s");
                }
                // The event may be taken before createFile returns (the kernel queues it inside the
                // call): that counts as 0, never as a negative latency.
                if (i >= warm) {
                    h.recordValue(Math.max(0, received[i] - created));
                }
            }
            consumer.join();
        } finally {
            side.close();
            delete(dir);
        }
        return h;
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
