package org.kevent.cli.stress;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.kevent.EventBuffer;
import org.kevent.EventRing;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * Close while threads wait: round after round, a queue gets three threads blocked in
 * {@code getEvents} without a timeout and one in a ring {@code await}, then another thread closes
 * it. Every one of them must leave with {@code QueueClosedException} within the stuck bound
 * (docs/SEMANTICS.md §1: close wakes every waiter); one that does not is stuck, one that returns events
 * (nothing was ever triggered) is a duplicate.
 */
final class CloseScenario implements Scenario {
    private static final int WAITERS = 3;

    @Override
    public String name() {
        return "close";
    }

    @Override
    public void run(Duration budget, StressStats stats) throws InterruptedException {
        long end = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < end && stats.stuck() == 0) {
            round(stats);
        }
    }

    private void round(StressStats stats) throws InterruptedException {
        Workers workers = new Workers(name(), stats);
        KeventQueue queue = KeventQueue.open();
        EventRing ring = queue.openRing(4);
        queue.add(Ukevent.user(1));
        CountDownLatch started = new CountDownLatch(WAITERS + 1);
        for (int w = 0; w < WAITERS; w++) {
            workers.start("waiter" + w, () -> {
                EventBuffer out = new EventBuffer(4);
                started.countDown();
                int n = queue.getEvents(1, 4, -1, TimeUnit.NANOSECONDS, out);
                stats.duplicated(n, name() + ": a waiter got " + n + " events from a queue nobody triggered");
            });
        }
        workers.start("ring", () -> {
            started.countDown();
            long last = ring.await(1, -1, TimeUnit.NANOSECONDS);
            stats.duplicated(last, name() + ": the ring got " + last + " events from a queue nobody triggered");
        });
        started.await();
        // Let most of them reach the kernel or their condition; those that do not yet are as
        // good a test: they must see the close on the way in.
        Thread.sleep(1);
        queue.close();
        workers.joinAll(Workers.STUCK_NANOS, "with QueueClosedException within " + Workers.STUCK_NANOS / 1_000_000_000 + " s of close");
        stats.operations(WAITERS + 3);
    }
}
