package org.kevent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Bad command lines of {@code bench vthreads} end before anything is measured or printed. */
class VthreadsBenchOptionsTest {
    /** Runs {@code bench vthreads} with {@code options}; expects a usage error saying {@code message}, nothing printed. */
    private static void refused(Map<String, String> options, String message) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertThatThrownBy(() -> VthreadsBench.run(new Report(new PrintStream(printed)), new BenchMain.Options(null, options)))
                .isInstanceOf(BenchMain.UsageException.class).hasMessageContaining(message);
        assertThat(printed.size()).as("printed before the refusal").isZero();
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
