package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kevent.CtlOp;
import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.NaioQueues;
import org.kevent.QueueClosedException;
import org.kevent.QueueStats;
import org.kevent.Ukevent;

/**
 * The owner of a single-issuer io_uring queue waits in the ring itself, with a multishot poll of
 * the queue's epoll set in the ring (docs/DESIGN.md §4): no epoll call per turn, and every other
 * source (timers, wake-ups, interrupts, descriptors in epoll, close) still ends its wait. Every
 * wait here is bounded by a future's timeout, never asserted by time: a wake-up the ring wait
 * missed shows as a wait that does not end.
 */
class RingWaitTest {
    private KeventQueue queue;
    private Loopback pair;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64);

    @BeforeEach
    void open() {
        queue = NaioQueues.open("io_uring", 0, true);
        pair = Loopback.open();
    }

    @AfterEach
    void close() {
        pair.close();
        queue.close();
    }

    /** One receive of one byte sent by the peer beforehand, taken by this thread: it owns the ring. */
    private void roundTrip() {
        in.clear().limit(1); // a receive waits for its whole buffer
        long id = queue.aioRecv(pair.server, in);
        Loopback.sendAll(pair.client, new byte[] {7});
        EventBuffer events = new EventBuffer(4);
        assertThat(queue.getEvents(1, 4, 10, TimeUnit.SECONDS, events)).isEqualTo(1);
        assertThat(events.id(0)).isEqualTo(id);
        assertThat(events.data(0)).isEqualTo(1);
    }

    /** Runs {@code poke} on another thread once this one is asleep in its kernel wait (or after 10 s). */
    private static CompletableFuture<Void> whenAsleep(Runnable poke) throws Exception {
        Path task = Path.of("/proc/self/task", Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        return CompletableFuture.runAsync(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!WakeProbe.asleepInKernelWait(task) && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                poke.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofPlatform().start(r));
    }

    @Test
    void theOwnerMakesNoEpollCallPerTurn() {
        // The first turns make this thread the owner and take the ring's descriptor out of epoll.
        roundTrip();
        roundTrip();
        long before = queue.stats().syscalls();
        for (int k = 0; k < 50; k++) {
            roundTrip();
        }
        // Waiting in epoll, each turn made at least one epoll_wait (the look before waiting).
        assertThat(queue.stats().syscalls() - before).as("epoll-side system calls in 50 turns").isLessThanOrEqualTo(2);
    }

    /**
     * QueueStats: the owner's waits in the ring are network AIO's system calls
     * ({@code aioSyscalls}), not the poller's ({@code syscalls}); a readiness-engine queue makes
     * none of its own.
     */
    @Test
    void theOwnersWaitsInTheRingAreCountedAsNetworkAioSystemCalls() {
        roundTrip();
        roundTrip();
        QueueStats before = queue.stats();
        EventBuffer events = new EventBuffer(4);
        for (int k = 0; k < 20; k++) {
            assertThat(queue.getEvents(1, 4, 200, TimeUnit.MICROSECONDS, events)).isZero();
        }
        QueueStats after = queue.stats();
        assertThat(after.aioSyscalls() - before.aioSyscalls()).as("io_uring_enter calls of 20 waits")
                .isGreaterThanOrEqualTo(20);
        assertThat(after.syscalls() - before.syscalls()).as("epoll-side system calls of 20 waits")
                .isLessThanOrEqualTo(2);

        try (KeventQueue readiness = NaioQueues.open("readiness", 0, true)) {
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            readiness.aioRecv(pair.server, one);
            Loopback.sendAll(pair.client, new byte[] {1});
            assertThat(readiness.getEvents(1, 4, 10, TimeUnit.SECONDS, events)).isEqualTo(1);
            assertThat(readiness.stats().aioStarted()).isEqualTo(1);
            assertThat(readiness.stats().aioSyscalls()).isZero();
        }
    }

    /**
     * One harvest takes at most one batch from epoll; the rest stays in epoll's ready list, and
     * the poll of the set, which fired when they became ready, fires no more for them. They must be
     * harvested before the owner sleeps in the ring: a wait for all of them that sleeps first never
     * ends (here: until JUnit's interrupt ends it short).
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SAME_THREAD)
    void moreReadyDescriptorsThanOneHarvestTakesAreAllDeliveredBeforeTheOwnerSleepsInTheRing() {
        roundTrip();
        int n = 100;
        List<Loopback> pairs = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                Loopback p = Loopback.open();
                pairs.add(p);
                Loopback.sendAll(p.client, new byte[] {1});
                queue.add(Ukevent.socket(p.server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
            }
            EventBuffer events = new EventBuffer(n);
            assertThat(queue.getEvents(n, n, -1, TimeUnit.NANOSECONDS, events)).isEqualTo(n);
        } finally {
            pairs.forEach(Loopback::close);
        }
    }

    @Test
    void aPeerThatAnswersLaterWakesTheOwnerInTheRing() throws Exception {
        roundTrip();
        in.clear().limit(3);
        long id = queue.aioRecv(pair.server, in);
        CompletableFuture<Void> peer = whenAsleep(() -> Loopback.sendAll(pair.client, new byte[] {1, 2, 3}));
        EventBuffer events = new EventBuffer(4);
        assertThat(queue.getEvents(1, 4, 30, TimeUnit.SECONDS, events)).isEqualTo(1);
        assertThat(events.id(0)).isEqualTo(id);
        assertThat(events.data(0)).isEqualTo(3);
        peer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTimerEndsAWaitInTheRing() {
        roundTrip();
        in.clear();
        queue.aioRecv(pair.server, in); // in the ring, never completed
        queue.add(Ukevent.timer(9, Duration.ofMillis(20)));
        EventBuffer events = new EventBuffer(4);
        assertThat(queue.getEvents(1, 4, 30, TimeUnit.SECONDS, events)).isEqualTo(1);
        assertThat(events.type(0)).isEqualTo(EventType.TIMER);
        assertThat(events.id(0)).isEqualTo(9);
    }

    @Test
    void aWakeupFromAnotherThreadEndsAWaitInTheRing() throws Exception {
        roundTrip();
        CompletableFuture<Void> waker = whenAsleep(queue::wakeup);
        assertThat(queue.getEvents(1, 4, 30, TimeUnit.SECONDS, new EventBuffer(4))).isZero();
        waker.get(10, TimeUnit.SECONDS);
        // And the next wait waits again: the wake-up was consumed, not left to end every wait.
        assertThat(queue.getEvents(1, 4, 1, TimeUnit.MILLISECONDS, new EventBuffer(4))).isZero();
    }

    @Test
    void aSocketReadyInEpollEndsAWaitInTheRing() throws Exception {
        roundTrip();
        try (Loopback other = Loopback.open()) {
            queue.add(Ukevent.socket(other.server, Kevent.SOCKET_RECV));
            CompletableFuture<Void> peer = whenAsleep(() -> Loopback.sendAll(other.client, new byte[] {5}));
            EventBuffer events = new EventBuffer(4);
            assertThat(queue.getEvents(1, 4, 30, TimeUnit.SECONDS, events)).isEqualTo(1);
            assertThat(events.type(0)).isEqualTo(EventType.SOCKET);
            peer.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLevelInterestLeftReadyComesAgainWhileTheOwnerWaitsInTheRing() {
        roundTrip();
        try (Loopback other = Loopback.open()) {
            // Level-triggered and never read: every wait must hand it out again, although the
            // descriptor makes no new wake-up once its bytes are there.
            queue.add(Ukevent.poll(other.server.id(), Kevent.POLLIN));
            Loopback.sendAll(other.client, new byte[] {5});
            for (int k = 0; k < 5; k++) {
                // A receive completes beside it each turn: both come, whatever the order.
                in.clear().limit(1);
                long id = queue.aioRecv(pair.server, in);
                Loopback.sendAll(pair.client, new byte[] {7});
                boolean level = false;
                boolean received = false;
                while (!level || !received) {
                    EventBuffer events = new EventBuffer(4);
                    int n = queue.getEvents(1, 4, 30, TimeUnit.SECONDS, events);
                    assertThat(n).as("turn %d", k).isPositive();
                    for (int e = 0; e < n; e++) {
                        level |= events.type(e) == EventType.POLL;
                        received |= events.type(e) == EventType.NAIO && events.id(e) == id;
                    }
                }
            }
        }
    }

    @Test
    void anInterruptEndsAWaitInTheRingAndIsKept() throws Exception {
        roundTrip();
        Thread owner = Thread.currentThread();
        CompletableFuture<Void> interrupter = whenAsleep(owner::interrupt);
        int n;
        boolean kept;
        try {
            n = queue.getEvents(1, 4, 30, TimeUnit.SECONDS, new EventBuffer(4));
        } finally {
            kept = Thread.interrupted();
        }
        interrupter.get(10, TimeUnit.SECONDS);
        assertThat(n).isZero();
        assertThat(kept).as("the interrupt status is kept").isTrue();
    }

    @Test
    void aTimeoutEndsAWaitInTheRing() {
        roundTrip();
        in.clear();
        queue.aioRecv(pair.server, in);
        assertThat(queue.getEvents(1, 4, 200, TimeUnit.MICROSECONDS, new EventBuffer(4))).isZero();
        assertThat(queue.getEvents(1, 4, 3, TimeUnit.MILLISECONDS, new EventBuffer(4))).isZero();
    }

    @Test
    void closeFromAnotherThreadEndsAWaitInTheRing() throws Exception {
        roundTrip();
        CompletableFuture<Void> closer = whenAsleep(queue::close);
        assertThatThrownBy(() -> queue.getEvents(1, 4, 30, TimeUnit.SECONDS, new EventBuffer(4)))
                .isInstanceOf(QueueClosedException.class);
        closer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCompletionMakesTheFdExportedAfterTheOwnerWaitedInTheRingReadable() throws Exception {
        roundTrip(); // the ring's descriptor is out of epoll now
        in.clear().limit(1);
        long id = queue.aioRecv(pair.server, in);
        assertThat(queue.poll(new EventBuffer(4))).isZero(); // submits the receive
        // Exported with the receive in the kernel, and no wait of the owner after it.
        int fd = queue.readinessFd();
        try (KeventQueue watcher = KeventQueue.open()) {
            assertThat(watcher.ctl(CtlOp.ADD, Ukevent.poll(fd, Kevent.POLLIN)).ok(0)).isTrue();
            Loopback.sendAll(pair.client, new byte[] {1});
            assertThat(watcher.getEvents(1, 1, 10, TimeUnit.SECONDS, new EventBuffer(1)))
                    .as("the exported fd became readable for the completion").isEqualTo(1);
        }
        EventBuffer events = new EventBuffer(4);
        assertThat(queue.getEvents(1, 4, 10, TimeUnit.SECONDS, events)).isEqualTo(1);
        assertThat(events.id(0)).isEqualTo(id);
    }
}
