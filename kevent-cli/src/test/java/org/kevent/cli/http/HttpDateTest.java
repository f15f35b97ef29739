package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * The Date line follows the wall clock second by second while reading it at most once per second
 * of the monotonic time the server passes in (RFC 9110 6.6.1: the origin's best approximation).
 */
class HttpDateTest {
    private final AtomicLong wall = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();
    private final HttpDate date = new HttpDate(() -> {
        reads.incrementAndGet();
        return wall.get();
    });

    private String line() {
        return new String(date.line, US_ASCII);
    }

    @Test
    void theLineNamesTheWallClocksSecondInImfFixdate() {
        wall.set(1_796_000_000_000L + 999);   // 2026-11-30T00:53:20.999Z
        date.refresh(0);
        assertThat(line()).isEqualTo("Date: Mon, 30 Nov 2026 00:53:20 GMT\r\n");
        assertThat(new String(date.plaintext, US_ASCII)).contains(line()).endsWith("\r\n\r\nHello, World!");
    }

    @Test
    void refreshesWithinTheSameSecondReadTheWallClockOnce() {
        wall.set(1_796_000_000_000L + 200);
        date.refresh(5_000_000_000L);
        for (long ns = 0; ns < 800_000_000L; ns += 100_000_000L) {
            date.refresh(5_000_000_000L + ns);
        }
        assertThat(reads).hasValue(1);
        assertThat(line()).contains("00:53:20");
    }

    @Test
    void theNextSecondIsReadWhenTheMonotonicTimeReachesIt() {
        wall.set(1_796_000_000_000L + 999);
        date.refresh(7_000_000_000L);
        wall.set(1_796_000_000_000L + 1_000);
        date.refresh(7_000_000_000L + 999_999);   // 1 ms to the second: not there yet
        assertThat(line()).contains("00:53:20");
        date.refresh(7_000_000_000L + 1_000_000);
        assertThat(line()).contains("00:53:21");
        assertThat(reads).hasValue(2);
    }

    @Test
    void aWallClockStepIsSeenAtTheNextSecondAtTheLatest() {
        wall.set(1_796_000_000_000L);
        date.refresh(0);
        wall.set(1_796_000_000_000L + 3_600_000);   // stepped an hour ahead
        date.refresh(999_999_999L);
        assertThat(line()).contains("00:53:20");
        date.refresh(1_000_000_000L);
        assertThat(line()).contains("01:53:20");
    }

    @Test
    void monotonicTimeThatWrapsPastLongMaxStillReadsAtTheNextSecond() {
        wall.set(1_796_000_000_000L + 500);
        date.refresh(Long.MAX_VALUE - 100_000_000L);
        wall.set(1_796_000_000_000L + 1_000);
        date.refresh(Long.MAX_VALUE - 100_000_000L + 500_000_000L);   // wraps to a negative value
        assertThat(line()).contains("00:53:21");
    }
}
