package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EpollEventArrayTest {

    @Test
    void capacityOutsideOneTo65536IsRejected() {
        assertThatThrownBy(() -> new EpollEventArray(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> new EpollEventArray(65_537))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65537");
        try (EpollEventArray largest = new EpollEventArray(65_536)) {
            assertThat(largest.capacity()).isEqualTo(65_536);
        }
    }

    @Test
    void indexOutsideTheCapacityThrowsIndexOutOfBounds() {
        try (EpollEventArray array = new EpollEventArray(4)) {
            assertThatThrownBy(() -> array.events(-1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> array.events(4)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> array.data(4)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(array.events(3)).isZero();
            assertThat(array.data(3)).isZero();
        }
    }

    @Test
    void useAfterCloseThrowsIllegalStateInsteadOfReadingFreedMemory() {
        EpollEventArray array = new EpollEventArray(4);
        array.close();
        assertThatThrownBy(() -> array.events(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> array.data(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingTwiceIsHarmless() {
        EpollEventArray array = new EpollEventArray(4);
        array.close();
        assertThatCode(array::close).doesNotThrowAnyException();
        assertThat(array.capacity()).isEqualTo(4);
    }
}
