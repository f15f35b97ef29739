package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The capacities an {@link EventBuffer} accepts (issue 12, point 9), and what its typed accessors refuse. */
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
    void aTypedAccessorRefusesAnEventOfAnotherTypeNamingBoth() {
        EventBuffer out = new EventBuffer(4);
        try (KeventQueue queue = KeventQueue.open()) {
            queue.add(Ukevent.user(1));
            queue.trigger(1);
            assertThat(queue.poll(out)).isEqualTo(1);
        }
        assertThat(out.triggers(0)).isEqualTo(1);
        assertThatThrownBy(() -> out.expirations(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("USER").hasMessageContaining("expirations").hasMessageContaining("TIMER");
        List<ThrowingCallable> others = List.of(() -> out.fireTime(0), () -> out.socketError(0),
                () -> out.renameCookie(0), () -> out.unwatchedErrno(0), () -> out.foundByScan(0),
                () -> out.aioResult(0), () -> out.aioTransferred(0), () -> out.lentBufferId(0));
        for (ThrowingCallable read : others) {
            assertThatThrownBy(read).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("USER");
        }
        assertThatThrownBy(() -> out.triggers(1)).as("past the events handed out")
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void theCapItselfAndOneAreAccepted() {
        assertThat(new EventBuffer(EventBuffer.MAX_CAPACITY).capacity()).isEqualTo(1 << 20);
        assertThat(new EventBuffer(1).capacity()).isEqualTo(1);
    }
}
