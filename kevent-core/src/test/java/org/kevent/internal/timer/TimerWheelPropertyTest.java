package org.kevent.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.kevent.testing.PropertyChecks;
import org.kevent.testing.PropertyChecks.Choices;

/**
 * Random schedule / cancel / expire sequences against a map of id to deadline: every expire hands
 * out exactly the model's due set, each node once, and nextDeadline stays a lower bound that has
 * moved past now after a complete expire. QuickTheories, 1000 runs of 1–200 operations from a fixed
 * seed ({@code -Dkevent.seed=N} for others, see {@link PropertyChecks}).
 */
class TimerWheelPropertyTest {

    private static final int NODES = 40;

    sealed interface Op permits Schedule, Cancel, Expire {}

    record Schedule(int id, long offset) implements Op {}

    record Cancel(int id) implements Op {}

    /** How an expire picks its time: a random step, or exactly at / just before the earliest deadline. */
    enum At { STEP, EARLIEST, JUST_BEFORE_EARLIEST, NEXT_DEADLINE }

    /** The handler's choices (reschedule, cancel or schedule another node) come from {@code seed}. */
    record Expire(At at, long delta, int limit, long seed) implements Op {}

    static final class Node extends TimerNode {
        final int id;

        Node(int id) {
            this.id = id;
        }

        @Override
        public String toString() {
            return "Node[" + id + "]";
        }
    }

    /** One run: the wheel's origin and tick, and the operations. */
    record Case(long origin, int tickShift, PropertyChecks.Sequence<Op> ops) {
        @Override
        public String toString() {
            return "origin " + origin + ", tickShift " + tickShift + ":\n" + ops;
        }
    }

    @Test
    void expireHandsOutExactlyTheModelsDueSetAndNextDeadlineIsALowerBound() {
        PropertyChecks.check(7305157462419385122L, 1000,
                c -> new Case(origin(c), c.between(0, 12), PropertyChecks.sequence(c, 1, 200, TimerWheelPropertyTest::op)),
                c -> new Run(c.origin(), c.tickShift()).apply(c.ops().steps()));
    }

    /** One sequence, with the wheel and its model side by side. */
    private static final class Run {
        final TimerWheel wheel;
        final Node[] nodes = new Node[NODES];
        final Map<Integer, Long> model = new HashMap<>();
        long wheelNow;

        Run(long origin, int tickShift) {
            wheel = new TimerWheel(origin, tickShift);
            wheelNow = origin;
            for (int i = 0; i < NODES; i++) {
                nodes[i] = new Node(i);
            }
        }

        void apply(List<Op> ops) {
            for (Op op : ops) {
                switch (op) {
                    case Schedule s -> schedule(s);
                    case Cancel c -> assertThat(wheel.cancel(nodes[c.id()]))
                            .isEqualTo(model.remove(c.id()) != null);
                    case Expire e -> expire(e);
                }
                checkInvariants();
            }
        }

        void schedule(Schedule s) {
            Node node = nodes[s.id()];
            long deadline = saturatingAdd(wheelNow, s.offset());
            if (model.containsKey(s.id())) {
                assertThatThrownBy(() -> wheel.schedule(node, deadline))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(node.toString());
            } else {
                wheel.schedule(node, deadline);
                model.put(s.id(), deadline);
            }
        }

        void expire(Expire e) {
            long now = switch (e.at()) {
                case STEP -> saturatingAdd(wheelNow, e.delta());
                case EARLIEST -> minModelDeadline();
                case JUST_BEFORE_EARLIEST -> saturatingAdd(minModelDeadline(), -1);
                case NEXT_DEADLINE -> wheel.nextDeadline();
            };
            wheelNow = Math.max(wheelNow, now);
            Set<Integer> dueAtStart = new HashSet<>();
            model.forEach((id, deadline) -> {
                if (deadline <= wheelNow) {
                    dueAtStart.add(id);
                }
            });
            Set<Integer> handed = new HashSet<>();
            Set<Integer> scheduledDuringCall = new HashSet<>();
            Random random = new Random(e.seed());

            int count = wheel.expire(now, (timerNode, handlerNow) -> {
                Node node = (Node) timerNode;
                assertThat(handlerNow).isEqualTo(wheelNow);
                assertThat(node.isScheduled()).isFalse();
                assertThat(dueAtStart).as("handed out node is due").contains(node.id);
                assertThat(scheduledDuringCall).as("scheduled by this call").doesNotContain(node.id);
                assertThat(handed.add(node.id)).as("handed out once").isTrue();
                assertThat(model.remove(node.id)).isEqualTo(node.deadline());
                actInHandler(node, random, scheduledDuringCall);
            }, e.limit());

            assertThat(count).isEqualTo(handed.size()).isLessThanOrEqualTo(e.limit());
            if (count < e.limit()) {
                boolean dueScheduledInCall = false;
                for (Map.Entry<Integer, Long> entry : model.entrySet()) {
                    if (scheduledDuringCall.contains(entry.getKey())) {
                        dueScheduledInCall |= entry.getValue() <= wheelNow;
                    } else {
                        assertThat(entry.getValue()).as("left due: node %d", entry.getKey())
                                .isGreaterThan(wheelNow);
                    }
                }
                // An empty wheel answers NO_DEADLINE, which cannot exceed a time of Long.MAX_VALUE.
                if (!dueScheduledInCall && !model.isEmpty()) {
                    assertThat(wheel.nextDeadline()).as("progress after a complete expire")
                            .isGreaterThan(wheelNow);
                }
            }
        }

        /** Periodic rearm, cancel of any node, or scheduling of another, as the seed decides. */
        void actInHandler(Node node, Random random, Set<Integer> scheduledDuringCall) {
            int choice = random.nextInt(10);
            if (choice < 3) {
                long deadline = saturatingAdd(wheelNow, 1 + (random.nextLong() >>> (1 + random.nextInt(63))));
                if (deadline > wheelNow) {
                    wheel.schedule(node, deadline);
                    model.put(node.id, deadline);
                    scheduledDuringCall.add(node.id);
                }
            } else if (choice < 5) {
                int victim = random.nextInt(NODES);
                assertThat(wheel.cancel(nodes[victim])).isEqualTo(model.remove(victim) != null);
                scheduledDuringCall.remove(victim);
            } else if (choice < 6) {
                int other = random.nextInt(NODES);
                if (!model.containsKey(other)) {
                    long deadline = saturatingAdd(wheelNow, random.nextLong(-5_000, 5_000));
                    wheel.schedule(nodes[other], deadline);
                    model.put(other, deadline);
                    scheduledDuringCall.add(other);
                }
            }
        }

        void checkInvariants() {
            assertThat(wheel.size()).isEqualTo(model.size());
            assertThat(wheel.isEmpty()).isEqualTo(model.isEmpty());
            assertThat(wheel.currentTime()).isEqualTo(wheelNow);
            for (Node node : nodes) {
                assertThat(node.isScheduled()).as("%s scheduled", node).isEqualTo(model.containsKey(node.id));
            }
            if (model.isEmpty()) {
                assertThat(wheel.nextDeadline()).isEqualTo(TimerWheel.NO_DEADLINE);
            } else {
                assertThat(wheel.nextDeadline()).as("lower bound").isLessThanOrEqualTo(minModelDeadline());
            }
        }

        long minModelDeadline() {
            return model.values().stream().mapToLong(Long::longValue).min().orElse(wheelNow);
        }
    }

    static long saturatingAdd(long a, long b) {
        long sum = a + b;
        // Overflow iff both operands have the sign opposite to the sum's.
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    private static long origin(Choices c) {
        return c.weighted(1, 1) == 0 ? c.between(Long.MIN_VALUE, Long.MAX_VALUE)
                : c.pick(0L, -(1L << 62), Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - (1L << 40));
    }

    private static Op op(Choices c) {
        return switch (c.weighted(5, 1, 3)) {
            case 0 -> new Schedule(c.between(0, NODES - 1), offset(c));
            case 1 -> new Cancel(c.between(0, NODES - 1));
            default -> {
                At at = switch (c.weighted(6, 1, 1, 2)) {
                    case 0 -> At.STEP;
                    case 1 -> At.EARLIEST;
                    case 2 -> At.JUST_BEFORE_EARLIEST;
                    default -> At.NEXT_DEADLINE;
                };
                long delta = step(c);
                int limit = c.weighted(3, 7) == 0 ? c.between(1, 3) : Integer.MAX_VALUE;
                yield new Expire(at, delta, limit, c.between(Long.MIN_VALUE, Long.MAX_VALUE));
            }
        };
    }

    /** Deadlines from far past to about 2^62 ahead, weighted towards what each level sees. */
    private static long offset(Choices c) {
        return switch (c.weighted(2, 5, 4, 3, 2, 1)) {
            case 0 -> c.between(-5_000L, 0L);
            case 1 -> c.between(0L, 5_000L);
            case 2 -> c.between(0L, 1L << 24);
            case 3 -> c.between(0L, 1L << 40);
            case 4 -> c.between(0L, 1L << 62);
            default -> c.pick(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, -(1L << 62));
        };
    }

    /** Steps of time: none, backwards, small, and jumps across levels up to the end of the range. */
    private static long step(Choices c) {
        return switch (c.weighted(2, 1, 5, 4, 3, 1, 1)) {
            case 0 -> 0L;
            case 1 -> c.between(-1L << 30, -1L);
            case 2 -> c.between(1L, 5_000L);
            case 3 -> c.between(1L, 1L << 24);
            case 4 -> c.between(1L, 1L << 40);
            case 5 -> c.between(1L, 1L << 62);
            default -> Long.MAX_VALUE;
        };
    }
}
