package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
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
    }

    @Test
    void removeOfAnUnknownInterestThrowsEnoent() {
        assertThatThrownBy(() -> queue.remove(EventType.USER, 99)).isInstanceOfSatisfying(KeventException.class, e -> {
            assertThat(e.call()).isEqualTo("kevent_ctl REMOVE");
            assertThat(e.errorName()).isEqualTo("ENOENT");
            assertThat(e.getMessage()).contains("USER 99");
        });
    }

    @Test
    void theSingleRecordShorthandsThrowExactlyTheErrorCtlReports() {
        queue.add(Ukevent.timer(5, Duration.ofHours(1)));
        CtlResults removed = queue.ctl(CtlOp.REMOVE, Ukevent.user(99));
        CtlResults enabled = queue.ctl(CtlOp.ENABLE, Ukevent.timerNanos(98, 0));
        CtlResults triggered = queue.ctl(CtlOp.TRIGGER, Ukevent.user(5));

        assertThatThrownBy(() -> queue.remove(EventType.USER, 99)).isInstanceOfSatisfying(KeventException.class,
                e -> assertSameError(e, CtlOp.REMOVE, removed));
        assertThatThrownBy(() -> queue.enable(EventType.TIMER, 98)).isInstanceOfSatisfying(KeventException.class,
                e -> assertSameError(e, CtlOp.ENABLE, enabled));
        assertThatThrownBy(() -> queue.trigger(5)).as("a timer is not a user event")
                .isInstanceOfSatisfying(KeventException.class, e -> assertSameError(e, CtlOp.TRIGGER, triggered));
        assertThat(queue.stats().registered()).as("nothing changed").isEqualTo(1);
    }

    private static void assertSameError(KeventException e, CtlOp op, CtlResults viaCtl) {
        assertThat(viaCtl.ok(0)).as("ctl %s failed too", op).isFalse();
        assertThat(e.call()).isEqualTo("kevent_ctl " + op);
        assertThat(e.errorName()).isEqualTo(viaCtl.errorName(0));
        assertThat(e.getMessage()).contains(viaCtl.message(0));
    }

    @Test
    void triggerThroughCtlReportsEnoentPerRecord() {
        queue.add(Ukevent.user(1).withCookie(10));
        queue.add(Ukevent.user(2).withCookie(20));
        queue.add(Ukevent.timer(3, Duration.ofHours(1)));

        CtlResults r = queue.ctl(CtlOp.TRIGGER, Ukevent.user(1), Ukevent.user(99), Ukevent.timerNanos(3, 0),
                Ukevent.user(2), Ukevent.user(1));

        assertThat(r.ok(0)).isTrue();
        assertThat(r.errorName(1)).isEqualTo("ENOENT");
        assertThat(r.message(1)).contains("USER 99");
        assertThat(r.errorName(2)).as("only USER interests are triggered").isEqualTo("EINVAL");
        assertThat(r.message(2)).contains("TIMER");
        assertThat(r.ok(3)).isTrue();
        assertThat(r.ok(4)).isTrue();
        assertThat(queue.poll(out)).isEqualTo(2);
        assertThat(out.id(0)).isEqualTo(1);
        assertThat(out.data(0)).as("two triggers coalesced").isEqualTo(2);
        assertThat(out.triggers(0)).isEqualTo(2);
        assertThat(out.id(1)).isEqualTo(2);
        assertThat(out.data(1)).isEqualTo(1);
        assertThat(out.triggers(1)).isEqualTo(1);
    }

    @Test
    void enableThroughCtlReArmsADispatchInterestAndReportsEnoentPerRecord() {
        queue.add(Ukevent.user(1).withFlags(Kevent.REQ_DISPATCH));
        queue.trigger(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        queue.trigger(1);
        assertThat(queue.poll(out)).as("disabled by its delivery").isZero();

        CtlResults r = queue.ctl(CtlOp.ENABLE, Ukevent.user(7), Ukevent.user(1));

        assertThat(r.errorName(0)).isEqualTo("ENOENT");
        assertThat(r.ok(1)).as("the rest of the batch applies").isTrue();
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.data(0)).isEqualTo(1);
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
        assertThat(r.message(0)).contains("0x100000").contains("(field flags)");
        assertThat(queue.stats().registered()).isZero();
    }

    @Test
    void unknownEventBitsForTheTypeAreRejected() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.user(1).withEvents(Kevent.USER_TRIGGER | 1 << 30));
        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("0x40000000").contains("USER");
    }

    @Test
    void eventBitsOfAnotherTypeAreEinvalNamingTheField() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.user(1).withEvents(Kevent.SOCKET_SEND),
                Ukevent.timerNanos(2, 0).withEvents(Kevent.POLLOUT), Ukevent.user(3));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("SOCKET_SEND").contains("0x" + Integer.toHexString(Kevent.SOCKET_SEND))
                .contains("USER").contains("(field events)");
        assertThat(r.errorName(1)).isEqualTo("EINVAL");
        assertThat(r.message(1)).contains("POLLOUT").contains("0x4").contains("TIMER").contains("(field events)");
        assertThat(r.ok(2)).as("the rest of the batch applies").isTrue();
        assertThat(queue.stats().registered()).isEqualTo(1);
    }

    @Test
    void emptyEventMaskIsRejected() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.timer(1, Duration.ZERO).withEvents(0));
        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("empty event mask").contains("(field events)");
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
        queue.remove(EventType.USER, 1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.id(0)).isEqualTo(2);
        assertThat(queue.stats().ready()).isZero();
    }

    @Test
    void triggerOfAnUnknownUserEventThrowsEnoent() {
        assertThatThrownBy(() -> queue.trigger(42)).isInstanceOfSatisfying(KeventException.class, e -> {
            assertThat(e.call()).isEqualTo("kevent_ctl TRIGGER");
            assertThat(e.errorName()).isEqualTo("ENOENT");
        });
        queue.add(Ukevent.timer(42, Duration.ofHours(1)));
        assertThatThrownBy(() -> queue.trigger(42)).as("a timer is not a user event")
                .isInstanceOfSatisfying(KeventException.class, e -> assertThat(e.errorName()).isEqualTo("ENOENT"));
        assertThat(queue.trigger(new long[] {42, 42}, 0, 2)).as("the batch form counts instead").isZero();
    }

    @Test
    void aNegativePeriodIsAPerRecordEinvalAndTheRestOfTheBatchApplies() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.user(1),
                Ukevent.timer(2, Duration.ofHours(1)).withPeriodNanos(-5), Ukevent.timer(3, Duration.ofHours(1)));

        assertThat(r.ok(0)).isTrue();
        assertThat(r.errorName(1)).isEqualTo("EINVAL");
        assertThat(r.flags(1)).isEqualTo(Kevent.RET_DONE | Kevent.RET_BROKEN);
        assertThat(r.message(1)).isEqualTo("timer period -5 ns is negative (field period)");
        assertThat(r.ok(2)).isTrue();
        assertThat(queue.stats().registered()).as("USER 1 and TIMER 3, no rollback").isEqualTo(2);
        assertThat(queue.ctl(CtlOp.REMOVE, Ukevent.timerNanos(2, 0)).errorName(0)).as("nothing of TIMER 2 left")
                .isEqualTo("ENOENT");
    }

    @Test
    void aNegativeDelayIsEinvalNamingTheField() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.timerNanos(1, -1), Ukevent.timer(2, Duration.ofMillis(-3)),
                Ukevent.timer(3, Duration.ofSeconds(Long.MIN_VALUE)), Ukevent.timerNanos(4, 0),
                Ukevent.timerAt(5, System.nanoTime() - 1_000_000), Ukevent.timerAt(6, -5));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).isEqualTo("timer delay -1 ns is negative (field delay)");
        assertThat(r.message(1)).isEqualTo("timer delay -3000000 ns is negative (field delay)");
        assertThat(r.errorName(2)).as("a delay too negative for nanoseconds").isEqualTo("EINVAL");
        assertThat(r.message(2)).contains("(field delay)");
        assertThat(r.ok(3)).as("zero: due now").isTrue();
        assertThat(r.ok(4)).as("an absolute deadline in the past is already due, not invalid").isTrue();
        assertThat(r.ok(5)).as("nanoTime values may be negative").isTrue();
        assertThat(r.failures()).isEqualTo(3);
        assertThat(queue.poll(out)).as("the three valid timers are due").isEqualTo(3);
    }

    @Test
    void aPeriodOrARecursiveFlagOnATypeThatHasNoneIsEinval() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.user(1).withPeriodNanos(5),
                Ukevent.timerNanos(2, 0).withRecursive(true), Ukevent.user(3).withRecursive(false));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("5 ns").contains("USER").contains("(field period)");
        assertThat(r.errorName(1)).isEqualTo("EINVAL");
        assertThat(r.message(1)).contains("TIMER").contains("(field recursive)");
        assertThat(r.ok(2)).as("recursive=false is the default of every type").isTrue();
        assertThat(queue.stats().registered()).isEqualTo(1);
    }

    @Test
    void modifyChecksTheFieldsAsAddDoesAndLeavesTheInterestAsItWas() {
        queue.add(Ukevent.timer(1, Duration.ofHours(1)).withCookie(10));
        queue.add(Ukevent.user(2).withCookie(20));

        CtlResults r = queue.ctl(CtlOp.MODIFY, Ukevent.timerNanos(1, -7).withCookie(11),
                Ukevent.timer(1, Duration.ofHours(1)).withPeriodNanos(-1).withCookie(12),
                Ukevent.user(2).withPeriodNanos(1).withCookie(21));

        assertThat(r.message(0)).isEqualTo("timer delay -7 ns is negative (field delay)");
        assertThat(r.message(1)).isEqualTo("timer period -1 ns is negative (field period)");
        assertThat(r.message(2)).contains("(field period)");
        assertThat(queue.poll(out)).as("the timer was not re-armed to now").isZero();
        queue.trigger(new long[] {2}, 0, 1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.cookie(0)).as("the user event kept its cookie").isEqualTo(20);
    }

    @Test
    void buildingARecordNeverThrowsForAValueTheKernelWouldRefuse() {
        assertThatCode(() -> {
            Ukevent.timerNanos(1, 0).withPeriodNanos(-1);
            Ukevent.timer(1, Duration.ZERO).withPeriod(Duration.ofSeconds(-1));
            Ukevent.timer(1, Duration.ofSeconds(-1));
            Ukevent.timerNanos(1, Long.MIN_VALUE);
            Ukevent.user(1).withPeriodNanos(5);
            Ukevent.user(1).withPeriod(Duration.ofMillis(5));
            Ukevent.timerNanos(1, 0).withRecursive(true);
            Ukevent.poll(-1, 0).withRecursive(true).withFlags(-1).withEvents(-1);
        }).doesNotThrowAnyException();
        Ukevent raw = Ukevent.user(1).withPeriodNanos(-5).withRecursive(true);
        assertThat(raw.periodNanos()).as("kept as given, for the queue to judge").isEqualTo(-5);
        assertThat(raw.recursive()).isTrue();
        assertThat(raw.toString()).contains("period=-5ns").contains("recursive");
        // A null is a programming error, not a value for the queue to judge.
        assertThatThrownBy(() -> Ukevent.timer(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Ukevent.timerNanos(1, 0).withPeriod(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Ukevent.inode(1, null, Kevent.INODE_CREATE)).isInstanceOf(NullPointerException.class);
    }
}
