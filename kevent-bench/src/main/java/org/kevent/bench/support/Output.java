package org.kevent.bench.support;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where a side-by-side runner prints and records: the parts of the benchmark report
 * ({@code org.kevent.bench.Report}, which stays private to its package) that the runners in
 * sub-packages use.
 *
 * @param header prints the benchmark's title line (name, what it measures) and the machine line
 * @param metric records one value for {@code --json}
 * @param note   prints one line
 * @param table  prints a table: the first row is the header, the first column left-aligned
 */
public record Output(BiConsumer<String, String> header, MetricSink metric, Consumer<String> note,
                     Consumer<List<String[]>> table) {
    /** Records one value for {@code --json}. */
    @FunctionalInterface
    public interface MetricSink {
        /**
         * @param variant what was measured, e.g. {@code kevent/sendfile}
         * @param metric  which figure, e.g. {@code bytes_per_s_round1}
         * @param value   the figure; NaN is written as null
         * @param unit    its unit
         */
        void metric(String variant, String metric, double value, String unit);
    }
}
