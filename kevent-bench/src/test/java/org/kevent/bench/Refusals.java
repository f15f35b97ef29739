package org.kevent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;

/** Checks that a benchmark refuses a command line before it measures or prints anything. */
final class Refusals {
    /** A benchmark's entry point, as {@link BenchMain} calls it. */
    @FunctionalInterface
    interface Bench {
        void run(Report report, BenchMain.Options options) throws Exception;
    }

    private Refusals() {
    }

    /** Runs {@code bench} with {@code options}; expects a usage error saying {@code message}, nothing printed. */
    static void refused(Bench bench, Map<String, String> options, String message) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertThatThrownBy(() -> bench.run(new Report(new PrintStream(printed)), new BenchMain.Options(null, options)))
                .isInstanceOf(BenchMain.UsageException.class).hasMessageContaining(message);
        assertThat(printed.size()).as("printed before the refusal").isZero();
    }
}
