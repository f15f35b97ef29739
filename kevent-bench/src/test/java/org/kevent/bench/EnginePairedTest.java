package org.kevent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.bench.EnginePaired.Pairs;
import org.kevent.bench.EnginePaired.Side;
import org.kevent.bench.support.Spread;

class EnginePairedTest {
    private static final String TWO = "triggerDeliverTwoThreads";

    /** Three rounds read from JMH JSON as a run leaves it; the new build 10%, 20% and 5% faster on two threads. */
    private static Pairs threeRounds() {
        Pairs p = new Pairs(EnginePaired.METHODS, 3);
        double[] baseEvents = {5e6, 6e6, 4e6};
        double[] newEvents = {5.5e6, 7.2e6, 4.2e6};
        for (int r = 0; r < 3; r++) {
            p.put(r, Side.BASELINE, JmhJson.figures(JmhJsonTest.sample(1.5e8, 3e7, 1e7, baseEvents[r], 0.016)));
            p.put(r, Side.NEW, JmhJson.figures(JmhJsonTest.sample(1.5e8 * (1 + r), 3e7, 1e7, newEvents[r], 0.008)));
        }
        return p;
    }

    @Test
    void eachRoundIsNewOverTheSameRoundsBaselineAndTheSummaryIsTheirMedianAndRange() {
        Pairs p = threeRounds();
        assertThat(p.ratios(TWO)).containsExactly(new double[] {1.1, 1.2, 1.05}, within(1e-12));
        Spread s = p.ratio(TWO);
        assertThat(s.median()).isCloseTo(1.1, within(1e-12));
        assertThat(s.min()).isCloseTo(1.05, within(1e-12));
        assertThat(s.max()).isCloseTo(1.2, within(1e-12));
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.ratio()).isEqualTo("1.10× (1.05..1.20)");
        assertThat(p.ratio("triggerDeliverOneThread").ratio()).isEqualTo("2.00× (1.00..3.00)");
    }

    @Test
    void theTwoThreadPairsCompareDeliveredEventsAndKeepBytesPerDeliveredEvent() {
        Pairs p = threeRounds();
        assertThat(p.scores(TWO, Side.BASELINE)).containsExactly(5e6, 6e6, 4e6);
        assertThat(p.allocs(TWO, Side.BASELINE)[0]).isCloseTo(0.016 * 1e7 / 5e6, within(1e-15));
        assertThat(p.allocs(TWO, Side.NEW)[0]).isCloseTo(0.008 * 1e7 / 5.5e6, within(1e-15));
    }

    @Test
    void aFailedRunLeavesItsRoundOutOfTheSummaryInsteadOfCountingItAsZero() {
        Pairs p = new Pairs(EnginePaired.METHODS, 3);
        p.put(0, Side.BASELINE, JmhJson.figures(JmhJsonTest.sample(1, 1, 1e7, 5e6, 0)));
        p.put(0, Side.NEW, JmhJson.figures(JmhJsonTest.sample(1, 1, 1e7, 4e6, 0)));
        p.put(1, Side.BASELINE, Map.of()); // the baseline's run of round 2 failed
        p.put(1, Side.NEW, JmhJson.figures(JmhJsonTest.sample(1, 1, 1e7, 9e6, 0)));
        p.put(2, Side.BASELINE, JmhJson.figures(JmhJsonTest.sample(1, 1, 1e7, 5e6, 0)));
        p.put(2, Side.NEW, JmhJson.figures(JmhJsonTest.sample(1, 1, 1e7, 6e6, 0)));
        assertThat(p.ratios(TWO)[1]).isNaN();
        assertThat(p.ratio(TWO)).isEqualTo(new Spread(1.0, 0.8, 1.2, 2));
    }

    @Test
    void theOrderAlternatesBaselineFirstInOddRounds() {
        assertThat(EnginePaired.order(0)).containsExactly(Side.BASELINE, Side.NEW);
        assertThat(EnginePaired.order(1)).containsExactly(Side.NEW, Side.BASELINE);
        assertThat(EnginePaired.order(2)).containsExactly(Side.BASELINE, Side.NEW);
    }

    @Test
    void everyFigureIsRecordedForJson() {
        Report report = new Report(new PrintStream(OutputStream.nullOutputStream()));
        EnginePaired.record(report, threeRounds());
        List<Report.Metric> two = report.metrics().stream().filter(m -> m.variant().equals(TWO)).toList();
        assertThat(two).extracting(Report.Metric::metric).contains("score_baseline_round1", "score_new_round3",
                "alloc_norm_new_round2", "ratio_round2", "ratio_median", "ratio_min", "ratio_max", "ratio_rounds");
        assertThat(value(two, "score_new_round2")).isEqualTo(7.2e6);
        assertThat(value(two, "ratio_median")).isCloseTo(1.1, within(1e-12));
        assertThat(value(two, "ratio_rounds")).isEqualTo(3);
        assertThat(two).allSatisfy(m -> assertThat(m.unit()).isIn("events/s", "B/op", "x", "rounds"));
    }

    private static double value(List<Report.Metric> metrics, String name) {
        return metrics.stream().filter(m -> m.metric().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void bothSidesRunJmhMainWithTheSameFlagsAndOnlyTheThreeBenchmarksOnTheLinuxEngine() {
        List<String> cmd = EnginePaired.command("/jdk/bin/java", "/b.jar", 3, 5, Path.of("/tmp/r.json"));
        assertThat(cmd).containsExactly("/jdk/bin/java", "-cp", "/b.jar", "org.openjdk.jmh.Main", EnginePaired.regex(),
                "-p", "queueEngine=linux", "-f", "1", "-wi", "3", "-i", "5", "-w", "1s", "-r", "1s", "-prof", "gc",
                "-jvmArgs", "--enable-native-access=ALL-UNNAMED -Xmx1g", "-rf", "json", "-rff", "/tmp/r.json");
        // JMH finds the pattern in each benchmark's full name.
        Pattern p = Pattern.compile(EnginePaired.regex());
        String prefix = "org.kevent.bench.EngineBenchmark.";
        for (String m : EnginePaired.METHODS) {
            assertThat(p.matcher(prefix + m).find()).as(m).isTrue();
        }
        for (String other : List.of("timerAddCancel", "ringTriggerDeliver", "triggerDeliverOneThreadB2", "aioSendRecv")) {
            assertThat(p.matcher(prefix + other).find()).as(other).isFalse();
        }
    }

    @Test
    void aBaselineThatIsMissingOrNotABenchJarIsAUsageError(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> EnginePaired.baselineJar("true"))
                .isInstanceOf(BenchMain.UsageException.class).hasMessageContaining("--baseline needs a JAR");
        assertThatThrownBy(() -> EnginePaired.baselineJar(dir.resolve("gone.jar").toString()))
                .isInstanceOf(BenchMain.UsageException.class).hasMessageContaining("no such readable file");
        assertThatThrownBy(() -> EnginePaired.baselineJar(dir.toString()))
                .isInstanceOf(BenchMain.UsageException.class).hasMessageContaining("no such readable file");
        Path text = Files.writeString(dir.resolve("text.jar"), "not a zip");
        assertThatThrownBy(() -> EnginePaired.baselineJar(text.toString()))
                .isInstanceOf(BenchMain.UsageException.class).hasMessageContaining("not a readable JAR");
        Path plain = jar(dir.resolve("plain.jar"), "org/kevent/Kevent.class");
        assertThatThrownBy(() -> EnginePaired.baselineJar(plain.toString()))
                .isInstanceOf(BenchMain.UsageException.class).hasMessageContaining("has no org/openjdk/jmh/Main.class");
    }

    @Test
    void aJarWithJmhsMainIsAcceptedAsAnAbsolutePath(@TempDir Path dir) throws IOException {
        Path bench = jar(dir.resolve("kevent-bench-all.jar"), EnginePaired.JMH_MAIN);
        assertThat(EnginePaired.baselineJar(bench.toString())).isEqualTo(bench.toAbsolutePath());
    }

    private static Path jar(Path file, String entry) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            z.putNextEntry(new ZipEntry(entry));
            z.write(new byte[] {(byte) 0xca, (byte) 0xfe});
            z.closeEntry();
        }
        return file;
    }
}
