package org.kevent.bench.naio;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.kevent.bench.support.Output;
import org.kevent.bench.support.Spread;

/**
 * What the naio runner prints and records for one part: the table, the targets of issue 5 for
 * each kevent server, and every figure as JSON values.
 *
 * <h2>Semantics</h2>
 * Table cells are medians over rounds; ratio cells are paired ratios, "median (min..max)". A
 * target is judged on the median paired ratio of bytes per CPU-second: MET, NOT MET, or n/a when
 * the kevent server or its peer has no measured round.
 */
final class NaioTables {
    /** The bound against the virtual-thread server, both parts. */
    static final double VIRTUAL_BOUND = 1.3;
    /** The bound against Netty (epoll FileRegion for sendfile, io_uring for echo). */
    static final double NETTY_BOUND = 1.0;

    private NaioTables() {
    }

    static void print(Output out, Runs r, int seconds) {
        String netty = Server.nettyPeer(r.part);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"naio " + r.part.key + ": " + r.part.title, "engine / I/O", "MiB/s", "CPU s",
                "MiB per CPU-s", "B/CPU-s ÷ virtual", "B/CPU-s ÷ netty", "B/s ÷ virtual", "B/s ÷ netty",
                "MiB per machine CPU-s", "÷ virtual", "÷ netty"});
        for (int s = 0; s < r.servers.size(); s++) {
            String key = r.servers.get(s).key();
            rows.add(new String[] {
                    r.servers.get(s).name(),
                    r.failed[s] != null ? "failed" : r.io[s],
                    mib(r.spread(Runs.Measure.BYTES_PER_S, s).median()),
                    decimals(r.spread(Runs.Measure.CPU_SECONDS, s).median(), 2),
                    mib(r.spread(Runs.Measure.BYTES_PER_CPU_S, s).median()),
                    ratio(r, Runs.Measure.BYTES_PER_CPU_S, s, key, Server.VIRTUAL),
                    ratio(r, Runs.Measure.BYTES_PER_CPU_S, s, key, netty),
                    ratio(r, Runs.Measure.BYTES_PER_S, s, key, Server.VIRTUAL),
                    ratio(r, Runs.Measure.BYTES_PER_S, s, key, netty),
                    mib(r.spread(Runs.Measure.BYTES_PER_MACHINE_CPU_S, s).median()),
                    ratio(r, Runs.Measure.BYTES_PER_MACHINE_CPU_S, s, key, Server.VIRTUAL),
                    ratio(r, Runs.Measure.BYTES_PER_MACHINE_CPU_S, s, key, netty)});
        }
        out.table().accept(rows);
        out.note().accept("medians over " + r.rounds + " rounds of " + seconds + " s; ratios paired by round: median "
                + "(min..max) of this round's figure ÷ the same round's peer figure; bytes = what the clients read "
                + "(file bytes, or echoed bytes); CPU = server process utime+stime over the measured window; machine "
                + "CPU = busy time of all cores (server, load clients, kernel threads) over the same window");
        for (int s = 0; s < r.servers.size(); s++) {
            if (r.failed[s] != null) {
                out.note().accept(r.servers.get(s).key() + ": failed: " + r.failed[s]);
            }
        }
        printTargets(out, r);
    }

    private static void printTargets(Output out, Runs r) {
        String netty = Server.nettyPeer(r.part);
        out.note().accept("targets (issue 5), " + r.part.key + ", on the median paired ratio of bytes per CPU-second:");
        for (int s = 0; s < r.servers.size(); s++) {
            Server server = r.servers.get(s);
            if (!server.isKevent()) {
                continue;
            }
            target(out, r, s, Server.VIRTUAL, VIRTUAL_BOUND);
            target(out, r, s, netty, NETTY_BOUND);
        }
        out.note().accept("");
    }

    private static void target(Output out, Runs r, int s, String peer, double bound) {
        Server server = r.servers.get(s);
        String what = String.format(Locale.ROOT, "%s bytes/CPU-s ≥ %.1f× %s", r.part.key, bound, peer);
        Spread ratio = r.paired(Runs.Measure.BYTES_PER_CPU_S, s, peer);
        String verdict;
        if (r.failed[s] != null) {
            verdict = "n/a (" + server.key() + " failed)";
        } else if (ratio.n() == 0) {
            verdict = "n/a (no round paired with " + peer + ")";
        } else {
            boolean met = ratio.median() >= bound;
            verdict = (met ? "MET" : "NOT MET") + " (" + ratio.ratio() + ")";
            out.metric().metric(r.part.key + "/" + server.key(), "target " + what, met ? 1 : 0, "met");
        }
        out.note().accept("  " + server.key() + " (" + r.io[s] + "): " + what + ": " + verdict);
    }

    /** Records every per-round figure, the medians and ranges, the paired ratios, the engine and any failure. */
    static void record(Output.MetricSink sink, Runs r) {
        for (int s = 0; s < r.servers.size(); s++) {
            String key = r.servers.get(s).key();
            String variant = r.part.key + "/" + key;
            sink.metric(variant, "io " + r.io[s], 1, "flag");
            if (r.failed[s] != null) {
                sink.metric(variant, "failed: " + r.failed[s], 1, "flag");
            }
            for (Runs.Measure m : Runs.Measure.values()) {
                double[] rounds = r.rounds(m, s);
                for (int k = 0; k < rounds.length; k++) {
                    sink.metric(variant, m.key + "_round" + (k + 1), rounds[k], m.unit);
                }
                Spread sp = r.spread(m, s);
                sink.metric(variant, m.key + "_median", sp.median(), m.unit);
                sink.metric(variant, m.key + "_min", sp.min(), m.unit);
                sink.metric(variant, m.key + "_max", sp.max(), m.unit);
            }
            for (String peer : List.of(Server.VIRTUAL, Server.nettyPeer(r.part))) {
                if (peer.equals(key) || r.index(peer) < 0) {
                    continue;
                }
                for (Runs.Measure m : List.of(Runs.Measure.BYTES_PER_S, Runs.Measure.BYTES_PER_CPU_S,
                        Runs.Measure.BYTES_PER_MACHINE_CPU_S)) {
                    Spread p = r.paired(m, s, peer);
                    sink.metric(variant, m.key + "_vs_" + peer + "_paired_median", p.median(), "x");
                    sink.metric(variant, m.key + "_vs_" + peer + "_paired_min", p.min(), "x");
                    sink.metric(variant, m.key + "_vs_" + peer + "_paired_max", p.max(), "x");
                }
            }
        }
    }

    private static String ratio(Runs r, Runs.Measure m, int s, String key, String peer) {
        return key.equals(peer) ? "—" : r.paired(m, s, peer).ratio();
    }

    private static String mib(double bytes) {
        return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%,.0f", bytes / (1 << 20));
    }

    private static String decimals(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,." + digits + "f", v);
    }
}
