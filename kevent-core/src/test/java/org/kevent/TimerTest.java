package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kevent.testing.FakePoller;
import org.kevent.testing.ManualClock;

/** TIMER semantics on a manual clock: deterministic, no sleeping. */
class TimerTest {
    private static final long MS = 1_000_000L;

    private final ManualClock clock = new ManualClock(TestQueues.START);
    private final FakePoller poller = new FakePoller(clock);
    private final KeventQueue queue = KeventQueue.builder().clock(clock).poller(poller).open();
    private final EventBuffer out = new EventBuffer(16);

    @AfterEach
    void close() {
        queue.close();
    }

    @Test
    void oneShotTimerFiresAtItsDeadlineNotBefore() {
        queue.add(Ukevent.timerNanos(1, 10 * MS).withCookie(5));
        clock.advance(10 * MS - 1);
        assertThat(queue.poll(out)).isZero();
        clock.advance(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.type(0)).isEqualTo(EventType.TIMER);
        assertThat(out.events(0)).isEqualTo(Kevent.TIMER_FIRED);
        assertThat(out.data(0)).as("expirations").isEqualTo(1);
        assertThat(out.data2(0)).as("fire time").isEqualTo(TestQueues.START + 10 * MS);
        assertThat(out.expirations(0)).isEqualTo(1);
        assertThat(out.fireTime(0)).isEqualTo(TestQueues.START + 10 * MS);
        assertThat(out.cookie(0)).isEqualTo(5);
    }

    @Test
    void aFiredSingleTimerStaysRegisteredUntilModifiedOrRemoved() {
        queue.add(Ukevent.timerNanos(1, MS));
        clock.advance(MS);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(queue.stats().registered()).as("kept, disarmed").isEqualTo(1);
        clock.advance(100 * MS);
        assertThat(queue.poll(out)).as("a single expiry does not repeat").isZero();
        assertThat(queue.ctl(CtlOp.ADD, Ukevent.timerNanos(1, MS)).errorName(0)).as("its id is still taken")
                .isEqualTo("EEXIST");

        CtlResults removed = queue.ctl(CtlOp.REMOVE, Ukevent.timerNanos(1, 0));

        assertThat(removed.ok(0)).as("REMOVE of the fired timer: %s", removed).isTrue();
        assertThat(queue.stats().registered()).isZero();
    }

    @Test
    void anEdgeTriggeredSingleTimerAlsoStaysRegisteredAfterItFires() {
        queue.add(Ukevent.timerNanos(1, MS).withFlags(Kevent.REQ_ET));
        clock.advance(MS);
        assertThat(queue.poll(out)).isEqualTo(1);

        assertThat(queue.stats().registered()).isEqualTo(1);
        clock.advance(100 * MS);
        assertThat(queue.poll(out)).isZero();
    }

    @Test
    void modifyReArmsAFiredSingleTimer() {
        queue.add(Ukevent.timerNanos(1, MS).withCookie(1));
        clock.advance(MS);
        assertThat(queue.poll(out)).isEqualTo(1);

        CtlResults modified = queue.ctl(CtlOp.MODIFY, Ukevent.timerNanos(1, 5 * MS).withCookie(2));

        assertThat(modified.ok(0)).as("MODIFY of the fired timer: %s", modified).isTrue();
        clock.advance(5 * MS - 1);
        assertThat(queue.poll(out)).isZero();
        clock.advance(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.data(0)).as("expirations of the new setting only").isEqualTo(1);
        assertThat(out.data2(0)).isEqualTo(TestQueues.START + 6 * MS);
        assertThat(out.cookie(0)).isEqualTo(2);
    }

    @Test
    void aOneshotTimerIsRemovedAfterDelivery() {
        queue.add(Ukevent.timerNanos(1, MS).withFlags(Kevent.REQ_ONESHOT));
        clock.advance(MS);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(queue.stats().registered()).isZero();
        assertThat(queue.ctl(CtlOp.REMOVE, Ukevent.timerNanos(1, 0)).errorName(0)).isEqualTo("ENOENT");
        queue.add(Ukevent.timerNanos(1, MS));
    }

    @Test
    void blockingWaitSleepsUntilTheTimerAndNoLonger() {
        queue.add(Ukevent.timerNanos(1, 25 * MS));
        assertThat(queue.getEvents(1, 16, -1, TimeUnit.SECONDS, out)).isEqualTo(1);
        assertThat(clock.nanoTime()).as("woken at the deadline, not after").isEqualTo(TestQueues.START + 25 * MS);
        assertThat(poller.timeouts).as("no timeout of the caller's, one kernel wait").containsExactly(-1L);
    }

    @Test
    void absoluteDeadlineFiresAtThatInstant() {
        queue.add(Ukevent.timerAt(1, TestQueues.START + 7 * MS));
        assertThat(queue.getEvents(1, 16, 1, TimeUnit.SECONDS, out)).isEqualTo(1);
        assertThat(out.data2(0)).isEqualTo(TestQueues.START + 7 * MS);
    }

    @Test
    void absoluteDeadlineInThePastFiresAtOnce() {
        queue.add(Ukevent.timerAt(1, TestQueues.START - 5 * MS));
        assertThat(queue.poll(out)).isEqualTo(1);
    }

    @Test
    void periodicTimerCountsExpirationsMissedByALateReader() {
        queue.add(Ukevent.timerNanos(1, 10 * MS).withPeriodNanos(10 * MS));
        clock.advance(35 * MS);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.data(0)).isEqualTo(3);
        assertThat(out.expirations(0)).isEqualTo(3);
        clock.advance(5 * MS);
        assertThat(queue.poll(out)).as("phase kept: next at 40 ms").isEqualTo(1);
        assertThat(out.data(0)).isEqualTo(1);
        clock.advance(9 * MS);
        assertThat(queue.poll(out)).isZero();
        assertThat(queue.stats().registered()).as("periodic timers stay").isEqualTo(1);
    }

    @Test
    void periodZeroMeansASingleExpiry() {
        queue.add(Ukevent.timerNanos(1, MS).withPeriodNanos(0));
        clock.advance(MS);
        assertThat(queue.poll(out)).isEqualTo(1);
        clock.advance(100 * MS);
        assertThat(queue.poll(out)).isZero();
    }

    @Test
    void aModifyWithANegativePeriodIsRefusedAndTheTimerKeepsItsSchedule() {
        queue.add(Ukevent.timerNanos(1, 10 * MS).withPeriodNanos(10 * MS));

        CtlResults r = queue.ctl(CtlOp.MODIFY, Ukevent.timerNanos(1, MS).withPeriodNanos(-MS));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("(field period)");
        clock.advance(MS);
        assertThat(queue.poll(out)).as("not re-armed by the refused record").isZero();
        clock.advance(19 * MS);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.data(0)).as("the old period still runs").isEqualTo(2);
    }

    @Test
    void periodsAreHonouredToTheNanosecondFromTheMinimumOn() {
        long period = Ukevent.MIN_TIMER_PERIOD_NANOS + 3;
        queue.add(Ukevent.timerNanos(1, 1).withPeriodNanos(period));
        clock.advance(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        clock.advance(period * 1000 - 1);
        queue.poll(out);
        assertThat(out.data(0)).as("one nanosecond short of the 1000th").isEqualTo(999);
        clock.advance(1);
        queue.poll(out);
        assertThat(out.data(0)).isEqualTo(1);
    }

    @Test
    void aPeriodBelowTheMinimumIsRaisedToIt() {
        Ukevent oneNanosecond = Ukevent.timerNanos(1, 1).withPeriodNanos(1);
        assertThat(oneNanosecond.periodNanos()).isEqualTo(Ukevent.MIN_TIMER_PERIOD_NANOS).isEqualTo(50_000);
        assertThat(Ukevent.timerNanos(1, 1).withPeriod(Duration.ofNanos(49_999)).periodNanos())
                .isEqualTo(Ukevent.MIN_TIMER_PERIOD_NANOS);
        assertThat(Ukevent.timerNanos(1, 1).withPeriodNanos(0).periodNanos()).as("0 stays a single expiry").isZero();
        assertThat(Ukevent.timerNanos(1, 1).withPeriodNanos(-1).periodNanos()).as("kept for the queue to refuse")
                .isEqualTo(-1);
        assertThat(Ukevent.user(1).withPeriodNanos(1).periodNanos()).as("not a timer: kept as given").isEqualTo(1);

        queue.add(oneNanosecond);
        clock.advance(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        clock.advance(MS);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.data(0)).as("1 ms of 50 us periods, not a million 1 ns ones").isEqualTo(20);
        assertThat(queue.poll(out)).as("not due again at once").isZero();
    }

    @Test
    void twoTimersWithEqualPeriodFireIndependently() {
        queue.add(Ukevent.timerNanos(1, 10 * MS).withPeriodNanos(10 * MS));
        queue.add(Ukevent.timerNanos(2, 15 * MS).withPeriodNanos(10 * MS));
        clock.advance(10 * MS);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.id(0)).isEqualTo(1);
        clock.advance(5 * MS);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.id(0)).isEqualTo(2);
    }

    @Test
    void removedTimerNeverFires() {
        queue.add(Ukevent.timerNanos(1, MS));
        queue.remove(EventType.TIMER, 1);
        clock.advance(10 * MS);
        assertThat(queue.poll(out)).isZero();
    }

    @Test
    void timerRemovedWhileReadyIsNotDelivered() {
        queue.add(Ukevent.timerNanos(1, MS).withPeriodNanos(MS));
        queue.add(Ukevent.user(9));
        queue.trigger(9);
        clock.advance(MS);
        assertThat(queue.getEvents(0, 1, 0, TimeUnit.SECONDS, out)).isEqualTo(1);
        assertThat(out.type(0)).isEqualTo(EventType.USER);
        assertThat(queue.stats().ready()).as("the timer waits behind the user event").isEqualTo(1);
        queue.remove(EventType.TIMER, 1);
        assertThat(queue.stats().ready()).isZero();
        assertThat(queue.poll(out)).isZero();
    }

    @Test
    void modifyReArmsWithTheNewDeadlineAndDropsOldExpirations() {
        queue.add(Ukevent.timerNanos(1, MS).withPeriodNanos(MS));
        clock.advance(3 * MS);
        queue.modify(Ukevent.timerNanos(1, 10 * MS));
        assertThat(queue.poll(out)).isZero();
        clock.advance(10 * MS);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.data(0)).isEqualTo(1);
    }

    @Test
    void dispatchOneShotTimerStaysDisabledUntilModifyGivesANewDeadline() {
        queue.add(Ukevent.timerNanos(1, MS).withFlags(Kevent.REQ_DISPATCH));
        clock.advance(MS);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(queue.stats().registered()).isEqualTo(1);
        queue.modify(Ukevent.timerNanos(1, 2 * MS).withFlags(Kevent.REQ_DISPATCH));
        clock.advance(2 * MS);
        assertThat(queue.poll(out)).isEqualTo(1);
    }

    @Test
    void dispatchPeriodicTimerKeepsCountingWhileDisabled() {
        queue.add(Ukevent.timerNanos(1, MS).withPeriodNanos(MS).withFlags(Kevent.REQ_DISPATCH));
        clock.advance(MS);
        queue.poll(out);
        clock.advance(4 * MS);
        assertThat(queue.poll(out)).isZero();
        queue.enable(EventType.TIMER, 1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.data(0)).isEqualTo(4);
    }

    @Test
    void interruptedKernelWaitResumesWithTheRemainingTime() {
        queue.add(Ukevent.user(1));
        poller.interruptNextPolls(3, 30 * MS);
        assertThat(queue.getEvents(1, 16, 100, TimeUnit.MILLISECONDS, out)).isZero();
        assertThat(poller.timeouts).containsExactly(100 * MS, 70 * MS, 40 * MS, 10 * MS);
        assertThat(clock.nanoTime()).isEqualTo(TestQueues.START + 100 * MS);
    }

    @Test
    void theKernelTimerIsArmedToTheNearestDeadlineBeforeBlocking() {
        queue.add(Ukevent.timerNanos(1, 50 * MS));
        queue.add(Ukevent.timerNanos(2, 20 * MS));
        queue.add(Ukevent.user(3));
        queue.getEvents(1, 16, 5, TimeUnit.MILLISECONDS, out);
        assertThat(poller.armed()).isLessThanOrEqualTo(TestQueues.START + 20 * MS);
        assertThat(queue.getEvents(1, 16, Duration.ofSeconds(1), out)).isEqualTo(1);
        assertThat(out.id(0)).isEqualTo(2);
    }

    @Test
    void manyTimersSharingADeadlineAreAllDeliveredInOneCall() {
        for (long id = 0; id < 16; id++) {
            queue.add(Ukevent.timerNanos(id, MS));
        }
        clock.advance(MS);
        assertThat(queue.poll(out)).isEqualTo(16);
    }

    @Test
    void aMillionTimersAreAddedAndCancelledWithoutFiring() {
        Ukevent[] records = new Ukevent[1024];
        CtlResults results = new CtlResults(records.length);
        for (int base = 0; base < 1_000_000; base += records.length) {
            for (int k = 0; k < records.length; k++) {
                records[k] = Ukevent.timerNanos(base + k, 1_000 * MS + (base + k));
            }
            assertThat(queue.ctl(CtlOp.ADD, records, 0, records.length, results)).isZero();
        }
        assertThat(queue.stats().registered()).isEqualTo(1_000_448);
        for (long id = 0; id < 1_000_448; id++) {
            queue.remove(EventType.TIMER, id);
        }
        clock.advance(2_000 * MS);
        assertThat(queue.poll(out)).isZero();
        assertThat(queue.stats().registered()).isZero();
    }
}
