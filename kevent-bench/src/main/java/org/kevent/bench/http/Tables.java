package org.kevent.bench.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kevent.bench.support.Spread;
import org.kevent.bench.support.Output;

/**
 * What the http runner prints and records for one thread count: a table per workload, the issue's
 * targets for evserver, and every figure as JSON values.
 *
 * <h2>Semantics</h2>
 * Table cells are medians over rounds; ratio cells are paired ratios, "median (min..max)". A target
 * is judged on the median paired ratio: MET, NOT MET, or n/a when evserver or the peer it is
 * measured against was not loaded.
 */
final class Tables {
    private Tables() {
    }

    /** One target of issue 3 for evserver: a measure in a workload against a peer, with a bound. */
    private record Target(String what, Figures.Measure measure, Workload workload, String peer, double bound,
                          boolean atMost) {
    }

    /** req/s and p99 against Netty epoll in every workload: issue 3's for evserver and issue 15's for the transport. */
    private static final Target[] PEER_TARGETS = {
            new Target("req/s ≥ Netty epoll, c=16", Figures.Measure.REQ_PER_S, Workload.C16, Contender.NETTY_EPOLL, 1.0, false),
            new Target("req/s ≥ Netty epoll, c=256", Figures.Measure.REQ_PER_S, Workload.C256, Contender.NETTY_EPOLL, 1.0, false),
            new Target("req/s ≥ Netty epoll, pipelined ×16", Figures.Measure.REQ_PER_S, Workload.PIPELINED,
                    Contender.NETTY_EPOLL, 1.0, false),
            new Target("p99 ≤ Netty epoll, c=16", Figures.Measure.P99, Workload.C16, Contender.NETTY_EPOLL, 1.0, true),
            new Target("p99 ≤ Netty epoll, c=256", Figures.Measure.P99, Workload.C256, Contender.NETTY_EPOLL, 1.0, true),
            new Target("p99 ≤ Netty epoll, pipelined ×16", Figures.Measure.P99, Workload.PIPELINED,
                    Contender.NETTY_EPOLL, 1.0, true)};

    private static final List<Target> TARGETS = of(
            new Target("CPU/request ≤ 1.05× C floor, pipelined ×16", Figures.Measure.CPU_PER_REQ, Workload.PIPELINED,
                    Contender.C_FLOOR, 1.05, true),
            new Target("CPU/request ≤ 0.92× Netty epoll, pipelined ×16", Figures.Measure.CPU_PER_REQ, Workload.PIPELINED,
                    Contender.NETTY_EPOLL, 0.92, true),
            new Target("CPU/request ≤ 1.0× Netty epoll, c=16", Figures.Measure.CPU_PER_REQ, Workload.C16,
                    Contender.NETTY_EPOLL, 1.0, true),
            new Target("CPU/request ≤ 1.0× Netty epoll, c=256", Figures.Measure.CPU_PER_REQ, Workload.C256,
                    Contender.NETTY_EPOLL, 1.0, true),
            PEER_TARGETS);

    /** Issue 15's targets for the kevent Netty transport, against Netty epoll with the same application. */
    private static final List<Target> TRANSPORT_TARGETS = of(
            new Target("CPU/request ≤ 0.95× Netty epoll, c=256", Figures.Measure.CPU_PER_REQ, Workload.C256,
                    Contender.NETTY_EPOLL, 0.95, true),
            new Target("CPU/request ≤ 0.95× Netty epoll, pipelined ×16", Figures.Measure.CPU_PER_REQ,
                    Workload.PIPELINED, Contender.NETTY_EPOLL, 0.95, true),
            PEER_TARGETS);

    private static List<Target> of(Object... parts) {
        List<Target> list = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof Target t) {
                list.add(t);
            } else {
                list.addAll(List.of((Target[]) p));
            }
        }
        return List.copyOf(list);
    }

    /** The key of the kevent transport's server in {@code bench netty}. */
    private static final String NETTY_KEVENT = "netty-kevent";

    static void print(Output out, Figures f, int seconds, boolean transports) {
        int epoll = f.index(Contender.NETTY_EPOLL);
        int floor = f.index(Contender.C_FLOOR);
        String t = f.threads + " thread" + (f.threads == 1 ? "" : "s");
        for (int w = 0; w < Workload.ALL.length; w++) {
            Workload load = Workload.ALL[w];
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"http " + t + ", " + load.title(), "req/s", "p50 µs", "p99 µs", "CPU µs/req",
                    "req/s ÷ epoll", "CPU ÷ epoll", "p99 ÷ epoll", "CPU ÷ C floor", "errors"});
            for (int s = 0; s < f.servers.size(); s++) {
                rows.add(new String[] {
                        f.servers.get(s).name(),
                        grouped(f.spread(Figures.Measure.REQ_PER_S, s, w).median()),
                        decimals(f.spread(Figures.Measure.P50, s, w).median(), 1),
                        decimals(f.spread(Figures.Measure.P99, s, w).median(), 1),
                        decimals(f.spread(Figures.Measure.CPU_PER_REQ, s, w).median(), 2),
                        ratio(s == epoll ? null : f.paired(Figures.Measure.REQ_PER_S, s, epoll, w)),
                        ratio(s == epoll ? null : f.paired(Figures.Measure.CPU_PER_REQ, s, epoll, w)),
                        ratio(s == epoll ? null : f.paired(Figures.Measure.P99, s, epoll, w)),
                        ratio(s == floor ? null : f.paired(Figures.Measure.CPU_PER_REQ, s, floor, w)),
                        Long.toString(f.errors[s][w])});
            }
            out.table().accept(rows);
        }
        out.note().accept("medians over " + f.rounds + " rounds of " + seconds + " s; ratios paired by round: "
                + "median (min..max) of this round's figure ÷ the same round's peer figure; CPU = server process "
                + "utime+stime per request; errors = wrk socket errors + non-2xx, summed over rounds;"
                + " pipelined latencies are per batch of 16; n/a where wrk printed a 0 percentile (see docs/BENCHMARKS.md)");
        if (transports) {
            printTargets(out, f, NETTY_KEVENT, "issue 15", TRANSPORT_TARGETS);
        } else {
            printAioTarget(out, f);
            printTargets(out, f, Contender.EVSERVER, "issue 3", TARGETS);
        }
    }

    private static void printTargets(Output out, Figures f, String subject, String issue, List<Target> targets) {
        int ev = f.index(subject);
        String t = f.threads + " thread" + (f.threads == 1 ? "" : "s");
        out.note().accept("targets (" + issue + "), " + subject + " with " + t + ", on the median paired ratio:");
        for (Target target : targets) {
            int w = List.of(Workload.ALL).indexOf(target.workload());
            Spread r = f.paired(target.measure(), ev, f.index(target.peer()), w);
            String verdict;
            if (ev < 0) {
                verdict = "n/a (" + subject + " not loaded)";
            } else if (r.n() == 0) {
                verdict = "n/a (no paired round with " + target.peer() + ")";
            } else {
                boolean met = target.atMost() ? r.median() <= target.bound() : r.median() >= target.bound();
                verdict = (met ? "met" : "NOT MET") + " (" + ratio(r) + ")";
                out.metric().metric(subject + "/t" + f.threads, "target " + target.what(), met ? 1 : 0, "met");
            }
            out.note().accept("  " + target.what() + ": " + verdict);
        }
        out.note().accept("");
    }

    /** Issue 5: evserver --aio spends at most 0.85× the C epoll floor's CPU per request at c=256. */
    private static void printAioTarget(Output out, Figures f) {
        int aio = f.index(Contender.EVSERVER_AIO);
        int floor = f.index(Contender.C_FLOOR);
        if (aio < 0) {
            return;
        }
        String what = "CPU/request ≤ 0.85× C floor, c=256";
        int w = List.of(Workload.ALL).indexOf(Workload.C256);
        Spread r = f.paired(Figures.Measure.CPU_PER_REQ, aio, floor, w);
        String verdict;
        if (floor < 0 || r.n() == 0) {
            verdict = "n/a (no paired round with " + Contender.C_FLOOR + ")";
        } else {
            boolean met = r.median() <= 0.85;
            verdict = (met ? "met" : "NOT MET") + " (" + ratio(r) + ")";
            out.metric().metric(Contender.EVSERVER_AIO + "/t" + f.threads, "target " + what, met ? 1 : 0, "met");
        }
        out.note().accept("target (issue 5), evserver --aio with " + f.threads + " thread"
                + (f.threads == 1 ? "" : "s") + ": " + what + ": " + verdict);
    }

    /** Records every per-round figure, the medians and ranges, and the paired ratios. */
    static void record(Output.MetricSink sink, Figures f) {
        int epoll = f.index(Contender.NETTY_EPOLL);
        int floor = f.index(Contender.C_FLOOR);
        for (int s = 0; s < f.servers.size(); s++) {
            for (int w = 0; w < Workload.ALL.length; w++) {
                String variant = f.servers.get(s).key() + "/t" + f.threads + "/" + Workload.ALL[w].key();
                for (Figures.Measure m : Figures.Measure.values()) {
                    double[] rounds = f.rounds(m, s, w);
                    for (int r = 0; r < rounds.length; r++) {
                        sink.metric(variant, m.key + "_round" + (r + 1), rounds[r], m.unit);
                    }
                    Spread sp = f.spread(m, s, w);
                    sink.metric(variant, m.key + "_median", sp.median(), m.unit);
                    sink.metric(variant, m.key + "_min", sp.min(), m.unit);
                    sink.metric(variant, m.key + "_max", sp.max(), m.unit);
                    recordRatio(sink, f, m, s, epoll, w, variant, Contender.NETTY_EPOLL);
                    recordRatio(sink, f, m, s, floor, w, variant, Contender.C_FLOOR);
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
