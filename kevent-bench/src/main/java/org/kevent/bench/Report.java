package org.kevent.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What every benchmark prints and writes: a header with the machine line, aligned tables, and the
 * flat list of measured values for {@code --json}.
 *
 * <h2>Semantics</h2>
 * A benchmark {@link #metric records} each value it measured once; {@link #writeJson} writes them
 * all as a JSON array of {@code {"variant", "metric", "value", "unit"}} objects, in recording order.
 * Tables are only what is printed: they may repeat recorded values or show ratios between them.
 *
 * <h2>Threading</h2>
 * Not thread-safe: one benchmark, one thread, one report.
 */
final class Report {
    private final PrintStream out;
    private final List<Metric> metrics = new ArrayList<>();

    /** One measured value, as written to JSON. */
    record Metric(String variant, String metric, double value, String unit) {
    }

    Report(PrintStream out) {
        this.out = out;
    }

    /**
     * Prints the benchmark's title, the machine line and the date.
     *
     * @param benchmark the benchmark name, e.g. {@code timers}
     * @param what      one line saying what it measures
     */
    void header(String benchmark, String what) {
        out.println("kevent bench " + benchmark + " — " + what);
        out.println("machine: " + machineLine());
        out.println();
    }

    /** Records a value for the JSON output. */
    void metric(String variant, String metric, double value, String unit) {
        metrics.add(new Metric(variant, metric, value, unit));
    }

    /** @return the recorded values, in order */
    List<Metric> metrics() {
        return List.copyOf(metrics);
    }

    /** Prints a note line under a table. */
    void note(String line) {
        out.println(line);
    }

    /** Starts a table; the first column is left-aligned, the others right-aligned. */
    Table table(String... columns) {
        return new Table(columns);
    }

    /**
     * Writes every recorded value as a JSON array.
     *
     * @param file where to write; replaced if it exists
     */
    void writeJson(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("[\n");
        for (int k = 0; k < metrics.size(); k++) {
            Metric m = metrics.get(k);
            sb.append("  {\"variant\": ").append(quote(m.variant()))
                    .append(", \"metric\": ").append(quote(m.metric()))
                    .append(", \"value\": ").append(number(m.value()))
                    .append(", \"unit\": ").append(quote(m.unit())).append('}')
                    .append(k + 1 < metrics.size() ? ",\n" : "\n");
        }
        sb.append("]\n");
        Files.writeString(file, sb);
        out.println("wrote " + metrics.size() + " values to " + file);
    }

    /**
     * Describes this machine: CPU model, cores, kernel, JDK and date, e.g.
     * {@code AMD EPYC, 2 cores, Linux 6.18.44, JDK 25+36 (Eclipse Adoptium), 2025-01-01T12:00+01:00}.
     *
     * @return the machine line
     */
    static String machineLine() {
        return machineLine(ZonedDateTime.now());
    }

    /**
     * The {@link #machineLine() machine line} with the date {@code at}, e.g. in UTC.
     *
     * @param at the date to show; printed to the second
     * @return the machine line
     */
    static String machineLine(ZonedDateTime at) {
        return cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, Linux "
                + firstLine(Path.of("/proc/sys/kernel/osrelease"), "?") + ", JDK " + Runtime.version()
                + " (" + System.getProperty("java.vm.vendor", "?") + "), "
                + at.withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the machine line is informative, never a reason to fail a run
        }
        return "unknown CPU";
    }

    private static String firstLine(Path file, String fallback) {
        try {
            return Files.readAllLines(file).getFirst().trim();
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String number(double v) {
        // JSON has no NaN or infinity: a value that could not be measured is null.
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    // ---------------------------------------------------------------------------------- formatting

    /** {@code 12345678.9} → {@code "12,345,679"}. */
    static String grouped(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    /** {@code 1234.5678} → {@code "1,234.6"}. */
    static String oneDecimal(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.1f", v);
    }

    /** {@code 2.3456} → {@code "2.35×"}. */
    static String ratio(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f×", v);
    }

    /** Rates in millions with two decimals: {@code 23456789} → {@code "23.46 M"}. */
    static String millions(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f M", v / 1e6);
    }

    /** Median of a copy of the values. */
    static double median(double[] values) {
        double[] s = values.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : (n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2);
    }

    static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** A table printed once all its rows are known, so columns fit their widest cell. */
    final class Table {
        private final String[] columns;
        private final List<String[]> rows = new ArrayList<>();

        private Table(String[] columns) {
            this.columns = columns;
        }

        /** Adds a row; missing cells print empty. */
        Table row(String... cells) {
            if (cells.length > columns.length) {
                throw new IllegalArgumentException("row of " + cells.length + " cells for " + columns.length + " columns");
            }
            rows.add(cells);
            return this;
        }

        /** Prints the table followed by an empty line. */
        void print() {
            int[] width = new int[columns.length];
            for (int c = 0; c < columns.length; c++) {
                width[c] = columns[c].length();
                for (String[] r : rows) {
                    width[c] = Math.max(width[c], c < r.length ? r[c].length() : 0);
                }
            }
            out.println(line(columns, width));
            for (String[] r : rows) {
                out.println(line(r, width));
            }
            out.println();
        }

        private static String line(String[] cells, int[] width) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < width.length; c++) {
                String cell = c < cells.length ? cells[c] : "";
                String pad = " ".repeat(width[c] - cell.length());
                if (c == 0) {
                    sb.append(cell).append(pad);
                } else {
                    sb.append("   ").append(pad).append(cell);
                }
            }
            return sb.toString().stripTrailing();
        }
    }
}
