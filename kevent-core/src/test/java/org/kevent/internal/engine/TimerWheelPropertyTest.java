package org.kevent.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Random schedule / cancel / expire sequences against a map of id to deadline: every expire hands
 * out exactly the model's due set, each node once, and nextDeadline stays a lower bound that has
 * moved past now after a complete expire.
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

    @Property(tries = 1000, seed = "7305157462419385122")
    void expireHandsOutExactlyTheModelsDueSetAndNextDeadlineIsALowerBound(
            @ForAll("origins") long origin,
            @ForAll @IntRange(min = 0, max = 12) int tickShift,
            @ForAll("ops") List<Op> ops) {
        new Run(origin, tickShift).apply(ops);
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

    @Provide
    Arbitrary<Long> origins() {
        return Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.of(0L, -(1L << 62), Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - (1L << 40)));
    }

    @Provide
    @SuppressWarnings("unchecked")
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> ids = Arbitraries.integers().between(0, NODES - 1);
        Arbitrary<Op> schedule = Combinators.combine(ids, offsets()).as(Schedule::new);
        Arbitrary<Op> cancel = ids.map(Cancel::new);
        Arbitrary<Integer> limits = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 3)),
                Tuple.of(7, Arbitraries.just(Integer.MAX_VALUE)));
        Arbitrary<Op> expire = Combinators.combine(
                        Arbitraries.frequencyOf(
                                Tuple.of(6, Arbitraries.just(At.STEP)),
                                Tuple.of(1, Arbitraries.just(At.EARLIEST)),
                                Tuple.of(1, Arbitraries.just(At.JUST_BEFORE_EARLIEST)),
                                Tuple.of(2, Arbitraries.just(At.NEXT_DEADLINE))),
                        steps(), limits, Arbitraries.longs())
                .as(Expire::new);
        return Arbitraries.frequencyOf(Tuple.of(5, schedule), Tuple.of(1, cancel), Tuple.of(3, expire))
                .list().ofMinSize(1).ofMaxSize(200);
    }

    /** Deadlines from far past to about 2^62 ahead, weighted towards what each level sees. */
    @SuppressWarnings("unchecked")
    private static Arbitrary<Long> offsets() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.longs().between(-5_000, 0)),
                Tuple.of(5, Arbitraries.longs().between(0, 5_000)),
                Tuple.of(4, Arbitraries.longs().between(0, 1L << 24)),
                Tuple.of(3, Arbitraries.longs().between(0, 1L << 40)),
                Tuple.of(2, Arbitraries.longs().between(0, 1L << 62)),
                Tuple.of(1, Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, -(1L << 62))));
    }

    /** Steps of time: none, backwards, small, and jumps across levels up to the end of the range. */
    @SuppressWarnings("unchecked")
    private static Arbitrary<Long> steps() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.longs().between(-1L << 30, -1)),
                Tuple.of(5, Arbitraries.longs().between(1, 5_000)),
                Tuple.of(4, Arbitraries.longs().between(1, 1L << 24)),
                Tuple.of(3, Arbitraries.longs().between(1, 1L << 40)),
                Tuple.of(1, Arbitraries.longs().between(1, 1L << 62)),
                Tuple.of(1, Arbitraries.just(Long.MAX_VALUE)));
    }
}
