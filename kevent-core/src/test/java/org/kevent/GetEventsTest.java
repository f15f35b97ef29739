package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** docs/SEMANTICS.md §5: waiting for events. */
class GetEventsTest {
    private KeventQueue queue;
    private final EventBuffer out = new EventBuffer(8);

    @BeforeEach
    void open() {
        queue = KeventQueue.open();
    }

    @AfterEach
    void close() {
        queue.close();
    }

    @Test
    void minGreaterThanMaxIsRejectedAndConsumesNothing() {
        readyUser(1);
        assertThatThrownBy(() -> queue.getEvents(3, 2, 0, TimeUnit.SECONDS, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min 3 exceeds max 2");
        assertThat(queue.poll(out)).isEqualTo(1);
    }

    @Test
    void maxBelowOneIsRejected() {
        readyUser(1);
        assertThatThrownBy(() -> queue.getEvents(0, 0, 0, TimeUnit.SECONDS, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max must be at least 1, got 0");
        assertThat(queue.poll(out)).isEqualTo(1);
    }

    @Test
    void negativeMinIsRejected() {
        assertThatThrownBy(() -> queue.getEvents(-1, 2, 0, TimeUnit.SECONDS, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void aBufferSmallerThanMaxIsRejectedAndConsumesNothing() {
        readyUser(1);
        assertThatThrownBy(() -> queue.getEvents(1, 9, 0, TimeUnit.SECONDS, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity 8");
        assertThat(queue.stats().ready()).isEqualTo(1);
    }

    @Test
    void zeroTimeoutNeverBlocks() {
        queue.add(Ukevent.user(1));
        assertThat(queue.getEvents(1, 8, 0, TimeUnit.NANOSECONDS, out)).isZero();
        assertThat(queue.getEvents(1, 8, Duration.ZERO, out)).isZero();
    }

    @Test
    void minZeroNeverBlocksEvenWithAnInfiniteTimeout() {
        assertThat(queue.getEvents(0, 8, -1, TimeUnit.SECONDS, out)).isZero();
    }

    @Test
    void eventsComeOutInFifoOrderOfReadiness() {
        for (long id = 1; id <= 5; id++) {
            queue.add(Ukevent.user(id));
        }
        long[] order = {4, 2, 5, 1, 3};
        for (long id : order) {
            queue.trigger(id);
        }
        assertThat(queue.poll(out)).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(out.id(i)).isEqualTo(order[i]);
        }
    }

    @Test
    void maxLimitsOneCallAndTheRestWaitsForTheNext() {
        for (long id = 1; id <= 5; id++) {
            readyUser(id);
        }
        assertThat(queue.getEvents(1, 2, 0, TimeUnit.SECONDS, out)).isEqualTo(2);
        assertThat(out.size()).isEqualTo(2);
        assertThat(out.id(1)).isEqualTo(2);
        assertThatThrownBy(() -> out.id(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(queue.poll(out)).isEqualTo(3);
        assertThat(out.id(0)).isEqualTo(3);
    }

    @Test
    void aNegativeTimeoutWaitsUntilAnEventArrives() throws Exception {
        queue.add(Ukevent.user(1).withCookie(77));
        CompletableFuture<Integer> waiter = TestQueues.async(() -> queue.getEvents(1, 8, -1, TimeUnit.SECONDS, out));
        TestQueues.await("the waiter blocks", () -> queue.waitingThreads() == 1);
        queue.trigger(1);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(out.cookie(0)).isEqualTo(77);
    }

    /**
     * The waiter sleeps with no deadline at all (no timer, no timeout); a timer added meanwhile
     * must shorten that sleep: epoll's timerfd does it in the kernel, the portable engine's
     * condition wait must be told.
     */
    @Test
    void aTimerAddedDuringAnUnboundedWaitEndsItWhenDue() throws Exception {
        CompletableFuture<Integer> waiter = TestQueues.async(() -> queue.getEvents(1, 8, -1, TimeUnit.SECONDS, out));
        TestQueues.await("the waiter blocks", () -> queue.waitingThreads() == 1);
        queue.add(Ukevent.timer(9, Duration.ofMillis(1)));
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(out.type(0)).isEqualTo(EventType.TIMER);
    }

    @Test
    void waitsForMinEventsNotJustOne() throws Exception {
        for (long id = 1; id <= 3; id++) {
            queue.add(Ukevent.user(id));
        }
        CompletableFuture<Integer> waiter = TestQueues.async(() -> queue.getEvents(3, 8, -1, TimeUnit.SECONDS, out));
        TestQueues.await("the waiter blocks", () -> queue.waitingThreads() == 1);
        queue.trigger(1);
        queue.trigger(2);
        Thread.sleep(20);
        assertThat(waiter).isNotDone();
        queue.trigger(3);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(3);
    }

    @Test
    void aTimeoutReturnsWhatIsReadyEvenBelowMin() {
        readyUser(1);
        assertThat(queue.getEvents(2, 8, 1, TimeUnit.MILLISECONDS, out)).isEqualTo(1);
    }

    @Test
    void aSubMillisecondTimeoutReturnsWithoutEvents() {
        queue.add(Ukevent.user(1));
        assertThat(queue.getEvents(1, 8, 1, TimeUnit.MICROSECONDS, out)).isZero();
    }

    @Test
    void triggersBeforeDeliveryAreCoalescedIntoOneEventWithTheirCount() {
        queue.add(Ukevent.user(1));
        queue.trigger(1);
        queue.trigger(1);
        queue.trigger(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.data(0)).isEqualTo(3);
        assertThat(out.events(0)).isEqualTo(Kevent.USER_TRIGGER);
        assertThat(out.flags(0)).isEqualTo(Kevent.RET_DONE);
        assertThat(queue.poll(out)).isZero();
    }

    @Test
    void wakeupForcesAWaiterOutWithZeroEvents() throws Exception {
        CompletableFuture<Integer> waiter = TestQueues.async(() -> queue.getEvents(1, 8, -1, TimeUnit.SECONDS, out));
        TestQueues.await("the waiter blocks", () -> queue.waitingThreads() == 1);
        queue.wakeup();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aWakeupWithNobodyWaitingEndsTheNextWait() {
        queue.wakeup();
        assertThat(queue.getEvents(1, 8, -1, TimeUnit.SECONDS, out)).isZero();
        assertThat(queue.getEvents(1, 8, 1, TimeUnit.MILLISECONDS, out)).as("consumed once").isZero();
    }

    @Test
    void anInterruptedThreadReturnsAtOnceKeepingItsStatus() {
        Thread.currentThread().interrupt();
        try {
            assertThat(queue.getEvents(1, 8, -1, TimeUnit.SECONDS, out)).isZero();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anAbsoluteDeadlineInThePastDoesNotBlock() {
        queue.add(Ukevent.user(1));
        assertThat(queue.getEventsUntil(1, 8, System.nanoTime() - 1, out)).isZero();
    }

    @Test
    void countersFollowRegistrationReadinessAndDelivery() {
        queue.add(Ukevent.user(1));
        queue.add(Ukevent.user(2));
        queue.trigger(1);
        QueueStats s = queue.stats();
        assertThat(s.registered()).isEqualTo(2);
        assertThat(s.ready()).isEqualTo(1);
        queue.poll(out);
        assertThat(queue.stats().delivered()).isEqualTo(1);
        assertThat(queue.stats().ready()).isZero();
    }

    private void readyUser(long id) {
        queue.add(Ukevent.user(id));
        queue.trigger(id);
    }
}
