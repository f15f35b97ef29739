package org.kevent.cli.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.kevent.KeventQueue;
import org.kevent.QueueClosedException;

/**
 * The threads of one scenario: started by name, joined with a bound, and watched for a waiter
 * that sleeps while events are ready. A thread that dies of an unexpected exception is a failure.
 */
final class Workers {
    /** No delivery for this long while the queue has ready events means a waiter is stuck. */
    static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long the end of a scenario may take to drain what is still in flight. */
    static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** A body that may be ended by closing its queue. */
    interface Body {
        void run() throws Exception;
    }

    private final String scenario;
    private final StressStats stats;
    private final List<Thread> threads = new ArrayList<>();

    Workers(String scenario, StressStats stats) {
        this.scenario = scenario;
        this.stats = stats;
    }

    /** Starts a platform thread; {@link QueueClosedException} ends it normally, anything else is a failure. */
    Thread start(String name, Body body) {
        Thread t = Thread.ofPlatform().daemon().name(scenario + "-" + name).start(() -> {
            try {
                body.run();
            } catch (QueueClosedException closed) {
                // the scenario's end
            } catch (Throwable e) {
                stats.failed(scenario + ": " + Thread.currentThread().getName() + " died: " + e);
            }
        });
        threads.add(t);
        return t;
    }

    /**
     * Joins every thread started so far within {@code boundNanos} in all; each one still alive
     * then counts as stuck.
     */
    void joinAll(long boundNanos, String why) throws InterruptedException {
        long deadline = System.nanoTime() + boundNanos;
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                stats.stuck(scenario + ": " + t.getName() + " did not return " + why);
            }
        }
        threads.clear();
    }

    /**
     * Waits until {@code done} holds, at most {@link #DRAIN_NANOS}.
     *
     * @return whether it holds
     */
    static boolean awaitDrain(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_NANOS;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /**
     * Watches a queue: if it has ready events and {@code progress} does not move for
     * {@link #STUCK_NANOS}, its waiters are stuck (a lost wake-up). One report per episode.
     */
    Thread watch(KeventQueue queue, LongSupplier progress, java.util.function.BooleanSupplier running) {
        return start("watchdog", () -> {
            long last = progress.getAsLong();
            long since = System.nanoTime();
            boolean reported = false;
            while (running.getAsBoolean() && queue.isOpen()) {
                Thread.sleep(50);
                long now = System.nanoTime();
                long p = progress.getAsLong();
                if (p != last || queue.stats().ready() == 0) {
                    last = p;
                    since = now;
                    reported = false;
                } else if (!reported && now - since > STUCK_NANOS) {
                    stats.stuck(scenario + ": " + queue.stats().ready() + " events ready and none delivered for "
                            + TimeUnit.NANOSECONDS.toSeconds(now - since) + " s");
                    reported = true;
                }
            }
        });
    }

    /** @return the sum of the array's elements now */
    static long sum(java.util.concurrent.atomic.AtomicLongArray a) {
        long s = 0;
        for (int k = 0; k < a.length(); k++) {
            s += a.get(k);
        }
        return s;
    }

    /** Handles one batch a waiter took. */
    interface Batch {
        void take(org.kevent.EventBuffer out, int n);
    }

    /**
     * Starts {@code count} threads that wait in {@code getEvents(1, 64, forever)} until the queue
     * closes, timing each wait and counting what they take; {@code batch} keeps the books.
     */
    void waiters(int count, KeventQueue queue, java.util.concurrent.atomic.LongAdder progress, Batch batch) {
        for (int w = 0; w < count; w++) {
            start("waiter" + w, () -> {
                org.kevent.EventBuffer out = new org.kevent.EventBuffer(64);
                for (;;) {
                    long t0 = System.nanoTime();
                    int n = queue.getEvents(1, 64, -1, TimeUnit.NANOSECONDS, out);
                    stats.waited(System.nanoTime() - t0);
                    batch.take(out, n);
                    stats.operations(1);
                    stats.delivered(n);
                    progress.add(n);
                }
            });
        }
    }

    /** Starts {@code count} threads triggering random user ids below {@code ids} until {@code end}, counting each. */
    void triggerers(int count, KeventQueue queue, java.util.concurrent.atomic.AtomicLongArray triggered, long end) {
        for (int t = 0; t < count; t++) {
            start("trigger" + t, () -> {
                java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
                while (System.nanoTime() < end) {
                    int id = random.nextInt(triggered.length());
                    triggered.incrementAndGet(id);
                    queue.trigger(id);
                    stats.operations(1);
                }
            });
        }
    }

    /** Per id, delivered counts against caused ones: the shortfall is lost, the excess duplicated. */
    void settle(java.util.concurrent.atomic.AtomicLongArray caused, java.util.concurrent.atomic.AtomicLongArray delivered,
                boolean drained) {
        for (int id = 0; id < caused.length(); id++) {
            long d = delivered.get(id);
            long t = caused.get(id);
            stats.lost(t - d, scenario + ": USER " + id + " " + (t - d) + " of " + t + " triggers never delivered"
                    + (drained ? "" : " (drain timed out)"));
            stats.duplicated(d - t, scenario + ": USER " + id + " delivered " + d + " for " + t + " triggers");
        }
    }

    /** Closes the queue and checks that the watchdog and every waiter of this set leave. */
    void closeAndJoin(KeventQueue queue, Thread watchdog) throws InterruptedException {
        queue.close();
        watchdog.join(TimeUnit.NANOSECONDS.toMillis(STUCK_NANOS));
        joinAll(STUCK_NANOS, "with QueueClosedException after close");
    }
}
