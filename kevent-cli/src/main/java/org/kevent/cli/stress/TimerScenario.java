package org.kevent.cli.stress;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import org.kevent.CtlOp;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * One-shot timers ({@link Kevent#REQ_ONESHOT}: fresh ids, so each must leave the queue with its
 * delivery) from two threads (0–2 ms delays), one in eight cancelled right after it is added, and
 * two threads waiting in {@code getEvents} without a timeout.
 *
 * <p>Books: every timer that was not cancelled fires exactly once, with one expiration; a timer
 * whose removal succeeded never fires; close wakes every waiter.
 */
final class TimerScenario implements Scenario {
    private static final int MAX_IN_FLIGHT = 5_000;

    @Override
    public String name() {
        return "timers";
    }

    @Override
    public void run(Duration budget, StressStats stats) throws InterruptedException {
        Workers workers = new Workers(name(), stats);
        Set<Long> armed = ConcurrentHashMap.newKeySet();
        LongAdder progress = new LongAdder();
        long end = System.nanoTime() + budget.toNanos();
        try (KeventQueue queue = KeventQueue.open()) {
            workers.waiters(2, queue, progress, (out, n) -> {
                for (int k = 0; k < n; k++) {
                    long id = out.id(k);
                    if (!armed.remove(id)) {
                        stats.duplicated(1, name() + ": timer " + id + " fired twice or after its removal");
                    } else if (out.data(k) != 1) {
                        stats.failed(name() + ": one-shot timer " + id + " reported " + out.data(k) + " expirations");
                    }
                }
            });
            Workers producers = new Workers(name(), stats);
            for (int t = 0; t < 2; t++) {
                long stripe = t;
                producers.start("scheduler" + t, () -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (long id = stripe; System.nanoTime() < end; id += 2) {
                        while (armed.size() > MAX_IN_FLIGHT && System.nanoTime() < end) {
                            Thread.onSpinWait();
                        }
                        armed.add(id);
                        Ukevent timer = Ukevent.timerNanos(id, random.nextLong(2_000_000)).withFlags(Kevent.REQ_ONESHOT);
                        queue.add(timer);
                        stats.operations(1);
                        // A successful removal means the timer had not been delivered: it must never be.
                        // ENOENT means its delivery came first; the per-record form says which, without
                        // an exception for an expected race.
                        if (random.nextInt(8) == 0 && queue.ctl(CtlOp.REMOVE, timer).ok(0)) {
                            armed.remove(id);
                            stats.operations(1);
                        }
                    }
                });
            }
            Thread watchdog = workers.watch(queue, progress::sum, queue::isOpen);
            producers.joinAll(budget.toNanos() + Workers.DRAIN_NANOS, "after the load ended");
            boolean drained = Workers.awaitDrain(armed::isEmpty);
            stats.lost(armed.size(), name() + ": " + armed.size() + " timers never fired"
                    + (drained ? "" : " (drain timed out)"));
            workers.closeAndJoin(queue, watchdog);
        }
    }
}
