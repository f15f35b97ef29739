package org.kevent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.kevent.bench.support.Spread;

class InodeBenchTest {

    /** A latency run whose every delivery took {@code deliveryMicros} and every call {@code callMicros}. */
    private static InodeBench.Latency run(long deliveryMicros, long callMicros, long clamped) {
        Histogram delivery = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Histogram call = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int k = 0; k < 100; k++) {
            delivery.recordValue(deliveryMicros * 1_000);
            call.recordValue(callMicros * 1_000);
        }
        return new InodeBench.Latency(delivery, call, clamped);
    }

    @Test
    void theRatioIsKeventsRoundOverWatchServicesSameRound() {
        InodeBench.LatencyRounds rounds = new InodeBench.LatencyRounds(3);
        long[] kevent = {10, 100, 40};
        long[] watch = {100, 50, 40};
        for (int r = 0; r < 3; r++) {
            rounds.put(InodeBench.LatencyRounds.KEVENT, r, run(kevent[r], 5, 0));
            rounds.put(InodeBench.LatencyRounds.WATCH, r, run(watch[r], 5, 0));
        }
        Spread p99 = rounds.paired(99);
        // Per round 0.1, 2 and 1: median 1, whereas the medians' ratio would be 40 / 50 = 0.8.
        assertThat(p99.n()).isEqualTo(3);
        assertThat(p99.median()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(p99.min()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));
        assertThat(p99.max()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void percentilesAndCallTimesAreReportedPerRoundInMicroseconds() {
        InodeBench.LatencyRounds rounds = new InodeBench.LatencyRounds(2);
        rounds.put(InodeBench.LatencyRounds.KEVENT, 0, run(20, 7, 1));
        rounds.put(InodeBench.LatencyRounds.KEVENT, 1, run(30, 9, 2));
        assertThat(rounds.micros(InodeBench.LatencyRounds.KEVENT, 50))
                .containsExactly(new double[] {20, 30}, org.assertj.core.data.Offset.offset(0.1));
        assertThat(rounds.callMicros(InodeBench.LatencyRounds.KEVENT))
                .containsExactly(new double[] {7, 9}, org.assertj.core.data.Offset.offset(0.1));
        assertThat(rounds.micros(InodeBench.LatencyRounds.KEVENT, 100))
                .containsExactly(new double[] {20, 30}, org.assertj.core.data.Offset.offset(0.1));
        assertThat(rounds.clamped(InodeBench.LatencyRounds.KEVENT)).isEqualTo(3);
    }

    @Test
    void aSideWithoutRoundsGivesNoRatioRatherThanAFigure() {
        InodeBench.LatencyRounds rounds = new InodeBench.LatencyRounds(2);
        rounds.put(InodeBench.LatencyRounds.KEVENT, 0, run(20, 7, 0));
        assertThat(rounds.micros(InodeBench.LatencyRounds.WATCH, 99)).containsOnly(Double.NaN);
        assertThat(rounds.paired(99).n()).isZero();
        assertThat(rounds.paired(99).ratio()).isEqualTo("n/a");
    }
}
