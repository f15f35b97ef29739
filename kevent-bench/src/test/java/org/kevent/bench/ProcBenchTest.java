package org.kevent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code bench proc}: its percentiles, and bad command lines refused before any child starts. */
class ProcBenchTest {
    private static void refused(Map<String, String> options, String message) {
        Refusals.refused(ProcBench::run, options, message);
    }

    @Test
    void roundsMustAlternateHandleAndProcess() {
        refused(Map.of("rounds", "3"), "--rounds must be even");
        refused(Map.of("rounds", "0"), "--rounds must be at least 1");
    }

    @Test
    void anUnknownOptionIsRefused() {
        refused(Map.of("childs", "10"), "unknown option --childs");
    }

    @Test
    void percentilesAreNearestRankAndTakeNegativeDifferences() {
        long[] v = {5, -3, 1, 9, 7, 2, 8, 4, 6, 3};
        assertThat(ProcBench.percentile(v, 50)).isEqualTo(4);
        assertThat(ProcBench.percentile(v, 99)).isEqualTo(9);
        assertThat(ProcBench.percentile(v, 100)).isEqualTo(9);
        assertThat(ProcBench.percentile(v, 1)).isEqualTo(-3);
        assertThat(ProcBench.percentile(new long[0], 50)).isNaN();
        assertThat(v[0]).as("the caller's array is left as it was").isEqualTo(5);
    }
}
