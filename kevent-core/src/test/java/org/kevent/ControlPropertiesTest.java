package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random batches of control records, good and bad, against a tiny model of which (type, id) are
 * registered: every record gets exactly the result the model predicts, a failed one never disturbs
 * the others, and nothing throws or crashes.
 */
class ControlPropertiesTest {
    private static final Set<String> ERRORS = Set.of("EEXIST", "ENOENT", "EINVAL", "ENOSPC");

    record Op(CtlOp op, Ukevent record) {
    }

    @Provide
    Arbitrary<List<Op>> batches() {
        return op().list().ofMinSize(1).ofMaxSize(40);
    }

    private Arbitrary<Op> op() {
        Arbitrary<CtlOp> op = Arbitraries.of(CtlOp.class);
        Arbitrary<Long> id = Arbitraries.longs().between(-3, 12);
        Arbitrary<Integer> flags = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, Kevent.REQ_MASK)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Integer> events = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Boolean> timer = Arbitraries.of(true, false);
        Arbitrary<Long> delay = Arbitraries.longs().between(-1_000, 10_000_000_000L);
        return Combinators.combine(op, id, flags, events, timer, delay).as((o, i, f, e, t, d) -> {
            Ukevent base = t ? Ukevent.timerNanos(i, d) : Ukevent.user(i);
            return new Op(o, base.withFlags(f).withEvents(e).withCookie(i * 31));
        });
    }

    @Property(tries = 300, seed = "20261128")
    void everyRecordGetsTheResultTheModelPredicts(@ForAll("batches") List<Op> ops) {
        Map<String, Boolean> model = new HashMap<>();
        try (KeventQueue queue = KeventQueue.builder().maxInterests(10).open()) {
            for (Op op : ops) {
                Ukevent r = op.record();
                String key = r.type() + "/" + r.id();
                boolean valid = (r.flags() & ~Kevent.REQ_MASK) == 0
                        && (r.flags() & (Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH)) != (Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH)
                        && r.events() != 0 && (r.events() & ~r.type().validEvents()) == 0
                        && (r.type() != EventType.TIMER || r.timerValue() >= 0);
                boolean present = model.containsKey(key);
                String expected = switch (op.op()) {
                    case ADD -> !valid ? "EINVAL" : present ? "EEXIST" : model.size() >= 10 ? "ENOSPC" : null;
                    case REMOVE -> present ? null : "ENOENT";
                    case MODIFY -> !valid ? "EINVAL" : present ? null : "ENOENT";
                    // TRIGGER and ENABLE match on (type, id) only, as REMOVE does.
                    case TRIGGER -> r.type() != EventType.USER ? "EINVAL" : present ? null : "ENOENT";
                    case ENABLE -> present ? null : "ENOENT";
                };
                CtlResults res = queue.ctl(op.op(), r);
                assertThat(res.errorName(0)).as("%s %s", op.op(), r).isEqualTo(expected);
                assertThat(res.flags(0) & Kevent.RET_DONE).isEqualTo(Kevent.RET_DONE);
                if (expected != null) {
                    assertThat(ERRORS).contains(res.errorName(0));
                    assertThat(res.message(0)).isNotBlank();
                } else if (op.op() == CtlOp.ADD) {
                    model.put(key, true);
                } else if (op.op() == CtlOp.REMOVE) {
                    model.remove(key);
                }
                // Timers that already fired and were delivered would leave the model; keep the
                // queue from delivering anything so the model stays exact.
                assertThat(queue.stats().registered()).isEqualTo(model.size());
            }
        }
    }
}
