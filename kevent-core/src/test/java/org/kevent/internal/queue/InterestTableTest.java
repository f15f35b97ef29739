package org.kevent.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kevent.EventType;
import org.kevent.testing.PropertyChecks;
import org.kevent.testing.PropertyChecks.Choices;

/**
 * The (type, id) table agrees with a HashMap under random inserts and removals (QuickTheories, 300
 * runs of up to 600 steps from a fixed seed; {@code -Dkevent.seed=N} for others).
 */
class InterestTableTest {

    record Step(boolean insert, EventType type, long id) {
    }

    private static Step step(Choices c) {
        boolean insert = c.between(0, 2) < 2;
        EventType type = c.pick(EventType.TIMER, EventType.USER);
        // Narrow negative ids make long probe runs and backward shifts in the hash part; growing
        // positive ids move entries from the hash part into the direct arrays as they grow.
        long id = switch (c.weighted(3, 2, 1)) {
            case 0 -> c.between(-40L, 40L);
            case 1 -> c.between(1_000L, 5_000L);
            default -> c.between(Long.MAX_VALUE - 5, Long.MAX_VALUE);
        };
        return new Step(insert, type, id);
    }

    @Test
    void agreesWithAHashMap() {
        PropertyChecks.check(42L, 300, c -> PropertyChecks.sequence(c, 1, 600, InterestTableTest::step),
                steps -> agreesWithAHashMap(steps.steps()));
    }

    private static void agreesWithAHashMap(List<Step> steps) {
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
