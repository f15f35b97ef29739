package org.kevent.cli;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.QueueClosedException;
import org.kevent.Ukevent;

/**
 * User events: 7 (level) and 8 ({@link Kevent#REQ_ET}), triggered by a thread of their own,
 * sometimes several times in a row so that the queue coalesces them into one delivery whose
 * data counts the triggers. The summary checks that every trigger sent was counted.
 */
final class UserSection implements DemoSection {
    static final long LEVEL_ID = 7;
    static final long EDGE_ID = 8;
    private static final long COOKIE_BASE = 2000;
    private static final long TICK_MILLIS = 150;

    private final AtomicLong sentLevel = new AtomicLong();
    private final AtomicLong sentEdge = new AtomicLong();
    private long countedLevel;
    private long countedEdge;
    private Thread trigger;

    @Override
    public String name() {
        return "user";
    }

    @Override
    public Set<EventType> types() {
        return EnumSet.of(EventType.USER);
    }

    @Override
    public List<Ukevent> interests(long originNanos) {
        return List.of(
                Ukevent.user(LEVEL_ID).withCookie(COOKIE_BASE + LEVEL_ID),
                Ukevent.user(EDGE_ID).withFlags(Kevent.REQ_ET).withCookie(COOKIE_BASE + EDGE_ID));
    }

    @Override
    public void start(KeventQueue queue) {
        trigger = Thread.ofPlatform().name("kevent-demo-trigger").daemon().start(() -> triggerLoop(queue));
    }

    /** Every tick: 7 once on even ticks, twice in a row every fifth tick, 8 three times in a row every third. */
    private void triggerLoop(KeventQueue queue) {
        try {
            for (long tick = 0; ; tick++) {
                TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
                if (tick % 2 == 0) {
                    fire(queue, LEVEL_ID, 1);
                }
                if (tick % 5 == 4) {
                    fire(queue, LEVEL_ID, 2);
                }
                if (tick % 3 == 2) {
                    fire(queue, EDGE_ID, 3);
                }
            }
        } catch (InterruptedException | QueueClosedException stopped) {
            // stop() interrupts us; a closed queue means the demo is over either way.
        }
    }

    private void fire(KeventQueue queue, long id, int times) {
        for (int k = 0; k < times; k++) {
            queue.trigger(id);
            (id == LEVEL_ID ? sentLevel : sentEdge).incrementAndGet();
        }
    }

    @Override
    public void stop() {
        Thread t = trigger;
        if (t != null) {
            t.interrupt();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String note(EventType type, long id) {
        return id == LEVEL_ID ? "triggered, level" : id == EDGE_ID ? "triggered in bursts of 3, ET" : "user " + id;
    }

    @Override
    public String data2(EventBuffer events, int i) {
        if (events.id(i) == LEVEL_ID) {
            countedLevel += events.data(i);
        } else if (events.id(i) == EDGE_ID) {
            countedEdge += events.data(i);
        }
        return Long.toString(events.data2(i));
    }

    @Override
    public List<String> summary() {
        return List.of(line(LEVEL_ID, sentLevel.get(), countedLevel), line(EDGE_ID, sentEdge.get(), countedEdge));
    }

    private static String line(long id, long sent, long counted) {
        return "id " + id + ": " + sent + " triggers sent, " + counted + " counted in deliveries"
                + (sent == counted ? "" : " (MISMATCH)");
    }
}
