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
        // A narrow id range makes long probe runs and many backward shifts.
        return net.jqwik.api.Combinators.combine(Arbitraries.of(true, true, false), Arbitraries.of(EventType.TIMER, EventType.USER),
                Arbitraries.longs().between(-40, 40)).as(Step::new).list().ofMaxSize(400);
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
        for (long id = -40; id <= 40; id++) {
            for (EventType t : List.of(EventType.TIMER, EventType.USER)) {
                assertThat(table.get(t, id)).isSameAs(model.get(t + "/" + id));
            }
        }
    }
}
