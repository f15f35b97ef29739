package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.kevent.testing.ChildJvm;

/**
 * A virtual thread waiting on a queue leaves its carrier to other virtual threads
 * (docs/SEMANTICS.md §5). Each case runs in a child JVM with one carrier, where a waiter that
 * pinned it would keep every other virtual thread from running until its timeout: the other
 * thread's trigger could then never end the wait, which returns empty instead.
 */
class VirtualThreadWaitTest {
    @Test
    void aVirtualWaiterLetsAnotherVirtualThreadRunOnTheOnlyCarrier() {
        assertThat(runProbe("getEvents")).containsExactly("waiter got 1");
    }

    @Test
    void aVirtualRingWaiterLetsAnotherVirtualThreadRunOnTheOnlyCarrier() {
        assertThat(runProbe("ring")).containsExactly("waiter got 1");
    }

    @Test
    void manyVirtualWaitersOnTheirOwnQueuesAllLeaveTheCarrierFree() {
        assertThat(runProbe("many")).containsExactly("waiters got 64");
    }

    /** docs/SEMANTICS.md §1, close: every waiter leaves with QueueClosedException, none stays parked. */
    @Test
    void closingAQueueThatAThousandVirtualThreadsWaitOnEndsEveryWait() throws Exception {
        int n = 1000;
        KeventQueue queue = KeventQueue.open();
        AtomicInteger closedOut = new AtomicInteger();
        AtomicInteger otherEnd = new AtomicInteger();
        List<Thread> waiters = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            waiters.add(Thread.ofVirtual().start(() -> {
                try {
                    queue.getEvents(1, 1, 1, TimeUnit.HOURS, new EventBuffer(1));
                    otherEnd.incrementAndGet();
                } catch (QueueClosedException e) {
                    closedOut.incrementAndGet();
                }
            }));
        }
        TestQueues.await("every thread waits", () -> queue.waitingThreads() == n);

        queue.close();

        for (Thread w : waiters) {
            w.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(w.isAlive()).as("a waiter still parked after close").isFalse();
        }
        assertThat(closedOut.get()).isEqualTo(n);
        assertThat(otherEnd.get()).isZero();
    }

    /** Queues that virtual threads waited on leave no descriptor and no thread behind when closed. */
    @Test
    void twoThousandQueuesWaitedOnByVirtualThreadsLeakNoDescriptorAndNoThread() throws Exception {
        cycle(); // the watcher thread and its epoll instance exist from the first parked wait on
        long fds = TestQueues.openFds();
        int threads = Thread.activeCount();
        for (int k = 0; k < 2000; k++) {
            cycle();
        }
        assertThat(TestQueues.openFds()).isEqualTo(fds);
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads);
    }

    /** One queue, one virtual waiter parked in it and woken by a trigger, then close. */
    private static void cycle() throws InterruptedException {
        try (KeventQueue queue = KeventQueue.open()) {
            queue.add(Ukevent.user(1));
            Thread waiter = Thread.ofVirtual().start(
                    () -> queue.getEvents(1, 1, 1, TimeUnit.HOURS, new EventBuffer(1)));
            TestQueues.await("the waiter waits", () -> queue.waitingThreads() == 1);
            queue.trigger(1);
            waiter.join();
        }
    }

    private static String[] runProbe(String mode) {
        String[] lines = ChildJvm.runMain(Probe.class, ChildJvm.ONE_CARRIER, mode);
        assertThat(lines).as("the probe JVM ran and exited 0").isNotNull();
        return lines;
    }

    /** The child JVM's program: waiters on virtual threads, then a virtual thread that triggers. */
    static final class Probe {
        private static final long WAIT_SECONDS = 5;

        public static void main(String[] args) throws Exception {
            switch (args[0]) {
                case "getEvents" -> one(false);
                case "ring" -> one(true);
                case "many" -> many(64);
                default -> throw new IllegalArgumentException(args[0]);
            }
        }

        private static void one(boolean ring) throws InterruptedException {
            try (KeventQueue queue = KeventQueue.open()) {
                queue.add(Ukevent.user(1));
                EventRing r = ring ? queue.openRing(4) : null;
                AtomicInteger got = new AtomicInteger(-1);
                CountDownLatch entering = new CountDownLatch(1);
                Thread waiter = Thread.ofVirtual().start(() -> {
                    entering.countDown();
                    // With one carrier, nothing else runs until this thread parks (or leaves).
                    if (ring) {
                        got.set((int) (r.await(1, WAIT_SECONDS, TimeUnit.SECONDS) - r.readPosition()));
                    } else {
                        got.set(queue.getEvents(1, 1, WAIT_SECONDS, TimeUnit.SECONDS, new EventBuffer(1)));
                    }
                });
                entering.await();
                Thread trigger = Thread.ofVirtual().start(() -> queue.trigger(1));
                waiter.join();
                trigger.join();
                System.out.println("waiter got " + got.get());
            }
        }

        private static void many(int n) throws InterruptedException {
            List<KeventQueue> queues = new ArrayList<>();
            List<Thread> waiters = new ArrayList<>();
            AtomicInteger got = new AtomicInteger();
            CountDownLatch entering = new CountDownLatch(n);
            try {
                for (int k = 0; k < n; k++) {
                    KeventQueue q = KeventQueue.open();
                    queues.add(q);
                    q.add(Ukevent.user(1));
                    waiters.add(Thread.ofVirtual().start(() -> {
                        entering.countDown();
                        got.addAndGet(q.getEvents(1, 1, WAIT_SECONDS, TimeUnit.SECONDS, new EventBuffer(1)));
                    }));
                }
                entering.await();
                Thread trigger = Thread.ofVirtual().start(() -> queues.forEach(q -> q.trigger(1)));
                for (Thread w : waiters) {
                    w.join();
                }
                trigger.join();
                System.out.println("waiters got " + got.get());
            } finally {
                queues.forEach(KeventQueue::close);
            }
        }
    }
}
