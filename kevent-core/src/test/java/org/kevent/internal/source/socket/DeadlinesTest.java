package org.kevent.internal.source.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The blocking socket calls' timeouts as deadlines, one rule for both engines: negative and
 * too-long timeouts wait without a limit, zero tries once (a deadline of now), and no real
 * deadline reads as "none".
 */
class DeadlinesTest {
    @Test
    void aNegativeTimeoutHasNoLimit() {
        assertThat(Deadlines.of(Duration.ofNanos(-1))).isEqualTo(Deadlines.NONE);
        assertThat(Deadlines.of(Duration.ofSeconds(Long.MIN_VALUE))).isEqualTo(Deadlines.NONE);
    }

    @Test
    void aTimeoutTooLongForTheClockHasNoLimitRatherThanOverflowing() {
        assertThat(Deadlines.of(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Deadlines.NONE);
        assertThat(Deadlines.of(Duration.ofNanos(Long.MAX_VALUE / 2 + 1))).isEqualTo(Deadlines.NONE);
    }

    @Test
    void aTimeoutIsThatLongAfterNow() {
        long before = System.nanoTime();
        long zero = Deadlines.of(Duration.ZERO);
        long second = Deadlines.of(Duration.ofSeconds(1));
        long after = System.nanoTime();
        assertThat(zero - before).isNotNegative();
        assertThat(after - zero).isNotNegative();
        assertThat(second - before).isGreaterThanOrEqualTo(1_000_000_000L);
        assertThat(second - after).isLessThanOrEqualTo(1_000_000_000L);
        assertThat(Deadlines.of(Duration.ofNanos(Long.MAX_VALUE / 2))).isNotEqualTo(Deadlines.NONE);
    }

    @Test
    void aNullTimeoutIsRefused() {
        assertThatThrownBy(() -> Deadlines.of(null)).isInstanceOf(NullPointerException.class);
    }
}
