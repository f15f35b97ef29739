package org.kevent.cli.stress;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * USER events under contention: two threads trigger 64 fixed interests (half ET, half level),
 * one thread adds ONESHOT interests with fresh ids, modifies their cookie and triggers each once,
 * one thread adds, modifies and removes interests nobody triggers, and three threads wait in
 * {@code getEvents} without a timeout.
 *
 * <p>Books: per fixed id, the sum of delivered {@code data} equals the triggers (coalesced counts
 * lose nothing and count nothing twice); every ONESHOT id comes exactly once with data 1 and its
 * modified cookie; an id nobody triggered never comes; close wakes every waiter.
 */
final class UserEventsScenario implements Scenario {
    private static final int FIXED = 64;
    private static final long ONESHOT_BASE = 1L << 40;
    private static final long QUIET_BASE = 1L << 41;
    private static final int MAX_IN_FLIGHT = 10_000;

    @Override
    public String name() {
        return "user-events";
    }

    @Override
    public void run(Duration budget, StressStats stats) throws InterruptedException {
        Workers workers = new Workers(name(), stats);
        AtomicLongArray triggered = new AtomicLongArray(FIXED);
        AtomicLongArray delivered = new AtomicLongArray(FIXED);
        Set<Long> oneshotsInFlight = ConcurrentHashMap.newKeySet();
        LongAdder progress = new LongAdder();
        long end = System.nanoTime() + budget.toNanos();
        try (KeventQueue queue = KeventQueue.open()) {
            for (int id = 0; id < FIXED; id++) {
                queue.add(Ukevent.user(id).withFlags(id % 2 == 0 ? Kevent.REQ_ET : Kevent.REQ_LEVEL));
            }
            workers.waiters(3, queue, progress, (out, n) -> {
                for (int k = 0; k < n; k++) {
                    account(out, k, delivered, oneshotsInFlight, stats);
                }
            });
            Workers producers = new Workers(name(), stats);
            producers.triggerers(2, queue, triggered, end);
            producers.start("oneshot", () -> {
                for (long id = ONESHOT_BASE; System.nanoTime() < end; id++) {
                    while (oneshotsInFlight.size() > MAX_IN_FLIGHT && System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                    oneshotsInFlight.add(id);
                    queue.add(Ukevent.user(id).withFlags(Kevent.REQ_ONESHOT));
                    queue.modify(Ukevent.user(id).withFlags(Kevent.REQ_ONESHOT).withCookie(~id));
                    queue.trigger(id);
                    stats.operations(3);
                }
            });
            producers.start("ctl", () -> {
                for (long k = 0; System.nanoTime() < end; k++) {
                    long id = QUIET_BASE + k % 64;
                    queue.add(Ukevent.user(id).withFlags(Kevent.REQ_ET));
                    queue.modify(Ukevent.user(id).withCookie(k));
                    queue.remove(EventType.USER, id);
                    stats.operations(3);
                }
            });
            Thread watchdog = workers.watch(queue, progress::sum, queue::isOpen);
            producers.joinAll(budget.toNanos() + Workers.DRAIN_NANOS, "after the load ended");
            boolean drained = Workers.awaitDrain(() -> oneshotsInFlight.isEmpty() && Workers.sum(delivered) == Workers.sum(triggered));
            workers.settle(triggered, delivered, drained);
            stats.lost(oneshotsInFlight.size(), name() + ": " + oneshotsInFlight.size() + " ONESHOT events never delivered"
                    + (drained ? "" : " (drain timed out)"));
            workers.closeAndJoin(queue, watchdog);
        }
    }


    private void account(EventBuffer out, int k, AtomicLongArray delivered, Set<Long> oneshots, StressStats stats) {
        long id = out.id(k);
        if (id >= 0 && id < FIXED) {
            delivered.addAndGet((int) id, out.data(k));
        } else if (id >= ONESHOT_BASE && id < QUIET_BASE) {
            if (!oneshots.remove(id)) {
                stats.duplicated(1, name() + ": ONESHOT " + id + " delivered twice");
            } else if (out.data(k) != 1 || out.cookie(k) != ~id) {
                stats.failed(name() + ": ONESHOT " + id + " came with data " + out.data(k) + " cookie " + out.cookie(k));
            }
        } else {
            stats.duplicated(1, name() + ": USER " + id + " delivered but never triggered");
        }
    }
}
