package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class DescriptorLayoutTest {

    private static final boolean AMD64 = EpollEvent.isX86_64(System.getProperty("os.arch"));

    @Test
    void epollEventIsPackedTwelveBytesOnX86_64AndSixteenElsewhere() {
        if (AMD64) {
            assertThat(EpollEvent.SIZE).isEqualTo(12);
            assertThat(EpollEvent.DATA_OFFSET).isEqualTo(4);
        } else {
            assertThat(EpollEvent.SIZE).isEqualTo(16);
            assertThat(EpollEvent.DATA_OFFSET).isEqualTo(8);
        }
        assertThat(EpollEvent.EVENTS_OFFSET).isZero();
        assertThat(EpollEvent.LAYOUT.byteSize()).isEqualTo(EpollEvent.SIZE);
    }

    @Test
    void recognisesBothSpellingsOfX86_64AndNothingElse() {
        assertThat(EpollEvent.isX86_64("amd64")).isTrue();
        assertThat(EpollEvent.isX86_64("x86_64")).isTrue();
        assertThat(EpollEvent.isX86_64("aarch64")).isFalse();
        assertThat(EpollEvent.isX86_64("riscv64")).isFalse();
        assertThat(EpollEvent.isX86_64(null)).isFalse();
    }

    @Test
    void timespecIsTwoLongsInSixteenBytes() {
        assertThat(Timespec.SIZE).isEqualTo(16);
        assertThat(Timespec.TV_SEC_OFFSET).isZero();
        assertThat(Timespec.TV_NSEC_OFFSET).isEqualTo(8);
    }

    @Test
    void itimerspecIsIntervalThenValueInThirtyTwoBytes() {
        assertThat(Itimerspec.SIZE).isEqualTo(32);
        assertThat(Itimerspec.IT_INTERVAL_OFFSET).isZero();
        assertThat(Itimerspec.IT_VALUE_OFFSET).isEqualTo(16);
    }

    @Test
    void epollEventAccessorsRoundTripEveryBitOfTheDataWordAtEveryIndex() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(EpollEvent.SIZE * 3);
            for (int i = 0; i < 3; i++) {
                EpollEvent.set(array, i, Epoll.EPOLLET | i, 0xDEADBEEF_CAFEBABEL + i);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(EpollEvent.events(array, i)).isEqualTo(Epoll.EPOLLET | i);
                assertThat(EpollEvent.data(array, i)).isEqualTo(0xDEADBEEF_CAFEBABEL + i);
            }
        }
    }

    @Test
    void timespecKeepsNanosecondsInRangeForNegativeDurations() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(Timespec.LAYOUT);
            Timespec.set(ts, 0, 2_500_000_001L);
            assertThat(ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)).isEqualTo(2);
            assertThat(ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8)).isEqualTo(500_000_001);
            assertThat(Timespec.get(ts, 0)).isEqualTo(2_500_000_001L);
            Timespec.set(ts, 0, -1);
            assertThat(ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)).isEqualTo(-1);
            assertThat(ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8)).isEqualTo(999_999_999);
        }
    }
}
