package org.kevent.bench.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kevent.bench.support.Spread;
import org.kevent.bench.support.Output;

/**
 * What the http runner prints and records for one thread count: a table per workload, the targets
 * of its {@link Comparison}, and every figure as JSON values.
 *
 * <h2>Semantics</h2>
 * Table cells are medians over rounds; ratio cells are paired ratios against the comparison's
 * references, "median (min..max)". A target is judged on the median paired ratio
 * ({@link Comparison.Target#judge}): met, NOT MET, or n/a when its subject or the peer it is
 * measured against was not loaded.
 */
final class Tables {
    private Tables() {
    }

    static void print(Output out, Figures f, int seconds, Comparison comparison) {
        int[] refs = referenceIndexes(f, comparison);
        String t = threads(f.threads, comparison.unit());
        for (int w = 0; w < f.workloads.size(); w++) {
            Workload load = f.workloads.get(w);
            List<String[]> rows = new ArrayList<>();
            List<String> head = new ArrayList<>(List.of("http " + t + ", " + load.title(), "req/s", "p50 µs", "p99 µs",
                    "CPU µs/req"));
            for (Comparison.Reference ref : comparison.references()) {
                for (Figures.Measure m : ref.measures()) {
                    head.add(m.label + " ÷ " + ref.label());
                }
            }
            head.add("sys µs/req");
            head.add("errors");
            rows.add(head.toArray(String[]::new));
            for (int s = 0; s < f.servers.size(); s++) {
                List<String> row = new ArrayList<>(List.of(
                        f.servers.get(s).name(),
                        grouped(f.spread(Figures.Measure.REQ_PER_S, s, w).median()),
                        decimals(f.spread(Figures.Measure.P50, s, w).median(), 1),
                        decimals(f.spread(Figures.Measure.P99, s, w).median(), 1),
                        decimals(f.spread(Figures.Measure.CPU_PER_REQ, s, w).median(), 2)));
                for (int k = 0; k < refs.length; k++) {
                    for (Figures.Measure m : comparison.references().get(k).measures()) {
                        row.add(ratio(s == refs[k] ? null : f.paired(m, s, refs[k], w)));
                    }
                }
                row.add(decimals(f.spread(Figures.Measure.SYS_PER_REQ, s, w).median(), 2));
                row.add(Long.toString(f.errors[s][w]));
                rows.add(row.toArray(String[]::new));
            }
            out.table().accept(rows);
        }
        out.note().accept("medians over " + f.rounds + " rounds of " + seconds + " s; ratios paired by round: "
                + "median (min..max) of this round's figure ÷ the same round's peer figure; CPU = server process "
                + "utime+stime per request; sys = its stime alone (the kernel's part: system calls and the network "
                + "stack's work in them); errors = wrk socket errors + non-2xx, summed over rounds;"
                + " pipelined latencies are per batch of 16; n/a where wrk printed a 0 percentile (see docs/BENCHMARKS.md)");
        comparison.notes().forEach(out.note());
        printTargets(out, f, comparison);
    }

    private static void printTargets(Output out, Figures f, Comparison comparison) {
        String t = threads(f.threads, comparison.unit());
        for (Comparison.TargetSet set : comparison.targetSets()) {
            if (set.ifLoaded()) {
                if (f.index(set.subject()) < 0) {
                    continue;
                }
            } else {
                out.note().accept("targets (" + set.issue() + "), " + set.subjectName() + " with " + t
                        + ", on the median paired ratio:");
            }
            for (Comparison.Target target : set.targets()) {
                Comparison.Verdict v = target.judge(f, set.subject());
                if (v.met() != null) {
                    out.metric().metric(set.subject() + "/t" + f.threads, "target " + target.what(), v.met() ? 1 : 0, "met");
                }
                out.note().accept(set.ifLoaded()
                        ? "target (" + set.issue() + "), " + set.subjectName() + " with " + t + ": " + target.what()
                                + ": " + v.text()
                        : "  " + target.what() + ": " + v.text());
            }
            if (!set.ifLoaded()) {
                out.note().accept("");
            }
        }
    }

    /** @return "1 thread", "2 carriers" */
    private static String threads(int n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** @return each reference's index among the loaded servers, -1 where it was not loaded */
    private static int[] referenceIndexes(Figures f, Comparison comparison) {
        return comparison.references().stream().mapToInt(r -> f.index(r.key())).toArray();
    }

    /** Records every per-round figure, the medians and ranges, and the paired ratios. */
    static void record(Output.MetricSink sink, Figures f, Comparison comparison) {
        int[] refs = referenceIndexes(f, comparison);
        for (int s = 0; s < f.servers.size(); s++) {
            for (int w = 0; w < f.workloads.size(); w++) {
                String variant = f.servers.get(s).key() + "/t" + f.threads + "/" + f.workloads.get(w).key();
                for (Figures.Measure m : Figures.Measure.values()) {
                    double[] rounds = f.rounds(m, s, w);
                    for (int r = 0; r < rounds.length; r++) {
                        sink.metric(variant, m.key + "_round" + (r + 1), rounds[r], m.unit);
                    }
                    Spread sp = f.spread(m, s, w);
                    sink.metric(variant, m.key + "_median", sp.median(), m.unit);
                    sink.metric(variant, m.key + "_min", sp.min(), m.unit);
                    sink.metric(variant, m.key + "_max", sp.max(), m.unit);
                    for (int k = 0; k < refs.length; k++) {
                        recordRatio(sink, f, m, s, refs[k], w, variant, comparison.references().get(k).key());
                    }
                }
                sink.metric(variant, "errors", f.errors[s][w], "count");
            }
        }
    }

    private static void recordRatio(Output.MetricSink sink, Figures f, Figures.Measure m, int s, int peer, int w,
                                    String variant, String peerKey) {
        if (peer < 0 || peer == s) {
            return;
        }
        Spread r = f.paired(m, s, peer, w);
        sink.metric(variant, m.key + "_vs_" + peerKey + "_paired_median", r.median(), "x");
        sink.metric(variant, m.key + "_vs_" + peerKey + "_paired_min", r.min(), "x");
        sink.metric(variant, m.key + "_vs_" + peerKey + "_paired_max", r.max(), "x");
    }

    private static String grouped(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String decimals(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,." + digits + "f", v);
    }

    /** A paired ratio cell; "—" for the peer itself. */
    private static String ratio(Spread r) {
        return r == null ? "—" : r.ratio();
    }
}
