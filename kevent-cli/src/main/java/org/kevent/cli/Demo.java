package org.kevent.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.kevent.CtlOp;
import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.QueueClosedException;
import org.kevent.QueueEngine;
import org.kevent.QueueStats;
import org.kevent.Ukevent;

/**
 * The demo loop: opens a queue, registers every section's interests, prints each event as it
 * arrives in an aligned table, then drains what is left and prints a summary.
 *
 * <p><b>Threading:</b> {@link #run} on one thread; {@link #stop} and {@link #stopAndAwait} from
 * any other (a shutdown hook), any number of times.
 */
final class Demo {
    private static final String ROW = "%8s  %-5s %4s  %-8s %-11s %5s  %-14s %6s  %s%n";
    private static final int BATCH = 64;
    private static final long STOP_GRACE_MILLIS = 2_000;

    private final PrintStream out;
    private final Duration length;
    private final QueueEngine engine;
    private final List<DemoSection> sections;
    /** The sections the queue's engine serves, once it is open; the only ones started and stopped. */
    private List<DemoSection> active = List.of();
    private final Map<EventType, long[]> perType = new EnumMap<>(EventType.class);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile KeventQueue queue;
    private long origin;

    /**
     * @param out      where the table and summary go
     * @param length   how long to wait for events before the summary; positive
     * @param engine   the engine to open the queue on ({@link QueueEngine#AUTO}: the library's choice)
     * @param sections what to register, in order
     */
    Demo(PrintStream out, Duration length, QueueEngine engine, List<DemoSection> sections) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("demo length must be positive, got " + length);
        }
        this.out = out;
        this.length = length;
        this.engine = engine;
        this.sections = List.copyOf(sections);
    }

    /**
     * Runs the demo to its end or until {@link #stop}.
     *
     * @return the exit status, 0
     */
    int run() {
        try (KeventQueue q = KeventQueue.builder().engine(engine).open()) {
            queue = q;
            if (stopping) {
                return 0;
            }
            // The header goes first: it loads the formatting classes, which would otherwise make
            // the first deadlines look late.
            header(q);
            active = served(q);
            origin = System.nanoTime();
            // A socket follows the default engine when it is made (docs/SEMANTICS.md §10), and
            // --engine chooses the queue's only: the sections make theirs on the queue's engine.
            EngineOption.asDefault(q.engine(), () -> {
                register(q);
                active.forEach(s -> s.start(q));
                return null;
            });
            EventBuffer events = new EventBuffer(BATCH);
            printHeadings();
            boolean cut = loop(q, events);
            active.forEach(DemoSection::stop);
            drain(q, events);
            summary(q, cut);
            return 0;
        } finally {
            active.forEach(DemoSection::stop);
            queue = null;
            finished.countDown();
        }
    }

    /** Asks {@link #run} to stop waiting and print its summary. */
    void stop() {
        stopping = true;
        KeventQueue q = queue;
        if (q != null) {
            try {
                q.wakeup();
            } catch (QueueClosedException alreadyDone) {
                // run() finished between the read and the call: nothing left to wake.
            }
        }
    }

    /** {@link #stop}, then waits a little for the summary, as a shutdown hook must. */
    void stopAndAwait() {
        stop();
        try {
            finished.await(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void header(KeventQueue q) {
        out.printf("kevent demo: engine %s, JDK %s, pid %d, %d ms (Ctrl-C stops early)%n",
                q.engineName(), Runtime.version(), ProcessHandle.current().pid(), length.toMillis());
    }

    /**
     * @return the sections whose every type the queue's engine serves; prints why each other one
     *         is skipped. Off Linux, or without native access, that leaves every type but POLL
     *         (docs/SEMANTICS.md §10).
     */
    private List<DemoSection> served(KeventQueue q) {
        List<DemoSection> served = new ArrayList<>();
        for (DemoSection s : sections) {
            Set<EventType> refused = EnumSet.noneOf(EventType.class);
            for (EventType t : s.types()) {
                // The portable engine serves every type but POLL: a raw descriptor needs epoll.
                if (q.engine() == QueueEngine.PORTABLE && t == EventType.POLL) {
                    refused.add(t);
                }
            }
            if (refused.isEmpty()) {
                served.add(s);
            } else {
                out.printf("skipped %s: the %s engine does not serve %s records (docs/SEMANTICS.md §10)%n",
                        s.name(), q.engineName(), refused);
            }
        }
        return served;
    }

    private void register(KeventQueue q) {
        List<Ukevent> records = new ArrayList<>();
        for (DemoSection s : active) {
            for (Ukevent u : s.interests(origin)) {
                records.add(u.withAttachment(s));
            }
        }
        q.ctl(CtlOp.ADD, records.toArray(Ukevent[]::new)).throwIfFailed(CtlOp.ADD);
        out.println("interests:");
        for (Ukevent u : records) {
            DemoSection s = (DemoSection) u.attachment();
            out.printf("  %-5s %4d  %-28s flags %-8s cookie %d%n", u.type(), u.id(), s.note(u.type(), u.id()),
                    Kevent.requestFlagNames(u.flags()), u.cookie());
        }
    }

    private void printHeadings() {
        out.println();
        out.printf(ROW, "ms", "type", "id", "events", "flags", "data", "data2", "cookie", "interest");
    }

    /** @return whether the run was cut short (Ctrl-C, interrupt) */
    private boolean loop(KeventQueue q, EventBuffer events) {
        long end = origin + length.toNanos();
        while (!stopping) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            int n = q.getEventsUntil(1, events.capacity(), end, events);
            print(events, n);
            if (Thread.currentThread().isInterrupted()) {
                return true;
            }
        }
        return true;
    }

    private void drain(KeventQueue q, EventBuffer events) {
        // The sections have stopped: whatever is ready now is the last of it, once each section
        // says its events are all in. Bounded, in case a periodic timer keeps firing while we print.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS);
        for (int round = 0; round < 4 || !settled() && System.nanoTime() < deadline; round++) {
            boolean settled = settled();
            int n = settled ? q.poll(events) : q.getEvents(1, BATCH, 10, TimeUnit.MILLISECONDS, events);
            if (n == 0 && settled) {
                return;
            }
            print(events, n);
        }
    }

    private boolean settled() {
        return active.stream().allMatch(DemoSection::settled);
    }

    private void print(EventBuffer events, int n) {
        String ms = Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin));
        for (int i = 0; i < n; i++) {
            EventType type = events.type(i);
            long[] counts = perType.computeIfAbsent(type, t -> new long[2]);
            counts[0]++;
            counts[1] += events.data(i);
            String data2;
            String note;
            DemoSection owner = events.attachment(i) instanceof DemoSection s ? s : null;
            if (owner != null) {
                data2 = owner.data2(events, i);
                note = owner.note(type, events.id(i));
            } else {
                data2 = Long.toString(events.data2(i));
                note = "?";
            }
            out.printf(ROW, ms, type, events.id(i), type.eventNames(events.events(i)),
                    Kevent.returnFlagNames(events.flags(i)), events.data(i), data2, events.cookie(i), note);
        }
    }

    private void summary(KeventQueue q, boolean cut) {
        long ran = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin);
        out.println();
        out.printf("summary after %d ms%s:%n", ran, cut ? " (stopped early)" : "");
        long total = 0;
        for (EventType t : EventType.values()) {
            long[] c = perType.getOrDefault(t, new long[2]);
            out.printf("  %-7s %6d events, data summed %d%n", t, c[0], c[1]);
            total += c[0];
        }
        out.printf("  %-7s %6d events%n", "total", total);
        for (DemoSection s : active) {
            for (String line : s.summary()) {
                out.printf("  %-7s %s%n", s.name(), line);
            }
        }
        QueueStats st = q.stats();
        out.printf("  %-7s registered %d, delivered %d, syscalls %d, wakeups %d, overflows %d%n",
                "queue", st.registered(), st.delivered(), st.syscalls(), st.wakeups(), st.overflows());
        out.printf("  %-7s %s, network AIO on %s%n", "engine", q.engineName(), q.aioEngine());
    }
}
