package org.kevent.internal.portable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The descriptor-number map answers as a {@link HashMap} does, through growth and through
 * deletions in the middle of probe runs (where a naive hole would end a later lookup early).
 */
class NumberMapTest {
    @Test
    void agreesWithAHashMapOverMixedOperationsOnCollidingKeys() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            NumberMap<Integer> map = new NumberMap<>();
            Map<Integer, Integer> model = new HashMap<>();
            for (int op = 0; op < 5_000; op++) {
                // Few distinct keys, some near the descriptor numbers and some negative: long runs.
                int key = random.nextInt(3) == 0 ? -random.nextInt(40) : PortableDescriptor.FIRST_NUMBER + random.nextInt(200);
                switch (random.nextInt(3)) {
                    case 0 -> {
                        map.put(key, op);
                        model.put(key, op);
                    }
                    case 1 -> assertThat(map.remove(key)).as("seed %d op %d remove %d", seed, op, key).isEqualTo(model.remove(key));
                    default -> assertThat(map.get(key)).as("seed %d op %d get %d", seed, op, key).isEqualTo(model.get(key));
                }
                assertThat(map.size()).isEqualTo(model.size());
            }
            for (Map.Entry<Integer, Integer> e : model.entrySet()) {
                assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
            }
            map.clear();
            assertThat(map.size()).isZero();
            assertThat(map.get(PortableDescriptor.FIRST_NUMBER)).isNull();
        }
    }
}
