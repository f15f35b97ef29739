package org.kevent.cli.stress;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.kevent.EventRing;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * Ring delivery (docs/SEMANTICS.md §6) under contention: one consumer takes events in place with
 * {@code await}/{@code commit} from a small ring (so it is often full), two threads trigger 32
 * ET interests, and one thread keeps modifying their cookies and adding and removing interests
 * nobody triggers.
 *
 * <p>Books: per id, the sum of {@code data} in the slots the consumer read equals the triggers;
 * no slot of a triggered interest reads as removed (nobody removed one); close ends the consumer.
 */
final class RingScenario implements Scenario {
    private static final int IDS = 32;
    private static final int SLOTS = 16;

    @Override
    public String name() {
        return "ring";
    }

    @Override
    public void run(Duration budget, StressStats stats) throws InterruptedException {
        Workers workers = new Workers(name(), stats);
        AtomicLongArray triggered = new AtomicLongArray(IDS);
        AtomicLongArray delivered = new AtomicLongArray(IDS);
        LongAdder progress = new LongAdder();
        long end = System.nanoTime() + budget.toNanos();
        try (KeventQueue queue = KeventQueue.open()) {
            EventRing ring = queue.openRing(SLOTS);
            for (int id = 0; id < IDS; id++) {
                queue.add(Ukevent.user(id).withFlags(Kevent.REQ_ET));
            }
            workers.start("consumer", () -> {
                for (;;) {
                    long t0 = System.nanoTime();
                    long last = ring.await(1, -1, TimeUnit.NANOSECONDS);
                    stats.waited(System.nanoTime() - t0);
                    long n = last - ring.readPosition();
                    for (long seq = ring.readPosition(); seq < last; seq++) {
                        long id = ring.id(seq);
                        if (ring.type(seq) != EventType.USER || id < 0 || id >= IDS) {
                            stats.duplicated(1, name() + ": slot " + seq + " holds " + ring.type(seq) + " " + id
                                    + ", never triggered");
                        } else if (ring.isRemoved(seq)) {
                            stats.lost(ring.data(seq), name() + ": slot " + seq + " of USER " + id
                                    + " reads as removed though nobody removed it");
                        } else {
                            delivered.addAndGet((int) id, ring.data(seq));
                        }
                    }
                    ring.commit(last);
                    stats.operations(2);
                    stats.delivered(n);
                    progress.add(n);
                }
            });
            Workers producers = new Workers(name(), stats);
            producers.triggerers(2, queue, triggered, end);
            producers.start("ctl", () -> {
                for (long k = 0; System.nanoTime() < end; k++) {
                    queue.modify(Ukevent.user(k % IDS).withFlags(Kevent.REQ_ET).withCookie(k));
                    long quiet = 1_000 + k % 16;
                    queue.add(Ukevent.user(quiet));
                    queue.remove(EventType.USER, quiet);
                    stats.operations(3);
                }
            });
            Thread watchdog = workers.watch(queue, progress::sum, queue::isOpen);
            producers.joinAll(budget.toNanos() + Workers.DRAIN_NANOS, "after the load ended");
            boolean drained = Workers.awaitDrain(() -> Workers.sum(delivered) == Workers.sum(triggered));
            workers.settle(triggered, delivered, drained);
            workers.closeAndJoin(queue, watchdog);
        }
    }

}
