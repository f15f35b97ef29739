package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** docs/SEMANTICS.md §3: level, ET, ONESHOT, DISPATCH, WAKEUP_ALL. */
class TriggerModesTest {
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
    void levelUserEventIsDeliveredOncePerBatchOfTriggersNotStickily() {
        queue.add(Ukevent.user(1));
        queue.trigger(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(queue.poll(out)).as("the seed's sticky level mode is not copied").isZero();
        queue.trigger(1);
        assertThat(queue.poll(out)).isEqualTo(1);
    }

    @Test
    void edgeTriggeredUserEventFiresOncePerNewActivity() {
        queue.add(Ukevent.user(1).withFlags(Kevent.REQ_ET));
        queue.trigger(1);
        queue.trigger(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.data(0)).isEqualTo(2);
        assertThat(queue.poll(out)).isZero();
        queue.trigger(1);
        assertThat(queue.poll(out)).isEqualTo(1);
    }

    @Test
    void oneshotInterestIsRemovedAfterDelivery() {
        queue.add(Ukevent.user(1).withFlags(Kevent.REQ_ONESHOT));
        queue.trigger(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThatThrownBy(() -> queue.trigger(1)).isInstanceOf(KeventException.class).hasMessageContaining("ENOENT");
        assertThat(queue.stats().registered()).isZero();
        queue.add(Ukevent.user(1));
    }

    @Test
    void dispatchInterestIsDisabledAfterDeliveryUntilEnabled() {
        queue.add(Ukevent.user(1).withFlags(Kevent.REQ_DISPATCH));
        queue.trigger(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        queue.trigger(1);
        assertThat(queue.stats().registered()).as("still registered").isEqualTo(1);
        queue.trigger(1);
        assertThat(queue.poll(out)).as("disabled").isZero();
        queue.enable(EventType.USER, 1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.data(0)).as("activity while disabled is kept").isEqualTo(2);
    }

    @Test
    void dispatchInterestIsReArmedByModify() {
        queue.add(Ukevent.user(1).withFlags(Kevent.REQ_DISPATCH).withCookie(1));
        queue.trigger(1);
        queue.poll(out);
        queue.trigger(1);
        queue.modify(Ukevent.user(1).withFlags(Kevent.REQ_DISPATCH).withCookie(2));
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.cookie(0)).isEqualTo(2);
    }

    @Test
    void modifyOfAReadyInterestKeepsItReadyOnceWithTheNewCookie() {
        queue.add(Ukevent.user(1).withCookie(1));
        queue.trigger(1);
        queue.modify(Ukevent.user(1).withCookie(2));
        assertThat(queue.stats().ready()).isEqualTo(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.cookie(0)).isEqualTo(2);
        assertThat(queue.poll(out)).isZero();
    }

    @Test
    void enableOfAnUnknownInterestThrowsEnoent() {
        assertThatThrownBy(() -> queue.enable(EventType.USER, 5)).isInstanceOfSatisfying(KeventException.class, e -> {
            assertThat(e.call()).isEqualTo("kevent_ctl ENABLE");
            assertThat(e.errorName()).isEqualTo("ENOENT");
            assertThat(e.getMessage()).contains("USER 5");
        });
    }

    @Test
    void oneReadyEventWakesOneOfTwoWaiters() throws Exception {
        queue.add(Ukevent.user(1));
        EventBuffer a = new EventBuffer(1);
        EventBuffer b = new EventBuffer(1);
        CompletableFuture<Integer> first = TestQueues.async(() -> queue.getEvents(1, 1, -1, TimeUnit.SECONDS, a));
        CompletableFuture<Integer> second = TestQueues.async(() -> queue.getEvents(1, 1, -1, TimeUnit.SECONDS, b));
        TestQueues.await("two waiters block", () -> queue.waitingThreads() == 2);
        long wakeupsBefore = queue.stats().wakeups();
        queue.trigger(1);
        TestQueues.await("one waiter returns", () -> first.isDone() || second.isDone());
        assertThat(queue.stats().wakeups() - wakeupsBefore).as("wake-one: no thundering herd").isEqualTo(1);
        assertThat(queue.waitingThreads()).isEqualTo(1);
        queue.trigger(1);
        assertThat(first.get(10, TimeUnit.SECONDS) + second.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void wakeupAllInterestWakesEveryWaiter() throws Exception {
        queue.add(Ukevent.user(1).withFlags(Kevent.REQ_WAKEUP_ALL));
        EventBuffer a = new EventBuffer(1);
        EventBuffer b = new EventBuffer(1);
        CompletableFuture<Integer> first = TestQueues.async(() -> queue.getEvents(1, 1, -1, TimeUnit.SECONDS, a));
        CompletableFuture<Integer> second = TestQueues.async(() -> queue.getEvents(1, 1, -1, TimeUnit.SECONDS, b));
        TestQueues.await("two waiters block", () -> queue.waitingThreads() == 2);
        long wakeupsBefore = queue.stats().wakeups();
        queue.trigger(1);
        TestQueues.await("one waiter returns", () -> first.isDone() || second.isDone());
        assertThat(queue.stats().wakeups() - wakeupsBefore).isEqualTo(2);
        queue.wakeup();
        assertThat(first.get(10, TimeUnit.SECONDS) + second.get(10, TimeUnit.SECONDS))
                .as("exactly one of them got the event").isEqualTo(1);
    }
}
