package org.kevent.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.kevent.bench.support.Jmh;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * {@code kevent bench engine}: runs {@link EngineBenchmark} through {@link Jmh} (one fork,
 * the GC profiler on) and prints one table of score, error, allocation per operation and target.
 * With {@code --baseline JAR} it runs {@link EnginePaired}, a before/after comparison, instead.
 *
 * <h2>Semantics</h2>
 * Default 3 warm-up and 5 measured iterations of 1 s; {@code --quick} uses 1 and 2 (a smoke run,
 * not figures to publish). Allocation is {@code gc.alloc.rate.norm}; "≈ 0" means below
 * {@value #ZERO_ALLOC_BYTES} B per operation, which leaves room for JMH's own per-iteration noise
 * spread over millions of operations but not for one object per operation.
 */
final class EngineRunner {
    static final double ZERO_ALLOC_BYTES = 1.0;

    /** What we expect of one benchmark: a throughput floor (0 = none) and whether it must not allocate. */
    record Target(String method, String label, String unit, double minScore) {
    }

    /**
     * What the table shows of one benchmark: its score, the score's error and the bytes allocated
     * per operation, each NaN if JMH did not report it.
     */
    record Figure(double score, double error, double alloc) {
        /**
         * Reads benchmark {@code method}'s figure from JMH's primary result, its
         * {@code gc.alloc.rate.norm} and its {@code events} secondary result (NaN when absent; only
         * the two-thread group has one).
         */
        static Figure of(String method, double score, double error, double alloc, double events, double eventsError) {
            if (method.equals("triggerDeliverTwoThreads")) {
                // The group's primary score adds producer and consumer calls; the figure that
                // matters is events delivered to the consumer, and bytes per delivered event.
                return new Figure(events, eventsError, alloc * score / events);
            }
            return new Figure(score, error, alloc);
        }
    }

    private static final List<Target> TARGETS = List.of(
            new Target("triggerDeliverOneThread", "triggerDeliverOneThread (B=64)", "events/s", 20e6),
            new Target("triggerDeliverOneThreadB1", "triggerDeliverOneThreadB1 (B=1)", "events/s", 0),
            new Target("triggerDeliverTwoThreads", "triggerDeliverTwoThreads (consumer)", "events/s", 0),
            new Target("timerAddCancel", "timerAddCancel", "ops/s", 0),
            new Target("ringTriggerDeliver", "ringTriggerDeliver (B=64)", "events/s", 0),
            new Target("aioSendRecv", "aioSendRecv (1 KiB each way)", "round trips/s", 0),
            new Target("aioMultishotRecv", "aioMultishotRecv (1 KiB arrivals)", "KiB/s", 0));

    private static final String PORTABLE = "portable";

    private EngineRunner() {
    }

    static void run(Report report, BenchMain.Options options) throws Exception {
        if (options.values().containsKey("baseline")) {
            EnginePaired.run(report, options);
            return;
        }
        if (options.values().containsKey("rounds")) {
            throw new BenchMain.UsageException("--rounds goes with --baseline JAR: a single run has no rounds");
        }
        options.allowOnly("quick");
        Jmh.Iterations it = Jmh.Iterations.of(options.flag("quick"));
        report.header("engine", "JMH, " + it.describe());
        Collection<RunResult> results = Jmh.run(EngineBenchmark.class, it.warmups(), it.measurements(), 1,
                "--enable-native-access=ALL-UNNAMED", "-Xmx1g");
        print(report, results);
    }

    private static void print(Report report, Collection<RunResult> results) {
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt(r -> targetIndex(method(r))));
        Report.Table t = report.table("engine — benchmark", "score", "± error", "unit", "alloc B/op", "target", "met?");
        for (RunResult r : sorted) {
            Target target = TARGETS.get(targetIndex(method(r)));
            Map<String, Result> secondary = r.getSecondaryResults();
            Result primary = r.getPrimaryResult();
            Result events = secondary.get("events");
            Figure figure = Figure.of(target.method(), primary.getScore(), primary.getScoreError(),
                    value(secondary, "gc.alloc.rate.norm"), value(secondary, "events"),
                    events == null ? Double.NaN : events.getScoreError());
            double score = figure.score();
            double error = figure.error();
            double alloc = figure.alloc();
            String engine = r.getParams().getParam("engine");
            String queueEngine = r.getParams().getParam("queueEngine");
            String variant = variant(target.method(), engine, queueEngine);
            String label = target.label() + (engine == null ? "" : " [" + engine + "]")
                    + (PORTABLE.equals(queueEngine) ? " [portable engine]" : "");
            report.metric(variant, "score", score, target.unit());
            report.metric(variant, "score_error", error, target.unit());
            report.metric(variant, "alloc_norm", alloc, "B/op");
            if (PORTABLE.equals(queueEngine)) {
                // Shown for what a program loses off Linux; the targets are the Linux engine's.
                t.row(label, Report.grouped(score), Report.grouped(error), target.unit(),
                        String.format(java.util.Locale.ROOT, "%.3f", alloc), "— (shown)", "—");
                continue;
            }
            boolean fast = score >= target.minScore();
            // On a noisy machine a score can clear the floor while its 99.9% interval does not.
            boolean sure = target.minScore() == 0 || Double.isNaN(error) || score - error >= target.minScore();
            boolean quiet = alloc < ZERO_ALLOC_BYTES;
            String goal = (target.minScore() > 0 ? "≥ " + Report.millions(target.minScore()) + ", " : "") + "≈ 0 B/op";
            t.row(label, Report.grouped(score), Report.grouped(error), target.unit(),
                    String.format(java.util.Locale.ROOT, "%.3f", alloc), goal, fast && quiet ? (sure ? "yes" : "yes*") : "NO");
            if (target.method().equals("triggerDeliverTwoThreads")) {
                extraRow(report, t, secondary, "produce", "  producer trigger() calls", "calls/s");
                extraRow(report, t, secondary, "triggers", "  triggers carried by delivered events", "triggers/s");
            }
        }
        t.print();
        report.note("Score: JMH throughput; one op = one delivered event (B=64 via @OperationsPerInvocation), one add+remove pair,"
                + " or one aioRecv + aioSend of 1 KiB over loopback with both completions taken (single-issuer queue).");
        report.note("Two threads: producer trigger(id) over 1024 user events, consumer getEvents(1, 256, 10 ms); the score is"
                + " the consumer's delivered events/s (@AuxCounters), its alloc is bytes per delivered event.");
        report.note("alloc: gc.alloc.rate.norm; ≈ 0 means < " + ZERO_ALLOC_BYTES + " B/op."
                + " yes* = the score meets the floor but score − error (JMH's 99.9% interval) does not.");
        report.note("");
    }

    /**
     * @param method      the benchmark method
     * @param engine      its {@code engine} parameter (the AIO engine), or null
     * @param queueEngine its {@code queueEngine} parameter, or null
     * @return the name its figures go by: the method, then {@code /engine}, then {@code /portable}
     *         for the portable engine's row (the Linux engine's keeps the plain name, which a
     *         baseline jar without the parameter also has)
     */
    static String variant(String method, Object engine, Object queueEngine) {
        String v = engine == null ? method : method + "/" + engine;
        return PORTABLE.equals(queueEngine) ? v + "/" + PORTABLE : v;
    }

    private static void extraRow(Report report, Report.Table t, Map<String, Result> secondary, String key,
                                 String label, String unit) {
        Result r = secondary.get(key);
        if (r != null) {
            t.row(label, Report.grouped(r.getScore()), Report.grouped(r.getScoreError()), unit);
            report.metric("triggerDeliverTwoThreads:" + key, "score", r.getScore(), unit);
        }
    }

    private static double value(Map<String, Result> secondary, String key) {
        Result r = secondary.get(key);
        return r == null ? Double.NaN : r.getScore();
    }

    private static String method(RunResult r) {
        String name = r.getParams().getBenchmark();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** @return what is expected of benchmark {@code method}, with its label and unit */
    static Target target(String method) {
        return TARGETS.get(targetIndex(method));
    }

    private static int targetIndex(String method) {
        for (int k = 0; k < TARGETS.size(); k++) {
            if (TARGETS.get(k).method().equals(method)) {
                return k;
            }
        }
        throw new IllegalStateException("no target for benchmark " + method);
    }
}
