package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kevent.internal.sys.Fd;

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
}
