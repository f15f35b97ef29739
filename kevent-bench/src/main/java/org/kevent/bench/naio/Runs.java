package org.kevent.bench.naio;

import java.util.Arrays;
import java.util.List;

import org.kevent.bench.support.Spread;

/**
 * Every figure of one part: per server and round, the bytes the clients read, the wall and the
 * server CPU seconds of the measured window, and what follows from them; NaN where a turn failed
 * or did not happen. Also, per server, how it did its I/O (the engine, for kevent) or why it failed.
 */
final class Runs {
    /** What is kept per turn. */
    enum Measure {
        BYTES("bytes", "B"),
        SECONDS("seconds", "s"),
        CPU_SECONDS("cpu_s", "s"),
        BYTES_PER_S("bytes_per_s", "B/s"),
        BYTES_PER_CPU_S("bytes_per_cpu_s", "B/CPU-s"),
        /** Busy CPU seconds of the whole machine (server, load clients, kernel threads) over the window. */
        MACHINE_CPU_SECONDS("machine_cpu_s", "s"),
        BYTES_PER_MACHINE_CPU_S("bytes_per_machine_cpu_s", "B/CPU-s");

        final String key;
        final String unit;

        Measure(String key, String unit) {
            this.key = key;
            this.unit = unit;
        }
    }

    final Part part;
    final List<Server> servers;
    final int rounds;
    /** The engine (kevent) or the I/O style, per server. */
    final String[] io;
    /** Null, or why the server was not loaded (or stopped answering). */
    final String[] failed;
    /** [measure][server][round]. */
    private final double[][][] values;

    Runs(Part part, List<Server> servers, int rounds) {
        this.part = part;
        this.servers = List.copyOf(servers);
        this.rounds = rounds;
        io = servers.stream().map(Server::io).toArray(String[]::new);
        failed = new String[servers.size()];
        values = new double[Measure.values().length][servers.size()][rounds];
        for (double[][] m : values) {
            for (double[] s : m) {
                Arrays.fill(s, Double.NaN);
            }
        }
    }

    /**
     * Records one turn: bytes read over {@code seconds} of wall time, with {@code cpuSeconds} of
     * server CPU and {@code machineCpuSeconds} of the whole machine's.
     */
    void set(int server, int round, long bytes, double seconds, double cpuSeconds, double machineCpuSeconds) {
        values[Measure.BYTES.ordinal()][server][round] = bytes;
        values[Measure.SECONDS.ordinal()][server][round] = seconds;
        values[Measure.CPU_SECONDS.ordinal()][server][round] = cpuSeconds;
        values[Measure.BYTES_PER_S.ordinal()][server][round] = bytes / seconds;
        // A turn whose CPU rounded to 0 ticks has no meaningful ratio: NaN, not infinity.
        values[Measure.BYTES_PER_CPU_S.ordinal()][server][round] = cpuSeconds > 0 ? bytes / cpuSeconds : Double.NaN;
        values[Measure.MACHINE_CPU_SECONDS.ordinal()][server][round] = machineCpuSeconds;
        values[Measure.BYTES_PER_MACHINE_CPU_S.ordinal()][server][round] =
                machineCpuSeconds > 0 ? bytes / machineCpuSeconds : Double.NaN;
    }

    double[] rounds(Measure m, int server) {
        return values[m.ordinal()][server];
    }

    Spread spread(Measure m, int server) {
        return Spread.of(rounds(m, server));
    }

    /** @return the index of the server with {@code key}, or -1 */
    int index(String key) {
        for (int s = 0; s < servers.size(); s++) {
            if (servers.get(s).key().equals(key)) {
                return s;
            }
        }
        return -1;
    }

    /** Each round's figure of {@code server} over the same round's figure of the server {@code peerKey}. */
    Spread paired(Measure m, int server, String peerKey) {
        int peer = index(peerKey);
        if (peer < 0) {
            return Spread.of(new double[0]);
        }
        return Spread.paired(rounds(m, server), rounds(m, peer));
    }
}
