package org.kevent.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipFile;

import org.kevent.bench.support.Host;
import org.kevent.bench.support.Jmh;
import org.kevent.bench.support.ServerProcess;
import org.kevent.bench.support.Spread;

/**
 * {@code kevent bench engine --baseline JAR [--rounds N] [--quick]}: the trigger/deliver benchmarks
 * of {@link EngineBenchmark}, run by a baseline bench jar (built from another commit) and by this
 * build in turn, round after round, so a change is judged by paired ratios rather than by two
 * runs made minutes or days apart.
 *
 * <h2>Semantics</h2>
 * Each round runs both sides, each as its own {@code java -cp JAR org.openjdk.jmh.Main} (1 fork,
 * {@code -prof gc}, 3 warm-up + 5 measured iterations of 1 s, or 1 + 2 with {@code --quick}) on
 * the JDK running this class; odd rounds run the baseline first, even rounds this build first, so
 * neither side always gets the cooler or the warmer machine. This build runs from its own jar, the
 * same way as the baseline, not through the Runner API. Per benchmark and round the ratio is this
 * build's score over the baseline's of the same round; the summary is their median (min..max).
 * The two-thread group's score is the consumer's delivered events/s, as in the normal table.
 * A run that fails, or leaves out a benchmark, leaves NaN for that side and round, and the round
 * out of the ratios.
 *
 * <h2>Caveats</h2>
 * JMH's output and the result files stay in a temporary directory printed at the start (and named
 * in the progress lines on stderr) for a look at a surprising round; nothing deletes it.
 */
final class EnginePaired {
    /** The benchmarks a before/after comparison is about, in table order. */
    static final List<String> METHODS = List.of("triggerDeliverOneThread", "triggerDeliverOneThreadB1",
            "triggerDeliverTwoThreads");

    /** JMH's command-line entry point: what makes a jar runnable as one side. */
    static final String JMH_MAIN = "org/openjdk/jmh/Main.class";

    static final int DEFAULT_ROUNDS = 5;

    /** The two sides of each pair. */
    enum Side {
        BASELINE("baseline"),
        NEW("new");

        final String key;

        Side(String key) {
            this.key = key;
        }
    }

    private EnginePaired() {
    }

    static void run(Report report, BenchMain.Options options) throws Exception {
        options.allowOnly("baseline", "rounds", "quick");
        Path baseline = baselineJar(options.values().get("baseline"));
        int rounds = options.intOption("rounds", DEFAULT_ROUNDS);
        Jmh.Iterations it = Jmh.Iterations.of(options.flag("quick"));
        int warmups = it.warmups();
        int measurements = it.measurements();
        String java = Host.java();
        String own = ownClassPath();
        Path dir = Files.createTempDirectory("kevent-engine-paired-");

        Instant start = Instant.now();
        String loadAtStart = Host.loadAverage();
        report.header("engine", "paired, baseline jar vs this build: " + rounds + " rounds, order alternating, each side"
                + " JMH in its own JVM, " + it.describe());
        report.note("baseline: " + baseline);
        report.note("new:      " + own);
        report.note("JMH output and result files in " + dir);
        report.note("");

        Pairs pairs = new Pairs(METHODS, rounds);
        int run = 0;
        for (int r = 0; r < rounds; r++) {
            for (Side side : order(r)) {
                run++;
                String tag = "round" + (r + 1) + "-" + side.key;
                System.err.println("engine --baseline: round " + (r + 1) + "/" + rounds + ", " + side.key + " (run " + run
                        + " of " + 2 * rounds + "); log " + dir.resolve(tag + ".log"));
                Map<String, EngineRunner.Figure> figures = runSide(side == Side.BASELINE ? baseline.toString() : own,
                        java, warmups, measurements, dir.resolve(tag + ".json"), dir.resolve(tag + ".log"));
                pairs.put(r, side, figures);
            }
        }
        String loadAtEnd = Host.loadAverage();

        print(report, pairs);
        report.note("machine: " + Report.machineLine(ZonedDateTime.ofInstant(start, ZoneOffset.UTC)) + " to "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ", load average " + loadAtStart + " at start, "
                + loadAtEnd + " at end");
        report.note("");
        record(report, pairs);
        report.metric("settings", "baseline " + baseline, 1, "flag");
        report.metric("settings", "rounds", rounds, "rounds");
        report.metric("settings", "warmup_iterations", warmups, "iterations");
        report.metric("settings", "measured_iterations", measurements, "iterations");
        report.metric("machine", "machine " + Report.machineLine(ZonedDateTime.ofInstant(start, ZoneOffset.UTC)), 1, "flag");
        report.metric("machine", "cores", Runtime.getRuntime().availableProcessors(), "cores");
        report.metric("machine", "load_average_1m_start", firstNumber(loadAtStart), "load");
        report.metric("machine", "load_average_1m_end", firstNumber(loadAtEnd), "load");
    }

    /**
     * @param round the round, from 0
     * @return the order of the sides in that round: the baseline first in rounds 1, 3, 5 ...
     */
    static List<Side> order(int round) {
        return round % 2 == 0 ? List.of(Side.BASELINE, Side.NEW) : List.of(Side.NEW, Side.BASELINE);
    }

    /**
     * Checks the {@code --baseline} value before anything runs.
     *
     * @param value the option's value; "true" when {@code --baseline} came without one
     * @return the jar, absolute
     * @throws BenchMain.UsageException if it is missing, unreadable, not a jar, or has no JMH entry point
     */
    static Path baselineJar(String value) {
        if (value == null || (value.equals("true") && !Files.exists(Path.of(value)))) {
            throw new BenchMain.UsageException("--baseline needs a JAR: the kevent-bench-all.jar of the build to compare with");
        }
        Path jar = Path.of(value).toAbsolutePath();
        if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
            throw new BenchMain.UsageException("--baseline " + value + ": no such readable file");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            if (zip.getEntry(JMH_MAIN) == null) {
                throw new BenchMain.UsageException("--baseline " + value + " has no " + JMH_MAIN
                        + ": not a kevent-bench-all.jar (kevent-bench/target/ after mvn package)");
            }
        } catch (IOException e) {
            throw new BenchMain.UsageException("--baseline " + value + " is not a readable JAR: " + e.getMessage());
        }
        return jar;
    }

    /**
     * The class path this build's side runs with: the jar this class was loaded from, so both sides
     * start the same way; when run from a classes directory (an IDE, a test), this JVM's class path.
     */
    static String ownClassPath() {
        try {
            Path self = Path.of(EnginePaired.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self)) {
                return self.toAbsolutePath().toString();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the class path
        }
        return Host.classPath();
    }

    /**
     * The command line of one side's run.
     *
     * @param java      the {@code java} executable
     * @param classPath the side's bench jar
     * @param json      where JMH writes its result
     */
    static List<String> command(String java, String classPath, int warmups, int measurements, Path json) {
        return List.of(java, "-cp", classPath, "org.openjdk.jmh.Main", regex(),
                // The Linux engine only: a pairing against a jar before the portable engine.
                "-p", "queueEngine=linux",
                "-f", "1", "-wi", Integer.toString(warmups), "-i", Integer.toString(measurements),
                "-w", "1s", "-r", "1s", "-prof", "gc",
                "-jvmArgs", "--enable-native-access=ALL-UNNAMED -Xmx1g",
                "-rf", "json", "-rff", json.toString());
    }

    /** @return the JMH include pattern matching exactly {@link #METHODS} */
    static String regex() {
        return "^" + EngineBenchmark.class.getName().replace(".", "\\.") + "\\.(" + String.join("|", METHODS) + ")$";
    }

    /**
     * Runs one side to completion, its output to {@code log}.
     *
     * @return its figures, empty if the run failed (said on stderr)
     */
    private static Map<String, EngineRunner.Figure> runSide(String classPath, String java, int warmups,
                                                            int measurements, Path json, Path log) throws Exception {
        ServerProcess p = ServerProcess.start(command(java, classPath, warmups, measurements, json), log);
        int status = p.awaitExit();
        String problem;
        if (status != 0) {
            problem = "exited with status " + status + ": " + p.logTail();
        } else if (!Files.isRegularFile(json)) {
            problem = "wrote no " + json.getFileName() + ": " + p.logTail();
        } else {
            try {
                Map<String, EngineRunner.Figure> figures = JmhJson.figures(Files.readString(json));
                List<String> missing = METHODS.stream().filter(m -> !figures.containsKey(m)).toList();
                if (missing.isEmpty()) {
                    return figures;
                }
                // A baseline without one of the benchmarks still pairs on the others.
                System.err.println("engine --baseline: the run has no result for " + String.join(", ", missing)
                        + " (see " + log + ")");
                return figures;
            } catch (IllegalArgumentException e) {
                problem = "left an unreadable " + json + ": " + e.getMessage();
            }
        }
        System.err.println("engine --baseline: the run " + problem + "; its figures count as missing");
        return Map.of();
    }

    /** Prints one table per benchmark: each round's pair and ratio, then the median ratio and its range. */
    private static void print(Report report, Pairs pairs) {
        for (String method : pairs.methods()) {
            EngineRunner.Target target = EngineRunner.target(method);
            Report.Table t = report.table(target.label() + " — round", "first", "baseline", "new", "unit",
                    "baseline B/op", "new B/op", "new/baseline");
            double[] base = pairs.scores(method, Side.BASELINE);
            double[] next = pairs.scores(method, Side.NEW);
            double[] ratios = pairs.ratios(method);
            for (int r = 0; r < pairs.rounds(); r++) {
                t.row(Integer.toString(r + 1), order(r).getFirst().key, Report.grouped(base[r]), Report.grouped(next[r]),
                        target.unit(), bytes(pairs.allocs(method, Side.BASELINE)[r]),
                        bytes(pairs.allocs(method, Side.NEW)[r]), Double.isFinite(ratios[r]) ? Report.ratio(ratios[r]) : "n/a");
            }
            Spread ratio = pairs.ratio(method);
            t.row("median (min..max), " + ratio.n() + " of " + pairs.rounds() + " rounds", "",
                    Report.grouped(Spread.of(base).median()), Report.grouped(Spread.of(next).median()), target.unit(),
                    "", "", ratio.ratio());
            t.print();
        }
        report.note("new/baseline: each round's new score over the same round's baseline score; median (min..max) over the"
                + " rounds where both ran. first: the side that ran first in the round.");
        report.note("Two threads: the score is the consumer's delivered events/s, its B/op bytes per delivered event."
                + " B/op: gc.alloc.rate.norm.");
    }

    /** Records every figure for {@code --json}, per benchmark: rounds of each side, ratios and their summary. */
    static void record(Report report, Pairs pairs) {
        for (String method : pairs.methods()) {
            String unit = EngineRunner.target(method).unit();
            for (Side side : Side.values()) {
                double[] scores = pairs.scores(method, side);
                double[] allocs = pairs.allocs(method, side);
                for (int r = 0; r < pairs.rounds(); r++) {
                    report.metric(method, "score_" + side.key + "_round" + (r + 1), scores[r], unit);
                    report.metric(method, "alloc_norm_" + side.key + "_round" + (r + 1), allocs[r], "B/op");
                }
                report.metric(method, "score_" + side.key + "_median", Spread.of(scores).median(), unit);
            }
            double[] ratios = pairs.ratios(method);
            for (int r = 0; r < pairs.rounds(); r++) {
                report.metric(method, "ratio_round" + (r + 1), ratios[r], "x");
            }
            Spread ratio = pairs.ratio(method);
            report.metric(method, "ratio_median", ratio.median(), "x");
            report.metric(method, "ratio_min", ratio.min(), "x");
            report.metric(method, "ratio_max", ratio.max(), "x");
            report.metric(method, "ratio_rounds", ratio.n(), "rounds");
        }
    }

    private static String bytes(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** @return the first of the load averages ({@code "0.52 0.61 0.70"}), or NaN */
    private static double firstNumber(String loadAverage) {
        try {
            return Double.parseDouble(loadAverage.split(" ")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * Every figure of a paired run: per benchmark, side and round, the score and the bytes per
     * operation; NaN until a run of that side and round reports them.
     */
    static final class Pairs {
        private final List<String> methods;
        private final int rounds;
        /** [method][side][round] for scores and for allocation. */
        private final Map<String, double[][]> scores = new LinkedHashMap<>();
        private final Map<String, double[][]> allocs = new LinkedHashMap<>();

        Pairs(List<String> methods, int rounds) {
            this.methods = List.copyOf(methods);
            this.rounds = rounds;
            for (String m : methods) {
                scores.put(m, nans(rounds));
                allocs.put(m, nans(rounds));
            }
        }

        private static double[][] nans(int rounds) {
            double[][] v = new double[Side.values().length][rounds];
            for (double[] side : v) {
                Arrays.fill(side, Double.NaN);
            }
            return v;
        }

        /** Records one run's figures; benchmarks it did not report stay NaN, ones not compared are ignored. */
        void put(int round, Side side, Map<String, EngineRunner.Figure> figures) {
            for (String m : methods) {
                EngineRunner.Figure f = figures.get(m);
                if (f != null) {
                    scores.get(m)[side.ordinal()][round] = f.score();
                    allocs.get(m)[side.ordinal()][round] = f.alloc();
                }
            }
        }

        List<String> methods() {
            return methods;
        }

        int rounds() {
            return rounds;
        }

        double[] scores(String method, Side side) {
            return scores.get(method)[side.ordinal()].clone();
        }

        double[] allocs(String method, Side side) {
            return allocs.get(method)[side.ordinal()].clone();
        }

        /** @return each round's new score over its baseline score (NaN or infinite where one is missing) */
        double[] ratios(String method) {
            double[] base = scores(method, Side.BASELINE);
            double[] next = scores(method, Side.NEW);
            double[] r = new double[rounds];
            for (int k = 0; k < rounds; k++) {
                r[k] = next[k] / base[k];
            }
            return r;
        }

        /** @return the median (min..max) of the per-round ratios, over the rounds where both sides ran */
        Spread ratio(String method) {
            return Spread.paired(scores(method, Side.NEW), scores(method, Side.BASELINE));
        }
    }
}
