package org.kevent.bench.http;

import java.util.Arrays;
import java.util.List;
import org.kevent.bench.support.Spread;

/**
 * Every figure of one thread count: per server, workload (of the run's list) and round, req/s, p50
 * and p99 latency and server CPU per request; NaN where a run failed or did not happen.
 *
 * <h2>Semantics</h2>
 * Medians, ranges and paired ratios are {@link Spread}s: NaN skipped, ratios paired by round.
 */
final class Figures {
    /** What is measured per run. */
    enum Measure {
        REQ_PER_S("req_per_s", "req/s", "req/s"),
        P50("p50", "us", "p50"),
        P99("p99", "us", "p99"),
        CPU_PER_REQ("cpu_per_req", "us", "CPU"),
        /** The kernel's part of {@link #CPU_PER_REQ}: the process's stime per request. */
        SYS_PER_REQ("sys_per_req", "us", "sys");

        final String key;
        final String unit;
        /** What a ratio column's title calls it: "CPU ÷ epoll". */
        final String label;

        Measure(String key, String unit, String label) {
            this.key = key;
            this.unit = unit;
            this.label = label;
        }
    }

    final int threads;
    final List<Contender> servers;
    final List<Workload> workloads;
    final int rounds;
    /** [measure][server][workload][round]. */
    private final double[][][][] values;
    /** Socket errors plus non-2xx answers wrk saw, [server][workload], summed over rounds. */
    final long[][] errors;

    Figures(int threads, List<Contender> servers, List<Workload> workloads, int rounds) {
        this.threads = threads;
        this.servers = List.copyOf(servers);
        this.workloads = List.copyOf(workloads);
        this.rounds = rounds;
        values = new double[Measure.values().length][servers.size()][workloads.size()][rounds];
        for (double[][][] m : values) {
            for (double[][] s : m) {
                for (double[] w : s) {
                    Arrays.fill(w, Double.NaN);
                }
            }
        }
        errors = new long[servers.size()][workloads.size()];
    }

    void set(Measure m, int server, int workload, int round, double value) {
        values[m.ordinal()][server][workload][round] = value;
    }

    double[] rounds(Measure m, int server, int workload) {
        return values[m.ordinal()][server][workload];
    }

    Spread spread(Measure m, int server, int workload) {
        return Spread.of(rounds(m, server, workload));
    }

    /** @return the index of the server with {@code key}, or -1 if it is not among the loaded ones */
    int index(String key) {
        for (int s = 0; s < servers.size(); s++) {
            if (servers.get(s).key().equals(key)) {
                return s;
            }
        }
        return -1;
    }

    /** Each round's figure of {@code server} over the same round's figure of {@code peer}. */
    Spread paired(Measure m, int server, int peer, int workload) {
        if (server < 0 || peer < 0) {
            return Spread.of(new double[0]);
        }
        return Spread.paired(rounds(m, server, workload), rounds(m, peer, workload));
    }
}
