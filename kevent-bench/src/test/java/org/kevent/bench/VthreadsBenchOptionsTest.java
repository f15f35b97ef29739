package org.kevent.bench;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Bad command lines of {@code bench vthreads} end before anything is measured or printed. */
class VthreadsBenchOptionsTest {
    /** Runs {@code bench vthreads} with {@code options}; expects a usage error saying {@code message}, nothing printed. */
    private static void refused(Map<String, String> options, String message) {
        Refusals.refused(VthreadsBench::run, options, message);
    }

    @Test
    void httpOnlyWithNoHttpLeavesNothingToRun() {
        refused(Map.of("http-only", "true", "no-http", "true"), "leave nothing to run");
    }

    @Test
    void aBaselineIsForThePinningPartThatHttpOnlySkips() {
        refused(Map.of("http-only", "true", "baseline", "/some.jar"), "--http-only skips");
    }

    @Test
    void aBadHttpOptionIsAUsageErrorBeforeThePinningPartRuns() {
        refused(Map.of("threads", "3"), "--threads takes 1, 2 or both, got 3");
        refused(Map.of("duration", "0.5s"), "--duration expects whole seconds");
        refused(Map.of("warmup", "0"), "--warmup must be at least 1 s");
        refused(Map.of("rounds", "0"), "--rounds must be at least 1");
    }

    @Test
    void anOptionOfBenchHttpThatVthreadsDoesNotTakeIsRejected() {
        refused(Map.of("only", "evserver"), "unknown option --only");
        refused(Map.of("no-htttp", "true"), "unknown option --no-htttp");
    }
}
