package org.kevent.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.kevent.EventType;

/** The (type, id) table agrees with a HashMap under random inserts and removals. */
class InterestTableTest {

    record Step(boolean insert, EventType type, long id) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        // Narrow negative ids make long probe runs and backward shifts in the hash part; growing
        // positive ids move entries from the hash part into the direct arrays as they grow.
        Arbitrary<Long> ids = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(-40, 40)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(1_000, 5_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(Long.MAX_VALUE - 5, Long.MAX_VALUE)));
        return net.jqwik.api.Combinators.combine(Arbitraries.of(true, true, false), Arbitraries.of(EventType.TIMER, EventType.USER),
                ids).as(Step::new).list().ofMaxSize(600);
    }

    @Property(tries = 300, seed = "42")
    void agreesWithAHashMap(@ForAll("steps") List<Step> steps) {
        InterestTable table = new InterestTable();
        Map<String, Interest> model = new HashMap<>();
        for (Step s : steps) {
            String key = s.type() + "/" + s.id();
            if (s.insert()) {
                if (table.get(s.type(), s.id()) == null) {
                    Interest i = new Interest();
                    i.type = s.type();
                    i.id = s.id();
                    table.insert(i);
                    model.put(key, i);
                }
            } else {
                Interest i = model.remove(key);
                if (i != null) {
                    assertThat(table.remove(i)).isTrue();
                }
            }
            assertThat(table.size()).isEqualTo(model.size());
        }
        for (Step s : steps) {
            assertThat(table.get(s.type(), s.id())).isSameAs(model.get(s.type() + "/" + s.id()));
        }
        int[] seen = {0};
        table.forEach(i -> seen[0]++);
        assertThat(seen[0]).isEqualTo(model.size());
    }
}
