package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/SEMANTICS.md §6: ring delivery. */
class RingTest {
    private final KeventQueue queue = KeventQueue.open();

    @AfterEach
    void close() {
        queue.close();
    }

    private void readyUsers(int n) {
        for (long id = 0; id < n; id++) {
            queue.add(Ukevent.user(id).withCookie(100 + id));
            queue.trigger(id);
        }
    }

    @Test
    void awaitCopiesReadyEventsIntoSlotsReadInPlace() {
        EventRing ring = queue.openRing(8);
        readyUsers(3);
        long end = ring.await(1, 0, TimeUnit.SECONDS);
        assertThat(end - ring.readPosition()).isEqualTo(3);
        for (long seq = ring.readPosition(); seq < end; seq++) {
            assertThat(ring.type(seq)).isEqualTo(EventType.USER);
            assertThat(ring.cookie(seq)).isEqualTo(100 + ring.id(seq));
            assertThat(ring.events(seq)).isEqualTo(Kevent.USER_TRIGGER);
            assertThat(ring.flags(seq)).isEqualTo(Kevent.RET_DONE);
            assertThat(ring.data(seq)).isEqualTo(1);
            assertThat(ring.isRemoved(seq)).isFalse();
        }
        assertThat(queue.stats().delivered()).as("placed in the ring counts as delivered").isEqualTo(3);
    }

    @Test
    void noSlotIsOverwrittenBeforeItIsCommitted() {
        EventRing ring = queue.openRing(4);
        readyUsers(10);
        long end = ring.await(4, 0, TimeUnit.SECONDS);
        assertThat(end).isEqualTo(4);
        assertThat(ring.await(0, 0, TimeUnit.SECONDS)).as("full: nothing more placed").isEqualTo(4);
        assertThat(ring.id(0)).isEqualTo(0);
        assertThat(queue.stats().ready()).isEqualTo(6);
        ring.commit(4);
        assertThat(ring.await(4, 0, TimeUnit.SECONDS)).isEqualTo(8);
        assertThat(ring.id(4)).isEqualTo(4);
    }

    @Test
    void aFullRingIsReleasedInOneCommit() {
        EventRing ring = queue.openRing(4);
        readyUsers(4);
        long end = ring.await(4, 0, TimeUnit.SECONDS);
        ring.commit(end);
        assertThat(ring.readPosition()).isEqualTo(4);
        assertThatThrownBy(() -> ring.id(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void commitOutsideTheReadableRangeIsRejected() {
        EventRing ring = queue.openRing(4);
        readyUsers(2);
        ring.await(0, 0, TimeUnit.SECONDS);
        assertThatThrownBy(() -> ring.commit(3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 2]");
        assertThatThrownBy(() -> ring.commit(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConsumerExceptionLosesNothing() {
        EventRing ring = queue.openRing(4);
        readyUsers(2);
        long end = ring.await(1, 0, TimeUnit.SECONDS);
        try {
            for (long seq = ring.readPosition(); seq < end; seq++) {
                throw new IllegalStateException("handler failed on " + ring.id(seq));
            }
        } catch (IllegalStateException expected) {
            // the consumer died before committing
        }
        assertThat(ring.await(0, 0, TimeUnit.SECONDS)).isEqualTo(end);
        assertThat(ring.id(0)).isEqualTo(0);
        assertThat(ring.id(1)).isEqualTo(1);
    }

    @Test
    void anInterestRemovedAfterItsSlotWasFilledReadsAsRemoved() {
        EventRing ring = queue.openRing(4);
        readyUsers(2);
        long end = ring.await(2, 0, TimeUnit.SECONDS);
        queue.remove(EventType.USER, 0);
        assertThat(ring.isRemoved(0)).isTrue();
        assertThat(ring.isRemoved(1)).isFalse();
        ring.commit(end);
    }

    @Test
    void oneshotInterestIsRemovedWhenPlacedInTheRing() {
        EventRing ring = queue.openRing(4);
        queue.add(Ukevent.user(1).withFlags(Kevent.REQ_ONESHOT));
        queue.trigger(1);
        ring.await(1, 0, TimeUnit.SECONDS);
        assertThat(queue.stats().registered()).isZero();
        queue.add(Ukevent.user(1));
        assertThat(ring.isRemoved(0)).as("a new interest with the same id does not own the old slot").isFalse();
    }

    @Test
    void aSingleTimerPlacedInTheRingStaysRegisteredAndItsRemovalMarksTheSlot() {
        EventRing ring = queue.openRing(4);
        queue.add(Ukevent.timerAt(1, System.nanoTime() - 1));
        long end = ring.await(1, 0, TimeUnit.SECONDS);
        assertThat(end - ring.readPosition()).isEqualTo(1);
        assertThat(ring.isRemoved(0)).isFalse();
        assertThat(queue.stats().registered()).as("only ONESHOT and BROKEN remove").isEqualTo(1);

        CtlResults removed = queue.ctl(CtlOp.REMOVE, Ukevent.timerNanos(1, 0));

        assertThat(removed.ok(0)).as("REMOVE of the fired timer: %s", removed).isTrue();
        assertThat(ring.isRemoved(0)).as("removed before it was read").isTrue();
        ring.commit(end);
    }

    @Test
    void awaitBlocksUntilMinSlotsAreReadable() throws Exception {
        EventRing ring = queue.openRing(4);
        queue.add(Ukevent.user(1));
        queue.add(Ukevent.user(2));
        CompletableFuture<Long> consumer = TestQueues.async(() -> ring.await(2, -1, TimeUnit.SECONDS));
        TestQueues.await("consumer blocks", () -> queue.waitingThreads() == 1);
        queue.trigger(1);
        queue.trigger(2);
        assertThat(consumer.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void aSecondConsumerThreadIsRefused() throws Exception {
        EventRing ring = queue.openRing(4);
        queue.add(Ukevent.user(1));
        CompletableFuture<Long> consumer = TestQueues.async(() -> ring.await(1, -1, TimeUnit.SECONDS));
        TestQueues.await("consumer blocks", () -> queue.waitingThreads() == 1);
        assertThatThrownBy(() -> ring.await(1, 0, TimeUnit.SECONDS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one consumer");
        queue.trigger(1);
        assertThat(consumer.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void badCapacitiesAndMinsAreRejected() {
        assertThatThrownBy(() -> queue.openRing(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.openRing(0)).isInstanceOf(IllegalArgumentException.class);
        EventRing ring = queue.openRing(2);
        assertThatThrownBy(() -> ring.await(3, 0, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.openRing(2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sequencesKeepGrowingAcrossWrapAround() {
        EventRing ring = queue.openRing(2);
        queue.add(Ukevent.user(1));
        for (int round = 0; round < 10; round++) {
            queue.trigger(1);
            long end = ring.await(1, 0, TimeUnit.SECONDS);
            assertThat(end).isEqualTo(round + 1);
            assertThat(ring.id(end - 1)).isEqualTo(1);
            ring.commit(end);
        }
    }
}
