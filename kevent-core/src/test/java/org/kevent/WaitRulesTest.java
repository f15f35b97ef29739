package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.internal.sys.EventFd;
import org.kevent.internal.sys.Fd;
import org.kevent.testing.FdKernel;
import org.kevent.testing.ManualClock;

/**
 * docs/SEMANTICS.md §5, the rules of waiting when several threads wait on one queue: no waiter
 * times out while an event it could take is obtainable, a zero-timeout wait sees what is ready
 * whoever else waits, and an interrupt ends a wait whether the thread sleeps in the kernel or is
 * parked behind it. Real kernel (epoll, eventfd) unless the rule needs a kernel that holds still.
 */
@EnabledOnOs(OS.LINUX)
class WaitRulesTest {

    /**
     * Ten threads wait for one event each on one queue; each round ten eventfds (POLL, ET) are
     * written once, and every waiter must come back with exactly one event. A lost wake-up leaves
     * a waiter in its wait while edges sit uncollected in the kernel; its 2-s timeout then ends it
     * empty, and a zero-timeout wait right after finds what it should have had.
     */
    @Test
    void everyWaiterOfManyGetsOneOfTheEdgesOfEachRound() throws Exception {
        int n = 10;
        int rounds = 60;
        int[] fds = new int[n];
        try (KeventQueue queue = KeventQueue.open()) {
            for (int k = 0; k < n; k++) {
                fds[k] = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
                assertThat(fds[k]).isNotNegative();
                queue.add(Ukevent.poll(fds[k], Kevent.POLLIN).withFlags(Kevent.REQ_ET));
            }
            everyWaiterGetsOneEventPerRound(queue, n, rounds, () -> {
                for (int fd : fds) {
                    assertThat(EventFd.write(fd, 1)).isZero();
                }
            }, () -> {
                for (int fd : fds) {
                    EventFd.read(fd);
                }
            });
        } finally {
            for (int fd : fds) {
                Fd.close(fd);
            }
        }
    }

    /**
     * The rounds above with user events, triggered one by one from the test thread: no descriptor,
     * so the rule of one waiter per event is pinned on every engine (the portable one refuses
     * POLL records). A lost wake-up leaves a waiter to time out empty while a trigger sits ready.
     */
    @Test
    void everyWaiterOfManyGetsOneOfTheTriggersOfEachRound() throws Exception {
        int n = 10;
        int rounds = 60;
        try (KeventQueue queue = KeventQueue.open()) {
            for (int k = 0; k < n; k++) {
                queue.add(Ukevent.user(k));
            }
            everyWaiterGetsOneEventPerRound(queue, n, rounds, () -> {
                for (int k = 0; k < n; k++) {
                    queue.trigger(k);
                }
            }, () -> {
            });
        }
    }

    /**
     * Starts {@code n} threads that each wait for one event per round; each round, once all wait,
     * makes {@code n} events ready, and checks every waiter got exactly one.
     */
    private static void everyWaiterGetsOneEventPerRound(KeventQueue queue, int n, int rounds, Runnable makeReady,
                                                        Runnable afterRound) throws Exception {
        CyclicBarrier roundEnd = new CyclicBarrier(n + 1);
        int[][] got = new int[rounds][n];
        List<Thread> waiters = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            int me = w;
            waiters.add(TestQueues.startThread(() -> {
                EventBuffer out = new EventBuffer(1);
                try {
                    for (int r = 0; r < rounds; r++) {
                        got[r][me] = queue.getEvents(1, 1, 2, TimeUnit.SECONDS, out);
                        roundEnd.await(10, TimeUnit.SECONDS);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        EventBuffer left = new EventBuffer(n);
        for (int r = 0; r < rounds; r++) {
            TestQueues.await("every waiter of round " + r + " waits", () -> queue.waitingThreads() == n);
            makeReady.run();
            roundEnd.await(10, TimeUnit.SECONDS);
            int leftOver = queue.poll(left);
            assertThat(got[r]).as("events per waiter in round %d (%d more were obtainable)", r, leftOver)
                    .containsOnly(1);
            afterRound.run();
        }
        for (Thread t : waiters) {
            t.join(10_000);
        }
    }

    /**
     * A thread sits in a blocking wait as the queue's poller, and the kernel has readiness it has
     * not collected yet (the stand-in kernel holds its wait still, as a poller not yet scheduled
     * after its wake-up would); a zero-timeout wait from another thread must collect it itself.
     */
    @Test
    void aZeroTimeoutWaitReturnsWhatIsReadyWhileAnotherThreadSitsInTheKernelWait() throws Exception {
        FdKernel kernel = new FdKernel();
        kernel.holdBlockingPolls(true);
        try (KeventQueue queue = KeventQueue.builder().clock(new ManualClock(TestQueues.START)).poller(kernel).open()) {
            queue.add(Ukevent.poll(3, Kevent.POLLIN));
            queue.add(Ukevent.poll(4, Kevent.POLLIN));
            CompletableFuture<Integer> poller = TestQueues.async(() ->
                    queue.getEvents(1, 4, -1, TimeUnit.NANOSECONDS, new EventBuffer(4)));
            EventBuffer out = new EventBuffer(2);
            int n;
            try {
                TestQueues.await("the first thread sleeps in the kernel", () -> kernel.blockedPolls() == 1);
                kernel.makeReady(3, 4);

                n = queue.getEvents(0, 2, 0, TimeUnit.NANOSECONDS, out);
            } finally {
                kernel.holdBlockingPolls(false);
            }

            assertThat(n).isEqualTo(2);
            assertThat(List.of(out.id(0), out.id(1))).containsExactlyInAnyOrder(3L, 4L);
            queue.wakeup();
            assertThat(poller.get(10, TimeUnit.SECONDS)).isNotNegative();
        }
    }

    /** Interrupting the thread that sleeps in the kernel ends its wait at once, status kept. */
    @Test
    void anInterruptEndsTheKernelWaitOfTheWaitingThread() throws Exception {
        try (KeventQueue queue = KeventQueue.open()) {
            queue.add(Ukevent.user(1));
            AtomicBoolean interruptedAfter = new AtomicBoolean();
            CompletableFuture<Integer> waiter = new CompletableFuture<>();
            Thread t = TestQueues.startThread(() -> {
                int n = queue.getEvents(1, 1, Duration.ofHours(1), new EventBuffer(1));
                interruptedAfter.set(Thread.currentThread().isInterrupted());
                waiter.complete(n);
            });
            TestQueues.await("the thread sleeps in the kernel", () -> queue.waitingThreads() == 1);

            t.interrupt();

            assertThat(waiter.get(10, TimeUnit.SECONDS)).as("events").isZero();
            assertThat(interruptedAfter).as("interrupt status kept").isTrue();
            queue.trigger(1);
            assertThat(queue.poll(new EventBuffer(1))).as("the queue is unharmed").isEqualTo(1);
        }
    }

    /**
     * Interrupting a thread parked behind the poller ends its wait; the poller keeps waiting and
     * still gets the next event.
     */
    @Test
    void anInterruptEndsTheWaitOfAParkedThreadAndTheOtherWaiterStillGetsTheNextEvent() throws Exception {
        try (KeventQueue queue = KeventQueue.open()) {
            queue.add(Ukevent.user(1));
            CompletableFuture<Integer> first = TestQueues.async(() ->
                    queue.getEvents(1, 1, Duration.ofHours(1), new EventBuffer(1)));
            TestQueues.await("the first thread sleeps in the kernel", () -> queue.waitingThreads() == 1);
            AtomicBoolean interruptedAfter = new AtomicBoolean();
            CompletableFuture<Integer> second = new CompletableFuture<>();
            Thread t = TestQueues.startThread(() -> {
                int n = queue.getEvents(1, 1, Duration.ofHours(1), new EventBuffer(1));
                interruptedAfter.set(Thread.currentThread().isInterrupted());
                second.complete(n);
            });
            TestQueues.await("the second thread parks", () -> queue.waitingThreads() == 2);

            t.interrupt();

            assertThat(second.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(interruptedAfter).isTrue();
            queue.trigger(1);
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    /** An interrupted ring await returns too (the ring's consumer sleeps in the same wait). */
    @Test
    void anInterruptEndsARingAwait() throws Exception {
        try (KeventQueue queue = KeventQueue.open()) {
            EventRing ring = queue.openRing(4);
            CompletableFuture<Long> waiter = new CompletableFuture<>();
            Thread t = TestQueues.startThread(() -> waiter.complete(ring.await(1, 1, TimeUnit.HOURS)));
            TestQueues.await("the consumer sleeps in the kernel", () -> queue.waitingThreads() == 1);

            t.interrupt();

            assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(ring.readPosition());
        }
    }
}
