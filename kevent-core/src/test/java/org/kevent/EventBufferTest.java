package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The capacities an {@link EventBuffer} accepts (issue 12, point 9). */
class EventBufferTest {

    @ParameterizedTest
    @ValueSource(ints = {EventBuffer.MAX_CAPACITY + 1, 1 << 24, Integer.MAX_VALUE})
    void aCapacityAboveTheCapIsAnIllegalArgumentNotAnOutOfMemoryError(int capacity) {
        assertThatThrownBy(() -> new EventBuffer(capacity))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.toString(capacity))
                .hasMessageContaining(Integer.toString(EventBuffer.MAX_CAPACITY));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void aCapacityBelowOneIsAnIllegalArgument(int capacity) {
        assertThatThrownBy(() -> new EventBuffer(capacity))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }

    @Test
    void theCapItselfAndOneAreAccepted() {
        assertThat(new EventBuffer(EventBuffer.MAX_CAPACITY).capacity()).isEqualTo(1 << 20);
        assertThat(new EventBuffer(1).capacity()).isEqualTo(1);
    }
}
