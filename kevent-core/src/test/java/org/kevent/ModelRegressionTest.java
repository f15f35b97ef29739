package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.Inotify;
import org.kevent.testing.FakeEpoll;
import org.kevent.testing.FakeInotify;
import org.kevent.testing.ManualClock;

/**
 * The disagreements {@link ModelPropertiesTest} found between the queue and docs/SEMANTICS.md, each
 * pinned as a plain test on the smallest sequence that showed it (docs/RELIABILITY.md lists them).
 */
class ModelRegressionTest {

    /**
     * Found as: {@code ctl(ADD, timer(0, 0ms).period(1ms)); advanceClock(1ms); ring.await(min=0)}.
     * A ring wait whose {@code min} was already met skipped the look at the clock, so a due timer
     * stayed unseen although {@code getEvents(0, ...)} would have delivered it.
     */
    @Test
    void ringAwaitWithItsMinimumAlreadyMetStillFiresADueTimer() {
        ManualClock clock = new ManualClock(TestQueues.START);
        try (KeventQueue queue = TestQueues.fake(clock)) {
            EventRing ring = queue.openRing(4);
            queue.add(Ukevent.timerNanos(1, 1_000_000).withCookie(7));
            clock.advance(2_000_000);

            long end = ring.await(0, 0, TimeUnit.SECONDS);

            assertThat(end - ring.readPosition()).as("the due timer is placed").isEqualTo(1);
            assertThat(ring.cookie(ring.readPosition())).isEqualTo(7);
        }
    }

    /** The same gap on the kernel side: readiness of a descriptor was not collected either. */
    @Test
    void ringAwaitWithItsMinimumAlreadyMetCollectsDescriptorReadiness() {
        int[] pipe = new int[2];
        assertThat(Fd.pipe(pipe)).isZero();
        try (KeventQueue queue = KeventQueue.open()) {
            EventRing ring = queue.openRing(4);
            queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN));
            assertThat(Fd.write(pipe[1], new byte[1], 0, 1)).isEqualTo(1);

            long end = ring.await(0, 0, TimeUnit.SECONDS);

            assertThat(end - ring.readPosition()).as("the readable pipe is placed").isEqualTo(1);
            assertThat(ring.id(ring.readPosition())).isEqualTo(pipe[0]);
        } finally {
            Fd.close(pipe[0]);
            Fd.close(pipe[1]);
        }
    }

    /**
     * Found as: {@code ctl(ADD, timer(0, 0ms).period(1ms)); ring.await(min=0); ctl(MODIFY,
     * timer(0, 0ms)); getEvents(...)}. An interest removed by its own delivery (ONESHOT; then also a
     * single-expiry timer) tombstoned the slots it had filled before, so an event already delivered into the ring
     * read as removed: a lost event (docs/SEMANTICS.md §6).
     */
    @Test
    void aSlotFilledBeforeAnInterestsOneshotDeliveryStaysReadable() {
        try (KeventQueue queue = KeventQueue.open()) {
            EventRing ring = queue.openRing(4);
            queue.add(Ukevent.user(1));
            queue.trigger(1);
            ring.await(1, 0, TimeUnit.SECONDS);
            queue.modify(Ukevent.user(1).withFlags(Kevent.REQ_ONESHOT));
            queue.trigger(1);

            long end = ring.await(2, 0, TimeUnit.SECONDS);

            assertThat(end - ring.readPosition()).isEqualTo(2);
            assertThat(ring.isRemoved(0)).as("the first delivery was not removed by anyone").isFalse();
            assertThat(ring.isRemoved(1)).isFalse();
            assertThat(ring.data(0) + ring.data(1)).as("both triggers delivered").isEqualTo(2);
            assertThat(queue.stats().registered()).as("the ONESHOT delivery removed it").isZero();
        }
    }

    /** An explicit REMOVE still tombstones the unread slot (docs/SEMANTICS.md §4), after the fix as before. */
    @Test
    void aSlotOfAnInterestRemovedByTheCallerReadsAsRemoved() {
        try (KeventQueue queue = KeventQueue.open()) {
            EventRing ring = queue.openRing(4);
            queue.add(Ukevent.user(1));
            queue.trigger(1);
            ring.await(1, 0, TimeUnit.SECONDS);

            queue.remove(EventType.USER, 1);

            assertThat(ring.isRemoved(0)).isTrue();
        }
    }

    // ---------------------------------------------------------------- INODE on the fake inotify

    /** Undelivered events one INODE interest may hold here ({@code fs.inotify.max_queued_events} of the fake). */
    private static final int BOUND = 3;
    private final ManualClock clock = new ManualClock(TestQueues.START);
    private final FakeEpoll epoll = new FakeEpoll(clock);
    private final FakeInotify inotify = new FakeInotify(epoll, BOUND);
    private final EventBuffer out = new EventBuffer(8);

    private KeventQueue fakeQueue() {
        return KeventQueue.builder().clock(clock).poller(epoll).inodeBackend(inotify).open();
    }

    private void modified(String name) {
        inotify.change("d", name, Inotify.IN_MODIFY, 0);
    }

    /**
     * Found as (ring property): a DISPATCH interest's delivered event, "a", stayed in its queue
     * until enable, so that three new events overflowed a bound of three (docs/SEMANTICS.md §1:
     * the bound counts undelivered events).
     */
    @Test
    void aDeliveredDispatchInodeEventTakesNoRoomInTheBound() {
        try (KeventQueue queue = fakeQueue()) {
            queue.add(Ukevent.inode(1, Path.of("d"), Kevent.INODE_ALL).withFlags(Kevent.REQ_DISPATCH));
            modified("a");
            assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, out)).isEqualTo(1);

            modified("b");
            modified("c");
            modified("d");

            assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, out)).as("disabled by its delivery").isZero();
            assertThat(queue.stats().overflows()).as("three undelivered events fit a bound of three").isZero();
            StringBuilder names = new StringBuilder();
            for (int k = 0; k < 3; k++) {
                queue.enable(EventType.INODE, 1);
                assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, out)).as("one event per enable").isEqualTo(1);
                assertThat(out.events(0)).isEqualTo(Kevent.INODE_MODIFY);
                names.append(out.name(0));
            }
            assertThat(names).hasToString("bcd");
        }
    }

    /**
     * Found as: ADD DISPATCH, the kernel's overflow, OVERFLOW delivered, a change of "a", enable:
     * nothing came. Records stayed dropped after the OVERFLOW was delivered until enable, and no
     * OVERFLOW reported them (docs/SEMANTICS.md §1: a full queue is reported, never silent).
     */
    @Test
    void aChangeAfterADeliveredDispatchOverflowIsKept() {
        try (KeventQueue queue = fakeQueue()) {
            queue.add(Ukevent.inode(1, Path.of("d"), Kevent.INODE_ALL).withFlags(Kevent.REQ_DISPATCH));
            inotify.overflow();
            assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, out)).isEqualTo(1);
            assertThat(out.events(0)).isEqualTo(Kevent.INODE_OVERFLOW);

            modified("a");
            assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, out)).as("disabled by its delivery").isZero();
            queue.enable(EventType.INODE, 1);

            assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, out)).isEqualTo(1);
            assertThat(out.events(0)).isEqualTo(Kevent.INODE_MODIFY);
            assertThat(out.name(0)).isEqualTo("a");
        }
    }

    /**
     * Found as (seed 8): ADD, the directory deleted and another made at its path, MODIFY before
     * the queue read the deletion: the MODIFY watched the new directory for no interest, a kernel
     * watch nothing would ever remove. Now the MODIFY applies, no watch is left behind, and the
     * deletion ends the interest as usual.
     */
    @Test
    void aModifyAfterAnUnreadDeletionLeavesNoWatchBehind() {
        try (KeventQueue queue = fakeQueue()) {
            queue.add(Ukevent.inode(1, Path.of("d"), Kevent.INODE_MODIFY).withCookie(1));
            inotify.deleteSelf("d");

            queue.modify(Ukevent.inode(1, Path.of("d"), Kevent.INODE_ALL).withCookie(2));

            assertThat(inotify.watches()).as("kernel watches after the MODIFY").isZero();
            modified("a"); // in the new directory at the path: nobody watches it
            assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, out)).isEqualTo(1);
            assertThat(out.events(0)).isEqualTo(Kevent.INODE_DELETE_SELF);
            assertThat(out.flags(0) & Kevent.RET_BROKEN).isNotZero();
            assertThat(out.cookie(0)).as("the MODIFY applied").isEqualTo(2);
            assertThat(queue.stats().registered()).isZero();
            assertThat(inotify.watches()).isZero();
        }
    }
}
