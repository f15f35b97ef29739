package org.kevent.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.Ukevent;

/**
 * Timers: two periodic ones at different rates and two single-expiry ones: one stays registered
 * after it fires (disarmed, as a plain single timer does), the other is {@link Kevent#REQ_ONESHOT}
 * and leaves with its delivery. Deadlines are absolute, so the section knows each expiry's deadline
 * and shows its lateness: fire time (data2) minus the deadline it fired for.
 */
final class TimerSection implements DemoSection {
    private static final long COOKIE_BASE = 1000;

    /** One timer's schedule and what it delivered so far. */
    private static final class Timer {
        final long id;
        final long delayNanos;
        final long periodNanos;
        final int flags;
        final String note;
        long firstDeadline;
        long expirations;

        Timer(long id, Duration delay, Duration period, int flags, String note) {
            this.id = id;
            this.delayNanos = delay.toNanos();
            this.periodNanos = period.toNanos();
            this.flags = flags;
            this.note = note;
        }
    }

    private final Map<Long, Timer> timers = new HashMap<>();
    private long lateSumNanos;
    private long lateMaxNanos;
    private long lateCount;

    TimerSection() {
        add(new Timer(1, Duration.ofMillis(250), Duration.ofMillis(250), 0, "every 250 ms"));
        add(new Timer(2, Duration.ofMillis(100), Duration.ofMillis(100), 0, "every 100 ms"));
        add(new Timer(3, Duration.ofMillis(500), Duration.ZERO, 0, "once at 500 ms, then kept disarmed"));
        add(new Timer(4, Duration.ofMillis(1500), Duration.ZERO, Kevent.REQ_ONESHOT, "once at 1500 ms, ONESHOT: then removed"));
    }

    private void add(Timer t) {
        timers.put(t.id, t);
    }

    @Override
    public String name() {
        return "timers";
    }

    @Override
    public Set<EventType> types() {
        return EnumSet.of(EventType.TIMER);
    }

    @Override
    public List<Ukevent> interests(long originNanos) {
        List<Ukevent> records = new ArrayList<>();
        for (Timer t : timers.values()) {
            t.firstDeadline = originNanos + t.delayNanos;
            Ukevent u = Ukevent.timerAt(t.id, t.firstDeadline).withFlags(t.flags).withCookie(COOKIE_BASE + t.id);
            records.add(t.periodNanos > 0 ? u.withPeriodNanos(t.periodNanos) : u);
        }
        records.sort((a, b) -> Long.compare(a.id(), b.id()));
        return records;
    }

    @Override
    public String note(EventType type, long id) {
        Timer t = timers.get(id);
        return t == null ? "timer " + id : t.note;
    }

    @Override
    public String data2(EventBuffer events, int i) {
        Timer t = timers.get(events.id(i));
        if (t == null) {
            return Long.toString(events.data2(i));
        }
        // data counts the expirations since the last delivery; the last of them is the one the
        // fire time belongs to.
        t.expirations += events.data(i);
        long deadline = t.firstDeadline + (t.expirations - 1) * t.periodNanos;
        long late = events.data2(i) - deadline;
        lateSumNanos += late;
        lateMaxNanos = Math.max(lateMaxNanos, late);
        lateCount++;
        return "late " + micros(late) + "us";
    }

    @Override
    public List<String> summary() {
        if (lateCount == 0) {
            return List.of("no expiry delivered");
        }
        return List.of("lateness (fire time - deadline) mean " + micros(lateSumNanos / lateCount)
                + "us, max " + micros(lateMaxNanos) + "us over " + lateCount + " deliveries");
    }

    private static long micros(long nanos) {
        return nanos / 1_000;
    }
}
