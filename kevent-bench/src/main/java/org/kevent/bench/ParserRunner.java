package org.kevent.bench;

import java.util.Collection;

import org.kevent.bench.support.Jmh;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * {@code kevent bench parser}: {@link ParserBenchmark} through {@link Jmh} (one fork, the
 * GC profiler on): nanoseconds and bytes allocated per request head. The head parser is the
 * largest user-space item of evserver's pipelined profile (docs/BENCHMARKS.md, "parser"); this
 * prices it alone, where {@code bench http} cannot resolve a few nanoseconds per request.
 * {@code --quick}: 1 warm-up and 2 measured iterations instead of 3 and 5.
 */
final class ParserRunner {
    private ParserRunner() {
    }

    static void run(Report report, BenchMain.Options options) throws Exception {
        options.allowOnly("quick");
        Jmh.Iterations it = Jmh.Iterations.of(options.flag("quick"));
        report.header("parser", "JMH, " + it.describe());
        Collection<RunResult> results = Jmh.run(ParserBenchmark.class, it.warmups(), it.measurements(), 1, "-Xmx1g");
        Report.Table t = report.table("parser — head", "bytes", "ns/head", "± error", "ns/byte", "alloc B/head");
        for (RunResult r : results) {
            String head = r.getParams().getParam("head");
            int bytes = (head.equals("wrk") ? ParserBenchmark.WRK : ParserBenchmark.BROWSER).length();
            Result primary = r.getPrimaryResult();
            Result alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            double allocPerHead = alloc == null ? Double.NaN : alloc.getScore();
            report.metric("parse/" + head, "ns_per_head", primary.getScore(), "ns");
            report.metric("parse/" + head, "score_error", primary.getScoreError(), "ns");
            report.metric("parse/" + head, "alloc_norm", allocPerHead, "B/op");
            t.row(head, Integer.toString(bytes), Report.oneDecimal(primary.getScore()),
                    Report.oneDecimal(primary.getScoreError()),
                    String.format(java.util.Locale.ROOT, "%.3f", primary.getScore() / bytes),
                    String.format(java.util.Locale.ROOT, "%.3f", allocPerHead));
        }
        t.print();
        report.note("One op = one head parsed, 16 back to back per invocation (a pipelined batch); alloc = gc.alloc.rate.norm.");
        report.note("");
    }
}
