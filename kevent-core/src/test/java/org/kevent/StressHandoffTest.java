package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kevent.testing.ManualClock;
import org.kevent.testing.NoFdPoller;

/**
 * The wake-up hand-off between a thread sleeping in the kernel (the poller) and threads parked
 * behind it, driven through fixed interleavings: the test decides when the "kernel" returns.
 * This stands in for jcstress, which does not resolve here (jcstress-core 0.16 needs
 * jcstress-result-gen, which Maven Central does not have); the random interleavings are covered
 * by {@code kevent stress}.
 */
class StressHandoffTest {

    /** A kernel whose wait returns only on {@link #wakeup()} or when the test releases it. */
    static final class GatePoller extends NoFdPoller {
        final List<Thread> pollers = new ArrayList<>();
        private boolean woken;
        private boolean released;

        @Override
        public String name() {
            return "gate";
        }

        @Override
        public synchronized void poll(long timeoutNanos) {
            pollers.add(Thread.currentThread());
            notifyAll();
            while (!woken && !released) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            woken = false;
            released = false;
        }

        /** Lets the current kernel wait return as a timeout would. */
        synchronized void release() {
            released = true;
            notifyAll();
        }

        synchronized int polls() {
            return pollers.size();
        }

        synchronized Thread poller(int k) {
            return pollers.get(k);
        }

        @Override
        public synchronized void wakeup() {
            woken = true;
            notifyAll();
        }

        @Override
        public void close() {
        }
    }

    private final ManualClock clock = new ManualClock(TestQueues.START);
    private final GatePoller gate = new GatePoller();

    private CompletableFuture<Long> waiter(KeventQueue queue, long timeoutNanos) {
        return TestQueues.async(() -> {
            EventBuffer out = new EventBuffer(4);
            int n = queue.getEvents(1, 4, timeoutNanos, TimeUnit.NANOSECONDS, out);
            return n == 0 ? -1L : out.id(0);
        });
    }

    @Test
    void aTriggerWakesTheParkedWaiterAndTheNextOneWakesThePollerNoneIsLost() throws Exception {
        try (KeventQueue queue = KeventQueue.builder().clock(clock).poller(gate).open()) {
            queue.add(Ukevent.user(1).withFlags(Kevent.REQ_ET));
            CompletableFuture<Long> leader = waiter(queue, -1);
            TestQueues.await("the first waiter sleeps in the kernel", () -> gate.polls() == 1);
            CompletableFuture<Long> follower = waiter(queue, -1);
            TestQueues.await("the second waiter parks", () -> queue.waitingThreads() == 2);

            queue.trigger(1);
            TestQueues.await("one waiter took the event", () -> leader.isDone() || follower.isDone());
            queue.trigger(1);

            assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(follower.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(queue.stats().delivered()).isEqualTo(2);
        }
    }

    @Test
    void aPollerLeavingOnItsTimeoutHandsTheKernelWaitToTheParkedWaiter() throws Exception {
        try (KeventQueue queue = KeventQueue.builder().clock(clock).poller(gate).open()) {
            queue.add(Ukevent.user(1));
            CompletableFuture<Long> leader = waiter(queue, 5_000_000);
            TestQueues.await("the first waiter sleeps in the kernel", () -> gate.polls() == 1);
            CompletableFuture<Long> follower = waiter(queue, -1);
            TestQueues.await("the second waiter parks", () -> queue.waitingThreads() == 2);

            clock.advance(10_000_000);
            gate.release();

            assertThat(leader.get(10, TimeUnit.SECONDS)).as("the leader timed out empty").isEqualTo(-1);
            TestQueues.await("the follower took over the kernel wait", () -> gate.polls() == 2);
            assertThat(gate.poller(1)).isNotSameAs(gate.poller(0));
            queue.trigger(1);
            assertThat(follower.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void closeWakesThePollerAndEveryParkedWaiter() throws Exception {
        KeventQueue queue = KeventQueue.builder().clock(clock).poller(gate).open();
        CompletableFuture<Long> leader = waiter(queue, -1);
        TestQueues.await("the first waiter sleeps in the kernel", () -> gate.polls() == 1);
        List<CompletableFuture<Long>> parked = List.of(waiter(queue, -1), waiter(queue, -1));
        TestQueues.await("the others park", () -> queue.waitingThreads() == 3);

        queue.close();

        for (CompletableFuture<Long> w : List.of(leader, parked.get(0), parked.get(1))) {
            assertThat(w).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(QueueClosedException.class);
        }
    }
}
