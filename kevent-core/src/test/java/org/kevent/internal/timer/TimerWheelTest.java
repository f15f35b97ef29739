package org.kevent.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimerWheelTest {

    static final class Timer extends TimerNode {
        final String name;

        Timer(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return "Timer[" + name + "]";
        }
    }

    /** Records the names handed out, in order. */
    static final class Recorder implements ExpiryHandler {
        final List<String> names = new ArrayList<>();

        @Override
        public void onExpiry(TimerNode node, long now) {
            assertThat(node.isScheduled()).isFalse();
            assertThat(node.deadline()).isLessThanOrEqualTo(now);
            names.add(((Timer) node).name);
        }
    }

    @Test
    void nextDeadlineIsTheEarliestDeadlineEvenInAHigherLevelSlot() {
        TimerWheel wheel = new TimerWheel(0);
        Timer far = new Timer("far");
        Timer farther = new Timer("farther");
        wheel.schedule(farther, 9_000_000_123L);
        wheel.schedule(far, 25_000_017L);
        assertThat(wheel.nextDeadline()).isEqualTo(25_000_017L);
        wheel.cancel(far);
        assertThat(wheel.nextDeadline()).as("a stale bound stays a lower bound").isLessThanOrEqualTo(9_000_000_123L);
    }

    @Test
    void firesExactlyTheNodesWhoseDeadlineHasPassedNotTheRestOfTheirTick() {
        TimerWheel wheel = new TimerWheel(0); // one tick = 1024 ns
        Timer early = new Timer("early");
        Timer late = new Timer("late");
        wheel.schedule(early, 100);
        wheel.schedule(late, 200);
        Recorder recorder = new Recorder();

        assertThat(wheel.expire(99, recorder, 10)).isZero();
        assertThat(wheel.expire(150, recorder, 10)).isEqualTo(1);
        assertThat(recorder.names).containsExactly("early");
        assertThat(late.isScheduled()).isTrue();
        assertThat(wheel.nextDeadline()).isEqualTo(200);

        assertThat(wheel.expire(200, recorder, 10)).isEqualTo(1);
        assertThat(recorder.names).containsExactly("early", "late");
        assertThat(wheel.isEmpty()).isTrue();
        assertThat(wheel.nextDeadline()).isEqualTo(TimerWheel.NO_DEADLINE);
    }

    @Test
    void periodicRescheduleFromInsideOnExpiryFiresOnTheNextPeriodNotInTheSameCall() {
        TimerWheel wheel = new TimerWheel(0, 4);
        Timer periodic = new Timer("periodic");
        long period = 1_000;
        wheel.schedule(periodic, period);
        List<Long> fired = new ArrayList<>();
        ExpiryHandler rearm = (node, now) -> {
            fired.add(node.deadline());
            wheel.schedule(node, node.deadline() + period);
        };

        // Even a late call that has passed several periods fires once, then waits for the next period.
        assertThat(wheel.expire(3_500, rearm, 100)).isEqualTo(1);
        assertThat(fired).containsExactly(1_000L);
        assertThat(wheel.expire(3_500, rearm, 100)).isEqualTo(1);
        assertThat(wheel.expire(3_500, rearm, 100)).isEqualTo(1);
        assertThat(wheel.expire(3_500, rearm, 100)).isZero();
        assertThat(fired).containsExactly(1_000L, 2_000L, 3_000L);
        assertThat(wheel.nextDeadline()).isGreaterThan(3_500).isLessThanOrEqualTo(4_000);

        wheel.schedule(new Timer("unrelated"), 1_000_000);
        assertThat(wheel.expire(4_000, rearm, 100)).isEqualTo(1);
        assertThat(fired).containsExactly(1_000L, 2_000L, 3_000L, 4_000L);
        assertThat(periodic.isScheduled()).isTrue();
        assertThat(periodic.deadline()).isEqualTo(5_000);
    }

    @Test
    void aNodeScheduledAlreadyDueByAHandlerFiresOnTheNextCall() {
        TimerWheel wheel = new TimerWheel(0, 0);
        Timer first = new Timer("first");
        Timer second = new Timer("second");
        wheel.schedule(first, 10);
        Recorder recorder = new Recorder();
        ExpiryHandler handler = (node, now) -> {
            recorder.onExpiry(node, now);
            if (node == first) {
                wheel.schedule(second, now - 5);
            }
        };

        assertThat(wheel.expire(20, handler, 10)).isEqualTo(1);
        assertThat(second.isScheduled()).isTrue();
        assertThat(wheel.nextDeadline()).isLessThanOrEqualTo(15);
        assertThat(wheel.expire(20, handler, 10)).isEqualTo(1);
        assertThat(recorder.names).containsExactly("first", "second");
    }

    @Test
    void cancellingANodeDueInTheSameCallFromInsideOnExpiryKeepsItFromBeingHandedOut() {
        TimerWheel wheel = new TimerWheel(0, 2);
        Timer canceller = new Timer("canceller");
        Timer victim = new Timer("victim");
        Timer bystander = new Timer("bystander");
        wheel.schedule(canceller, 5);
        wheel.schedule(victim, 6);
        wheel.schedule(bystander, 7);
        Recorder recorder = new Recorder();
        ExpiryHandler handler = (node, now) -> {
            recorder.onExpiry(node, now);
            if (node == canceller) {
                assertThat(wheel.cancel(victim)).isTrue();
            }
        };

        assertThat(wheel.expire(100, handler, 10)).isEqualTo(2);
        assertThat(recorder.names).containsExactly("canceller", "bystander");
        assertThat(victim.isScheduled()).isFalse();
        assertThat(wheel.size()).isZero();
    }

    @Test
    void limitIsRespectedAndTheRestAreHandedOutByTheNextCall() {
        TimerWheel wheel = new TimerWheel(0, 3);
        for (int i = 0; i < 10; i++) {
            wheel.schedule(new Timer("t" + i), 10 * i);
        }
        Recorder recorder = new Recorder();

        assertThat(wheel.expire(1_000, recorder, 4)).isEqualTo(4);
        assertThat(recorder.names).containsExactly("t0", "t1", "t2", "t3");
        assertThat(wheel.size()).isEqualTo(6);
        assertThat(wheel.nextDeadline()).isLessThanOrEqualTo(40);
        // The next call may even be given an older time: the remaining nodes are still due.
        assertThat(wheel.expire(0, recorder, 4)).isEqualTo(4);
        assertThat(wheel.expire(1_000, recorder, 4)).isEqualTo(2);
        assertThat(recorder.names)
                .containsExactly("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9");
        assertThat(wheel.isEmpty()).isTrue();
    }

    @Test
    void nextDeadlineCoversAnOverdueNodeScheduledWhileALimitedExpireLeftNodesPending() {
        TimerWheel wheel = new TimerWheel(0, 0);
        wheel.schedule(new Timer("a"), 0);
        wheel.schedule(new Timer("b"), 0);
        assertThat(wheel.expire(0, new Recorder(), 1)).isEqualTo(1);
        wheel.schedule(new Timer("overdue"), -1);

        assertThat(wheel.nextDeadline()).isLessThanOrEqualTo(-1);
    }

    @Test
    void nextDeadlineMovesPastNowWhenAHandlerSchedulesAndCancelsADueNodeInTheCurrentTick() {
        TimerWheel wheel = new TimerWheel(0, 10);
        Timer trigger = new Timer("trigger");
        Timer waiting = new Timer("waiting");
        Timer transient_ = new Timer("transient");
        wheel.schedule(trigger, 10);
        wheel.schedule(waiting, 500); // same 1024 ns tick as now, not yet due
        ExpiryHandler handler = (node, now) -> {
            wheel.schedule(transient_, now - 1);
            wheel.cancel(transient_);
        };

        assertThat(wheel.expire(100, handler, 10)).isEqualTo(1);
        assertThat(wheel.nextDeadline()).isEqualTo(500);
    }

    @Test
    void handsOutInTickOrderWithTiesInSchedulingOrderWhateverLevelEachNodeCameFrom() {
        TimerWheel wheel = new TimerWheel(0, 0); // tick = 1 ns, so a tick is a deadline
        Recorder recorder = new Recorder();
        // "a" is scheduled while far away (level 2), "b" and "c" for the same tick once the wheel is
        // close (level 0 and 1): scheduling order must still decide.
        wheel.schedule(new Timer("a"), 10_000);
        wheel.schedule(new Timer("late"), 10_001);
        wheel.schedule(new Timer("early"), 9_000);
        assertThat(wheel.expire(9_990, recorder, 10)).isEqualTo(1);
        wheel.schedule(new Timer("b"), 10_000);
        wheel.schedule(new Timer("c"), 10_000);
        wheel.schedule(new Timer("first"), 9_995);

        assertThat(wheel.expire(20_000, recorder, 10)).isEqualTo(5);
        assertThat(recorder.names).containsExactly("early", "first", "a", "b", "c", "late");
    }

    @Test
    void schedulingAScheduledNodeThrowsAndNamesIt() {
        TimerWheel wheel = new TimerWheel(0);
        Timer timer = new Timer("twice");
        wheel.schedule(timer, 1_000);

        assertThatThrownBy(() -> wheel.schedule(timer, 2_000))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Timer[twice]");
        assertThat(timer.deadline()).isEqualTo(1_000);
        assertThat(wheel.size()).isEqualTo(1);
    }

    @Test
    void cancellingAnUnscheduledNodeReturnsFalseAndChangesNothing() {
        TimerWheel wheel = new TimerWheel(0);
        Timer timer = new Timer("never");
        Timer other = new Timer("other");
        wheel.schedule(other, 5_000);

        assertThat(wheel.cancel(timer)).isFalse();
        assertThat(wheel.cancel(other)).isTrue();
        assertThat(wheel.cancel(other)).isFalse();
        assertThat(wheel.isEmpty()).isTrue();
        assertThat(wheel.nextDeadline()).isEqualTo(TimerWheel.NO_DEADLINE);
    }

    @Test
    void limitBelowOneAndBadTickShiftAreRejectedWithTheValue() {
        TimerWheel wheel = new TimerWheel(0);
        assertThatThrownBy(() -> wheel.expire(0, (n, t) -> { }, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new TimerWheel(0, 63))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("63");
    }

    @Test
    void expireFromInsideAHandlerIsRejected() {
        TimerWheel wheel = new TimerWheel(0);
        wheel.schedule(new Timer("reentrant"), 0);
        assertThatThrownBy(() -> wheel.expire(1, (n, t) -> wheel.expire(t, (m, u) -> { }, 1), 1))
                .isInstanceOf(IllegalStateException.class);
        // The guard is released: the wheel still works.
        wheel.schedule(new Timer("after"), 2);
        assertThat(wheel.expire(2, (n, t) -> { }, 1)).isEqualTo(1);
    }

    @Test
    void aThrowingHandlerLosesNoOtherNode() {
        TimerWheel wheel = new TimerWheel(0, 0);
        Timer boom = new Timer("boom");
        wheel.schedule(boom, 1);
        wheel.schedule(new Timer("next"), 2);
        Recorder recorder = new Recorder();
        ExpiryHandler throwing = (node, now) -> {
            recorder.onExpiry(node, now);
            if (node == boom) {
                throw new IllegalStateException("handler failed");
            }
        };

        assertThatThrownBy(() -> wheel.expire(10, throwing, 10)).hasMessage("handler failed");
        assertThat(boom.isScheduled()).isFalse();
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(wheel.expire(10, throwing, 10)).isEqualTo(1);
        assertThat(recorder.names).containsExactly("boom", "next");
    }

    @Test
    void aMillionNodesScheduledThenCancelledLeaveTheWheelEmpty() {
        TimerWheel wheel = new TimerWheel(System.nanoTime());
        Timer[] timers = new Timer[1_000_000];
        long base = wheel.currentTime();
        for (int i = 0; i < timers.length; i++) {
            timers[i] = new Timer(Integer.toString(i));
            // Spread over every level: offsets from 1 ns to about 2^61 ns.
            wheel.schedule(timers[i], base + ((long) (i * 2_654_435_761L) & 0xFFFFFFFFL) * (1L << (i % 30)));
        }
        assertThat(wheel.size()).isEqualTo(1_000_000);
        for (Timer timer : timers) {
            assertThat(wheel.cancel(timer)).isTrue();
        }
        assertThat(wheel.size()).isZero();
        assertThat(wheel.nextDeadline()).isEqualTo(TimerWheel.NO_DEADLINE);
        assertThat(wheel.expire(Long.MAX_VALUE, (n, t) -> { }, 1)).isZero();
    }

    @Test
    void negativeOriginsAndDeadlinesAtBothEndsOfTheLongRangeFireExactly() {
        long origin = -4_611_686_018_427_387_904L; // -2^62, a possible nanoTime()
        TimerWheel wheel = new TimerWheel(origin);
        Timer min = new Timer("min");
        Timer justBefore = new Timer("justBefore");
        Timer soon = new Timer("soon");
        Timer farMinusOne = new Timer("max-1");
        Timer max = new Timer("max");
        wheel.schedule(min, Long.MIN_VALUE);
        wheel.schedule(justBefore, origin - 1);
        wheel.schedule(soon, origin + 5_000);
        wheel.schedule(farMinusOne, Long.MAX_VALUE - 1);
        wheel.schedule(max, Long.MAX_VALUE);
        Recorder recorder = new Recorder();

        assertThat(wheel.nextDeadline()).isEqualTo(Long.MIN_VALUE);
        assertThat(wheel.expire(origin, recorder, 10)).isEqualTo(2);
        assertThat(recorder.names).containsExactly("min", "justBefore");
        assertThat(wheel.nextDeadline()).isGreaterThan(origin).isLessThanOrEqualTo(origin + 5_000);

        assertThat(wheel.expire(origin + 5_000, recorder, 10)).isEqualTo(1);
        assertThat(wheel.nextDeadline()).isGreaterThan(origin + 5_000).isLessThanOrEqualTo(Long.MAX_VALUE - 1);

        assertThat(wheel.expire(Long.MAX_VALUE - 2, recorder, 10)).isZero();
        assertThat(wheel.nextDeadline()).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(wheel.expire(Long.MAX_VALUE - 1, recorder, 10)).isEqualTo(1);
        assertThat(recorder.names).containsExactly("min", "justBefore", "soon", "max-1");
        assertThat(wheel.expire(Long.MAX_VALUE, recorder, 10)).isEqualTo(1);
        assertThat(wheel.isEmpty()).isTrue();
    }

    @Test
    void aPositiveOriginNearTheTopStillOrdersDeadlinesBeyondTheSaturationPoint() {
        long origin = Long.MAX_VALUE - 10_000;
        TimerWheel wheel = new TimerWheel(origin, 0);
        Timer past = new Timer("past");
        Timer future = new Timer("future");
        wheel.schedule(past, Long.MIN_VALUE + 1);
        wheel.schedule(future, Long.MAX_VALUE - 1);
        Recorder recorder = new Recorder();

        assertThat(wheel.expire(Long.MAX_VALUE - 2, recorder, 10)).isEqualTo(1);
        assertThat(recorder.names).containsExactly("past");
        assertThat(wheel.nextDeadline()).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(wheel.expire(Long.MAX_VALUE, recorder, 10)).isEqualTo(1);
    }

    @Test
    void timeNeverGoesBackwardsInsideTheWheel() {
        TimerWheel wheel = new TimerWheel(1_000, 0);
        wheel.expire(5_000, (n, t) -> { }, 1);
        Timer timer = new Timer("due");
        wheel.schedule(timer, 4_000);
        List<Long> nows = new ArrayList<>();

        assertThat(wheel.expire(2_000, (n, t) -> nows.add(t), 1)).isEqualTo(1);
        assertThat(nows).containsExactly(5_000L);
        assertThat(wheel.currentTime()).isEqualTo(5_000);
    }

    @Test
    void reachingACrowdedHigherLevelSlotMovesOnlyAFewHundredNodesAtOnce() {
        // 100,000 timers over one second, 200 ms ahead, scheduled in shuffled order: the slots of
        // levels 2 and 3 hold ~420 and ~27,000 of them. Expire every 10 µs of (simulated) time, as a
        // busy consumer does, and bound the nodes linked by any single call.
        final int n = 100_000;
        long start = 1L << 40;
        TimerWheel wheel = new TimerWheel(start);
        Timer[] timers = new Timer[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            timers[i] = new Timer("t" + i);
            order[i] = i;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i : order) {
            wheel.schedule(timers[i], start + 200_000_000L + i * 10_000L);
        }
        int[] fired = {0};
        long maxMoves = 0;
        for (long now = start; fired[0] < n; now += 10_000) {
            long before = wheel.moves;
            wheel.expire(now, (node, t) -> {
                assertThat(node.deadline()).isLessThanOrEqualTo(t);
                fired[0]++;
            }, Integer.MAX_VALUE);
            maxMoves = Math.max(maxMoves, wheel.moves - before);
        }
        assertThat(fired[0]).isEqualTo(n);
        assertThat(wheel.isEmpty()).isTrue();
        // Without pre-splitting one call moved the ~27,000 nodes of a level-3 slot.
        assertThat(maxMoves).isLessThan(1_500);
    }
}
