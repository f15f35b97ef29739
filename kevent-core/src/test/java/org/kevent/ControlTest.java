package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** docs/SEMANTICS.md §4: control records, one result each, never stopping at a failed one. */
class ControlTest {
    private KeventQueue queue;
    private final EventBuffer out = new EventBuffer(16);

    @BeforeEach
    void open() {
        queue = KeventQueue.open();
    }

    @AfterEach
    void close() {
        queue.close();
    }

    @Test
    void addMarksEveryRecordDone() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.user(1), Ukevent.user(2), Ukevent.timer(1, Duration.ofHours(1)));
        assertThat(r.count()).isEqualTo(3);
        assertThat(r.failures()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(r.ok(i)).isTrue();
            assertThat(r.flags(i)).isEqualTo(Kevent.RET_DONE);
            assertThat(r.errorName(i)).isNull();
        }
        assertThat(queue.stats().registered()).isEqualTo(3);
    }

    @Test
    void duplicateAddFailsWithEexistAndKeepsTheFirst() {
        queue.add(Ukevent.user(7).withCookie(1));
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.user(7).withCookie(2));
        assertThat(r.ok(0)).isFalse();
        assertThat(r.flags(0)).isEqualTo(Kevent.RET_DONE | Kevent.RET_BROKEN);
        assertThat(r.errorName(0)).isEqualTo("EEXIST");
        assertThat(r.message(0)).contains("USER 7");
        queue.trigger(7);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.cookie(0)).isEqualTo(1);
    }

    @Test
    void sameIdOfDifferentTypesCoexists() {
        assertThat(queue.ctl(CtlOp.ADD, Ukevent.user(5), Ukevent.timer(5, Duration.ofHours(1))).failures()).isZero();
    }

    @Test
    void twoTimersWithTheSamePeriodCoexist() {
        Ukevent a = Ukevent.timer(1, Duration.ofHours(1)).withPeriod(Duration.ofHours(1));
        Ukevent b = Ukevent.timer(2, Duration.ofHours(1)).withPeriod(Duration.ofHours(1));
        assertThat(queue.ctl(CtlOp.ADD, a, b).failures()).isZero();
    }

    @Test
    void removeOfUnknownInterestFailsWithEnoent() {
        CtlResults r = queue.ctl(CtlOp.REMOVE, Ukevent.user(99));
        assertThat(r.errorName(0)).isEqualTo("ENOENT");
        assertThat(queue.remove(EventType.USER, 99)).isFalse();
    }

    @Test
    void modifyOfUnknownInterestFailsWithEnoent() {
        CtlResults r = queue.ctl(CtlOp.MODIFY, Ukevent.timer(3, Duration.ofSeconds(1)));
        assertThat(r.errorName(0)).isEqualTo("ENOENT");
        assertThatThrownBy(() -> queue.modify(Ukevent.user(3)))
                .isInstanceOf(KeventException.class)
                .hasMessageContaining("ENOENT").hasMessageContaining("MODIFY");
    }

    @Test
    void unknownRequestFlagBitsAreRejectedPerRecord() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.user(1).withFlags(1 << 20));
        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("0x100000");
        assertThat(queue.stats().registered()).isZero();
    }

    @Test
    void unknownEventBitsForTheTypeAreRejected() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.user(1).withEvents(Kevent.USER_TRIGGER | 0x40));
        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("0x40").contains("USER");
    }

    @Test
    void emptyEventMaskIsRejected() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.timer(1, Duration.ZERO).withEvents(0));
        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("empty event mask");
    }

    @Test
    void oneshotWithDispatchIsRejected() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.user(1).withFlags(Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH));
        assertThat(r.errorName(0)).isEqualTo("EINVAL");
    }

    @Test
    void modifyWithBadFlagsLeavesTheInterestAsItWas() {
        queue.add(Ukevent.user(1).withCookie(10));
        assertThat(queue.ctl(CtlOp.MODIFY, Ukevent.user(1).withFlags(-1)).errorName(0)).isEqualTo("EINVAL");
        queue.trigger(1);
        queue.poll(out);
        assertThat(out.cookie(0)).isEqualTo(10);
    }

    @Test
    void aFailedRecordInABatchLeavesTheOthersApplied() {
        queue.add(Ukevent.user(2));
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.user(1), Ukevent.user(2), Ukevent.user(3).withFlags(1 << 9),
                Ukevent.user(4));
        assertThat(r.failures()).isEqualTo(2);
        assertThat(r.ok(0)).isTrue();
        assertThat(r.errorName(1)).isEqualTo("EEXIST");
        assertThat(r.errorName(2)).isEqualTo("EINVAL");
        assertThat(r.ok(3)).isTrue();
        assertThat(queue.trigger(new long[] {1, 2, 3, 4}, 0, 4)).isEqualTo(3);
        assertThat(queue.poll(out)).isEqualTo(3);
        assertThatThrownBy(() -> r.throwIfFailed(CtlOp.ADD)).isInstanceOf(KeventException.class)
                .hasMessageContaining("record 1").hasMessageContaining("EEXIST");
    }

    @Test
    void registrationCapFailsWithEnospcNamingTheCap() {
        try (KeventQueue small = KeventQueue.builder().maxInterests(2).open()) {
            CtlResults r = small.ctl(CtlOp.ADD, Ukevent.user(1), Ukevent.user(2), Ukevent.user(3));
            assertThat(r.ok(1)).isTrue();
            assertThat(r.errorName(2)).isEqualTo("ENOSPC");
            assertThat(r.message(2)).contains("2 interests").contains("maxInterests");
            small.remove(EventType.USER, 1);
            small.add(Ukevent.user(3));
        }
    }

    @Test
    void aNullRecordAppliesNothing() {
        assertThatThrownBy(() -> queue.ctl(CtlOp.ADD, Ukevent.user(1), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("record 1");
        assertThat(queue.stats().registered()).isZero();
    }

    @Test
    void aBatchLargerThanTheResultsIsRefusedBeforeAnythingIsApplied() {
        Ukevent[] records = {Ukevent.user(1), Ukevent.user(2)};
        assertThatThrownBy(() -> queue.ctl(CtlOp.ADD, records, 0, 2, new CtlResults(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity 1");
        assertThat(queue.stats().registered()).isZero();
        assertThatThrownBy(() -> queue.ctl(CtlOp.ADD, records, 1, 2, new CtlResults(4)))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void resultsAreReusableAcrossBatches() {
        CtlResults results = new CtlResults(4);
        Ukevent[] records = {Ukevent.user(1), Ukevent.user(1)};
        assertThat(queue.ctl(CtlOp.ADD, records, 0, 2, results)).isEqualTo(1);
        assertThat(queue.ctl(CtlOp.REMOVE, records, 0, 1, results)).isZero();
        assertThat(results.count()).isEqualTo(1);
        assertThat(results.ok(0)).isTrue();
        assertThatThrownBy(() -> results.ok(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void anInterestReadyWhenAddedIsQueuedNotLost() throws Exception {
        queue.add(Ukevent.timer(1, Duration.ZERO));
        assertThat(queue.getEvents(1, 1, 5, TimeUnit.SECONDS, out)).isEqualTo(1);
        assertThat(out.type(0)).isEqualTo(EventType.TIMER);
    }

    @Test
    void aRemovedInterestIsNeverDeliveredEvenIfItWasReady() {
        queue.add(Ukevent.user(1));
        queue.add(Ukevent.user(2));
        queue.trigger(1);
        queue.trigger(2);
        assertThat(queue.remove(EventType.USER, 1)).isTrue();
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.id(0)).isEqualTo(2);
        assertThat(queue.stats().ready()).isZero();
    }

    @Test
    void triggerOfAnUnknownUserEventReportsFalse() {
        assertThat(queue.trigger(42)).isFalse();
        queue.add(Ukevent.timer(42, Duration.ofHours(1)));
        assertThat(queue.trigger(42)).as("a timer is not a user event").isFalse();
    }

    @Test
    void periodMustBePositiveAndOnlyForTimers() {
        assertThatThrownBy(() -> Ukevent.timer(1, Duration.ZERO).withPeriodNanos(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> Ukevent.user(1).withPeriodNanos(5)).isInstanceOf(IllegalStateException.class);
    }
}
