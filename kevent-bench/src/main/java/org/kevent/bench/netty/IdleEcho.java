package org.kevent.bench.netty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.kevent.bench.support.Host;
import org.kevent.bench.support.Output;
import org.kevent.bench.support.ServerProcess;
import org.kevent.bench.support.Spread;

/**
 * {@code bench netty}'s idle-connection part: what 10,000 mostly idle connections cost a Netty
 * event loop on each transport.
 *
 * <h2>Semantics</h2>
 * For each transport, one {@link EchoServer} process with one event-loop thread; a client in this
 * process opens N connections (each echoes 16 bytes once, so each is accepted and registered) and
 * leaves them idle, while one more connection does blocking 64-byte echo round trips, one at a
 * time, for the measured window. That is done first with no idle connection, then with the N, in
 * rounds of {@code seconds} each. Per round: round trips/s, p50 and p99 of the round trip, and the
 * server's CPU time per round trip (utime+stime from /proc over the round). The server's resident
 * memory is read once the N are open. Ratios: with N idle ÷ with none (the loop's cost of its idle
 * channels), and each transport ÷ Netty epoll on the medians (transports run one after another:
 * this machine's descriptor limit does not hold four sets of N at once, so these ratios are not
 * paired by round).
 */
final class IdleEcho {
    private static final int MESSAGE = 64;
    private static final long START_TIMEOUT_MILLIS = 30_000;

    private final Output out;
    private final int idle;
    private final int rounds;
    private final int seconds;
    private final Path workDir;

    IdleEcho(Output out, int idle, int rounds, int seconds, Path workDir) {
        this.out = out;
        this.idle = idle;
        this.rounds = rounds;
        this.seconds = seconds;
        this.workDir = workDir;
    }

    /** The figures of one transport: per round, without and with the idle connections. */
    private record Result(String transport, double[][] rtPerS, double[][] p50, double[][] p99, double[][] cpuPerRt,
                          double rssMiB) {
    }

    void run(List<String> transports) throws Exception {
        out.note().accept("== idle connections: " + idle + " idle + 1 echoing (64 B round trips), 1 server thread, "
                + rounds + " rounds × " + seconds + " s, without then with the idle ones ==");
        List<Result> results = new ArrayList<>();
        for (String t : transports) {
            Result r = measure(t);
            if (r != null) {
                results.add(r);
            }
        }
        print(results);
    }

    private Result measure(String transport) throws Exception {
        String java = Host.java();
        int port = ServerProcess.freePort();
        List<String> cmd = ServerProcess.javaCommand(java, Host.classPath(),
                List.of("-Dio.netty.leakDetection.level=disabled"));
        cmd.addAll(List.of(EchoServer.class.getName(), transport, Integer.toString(port), "1"));
        try (ServerProcess p = ServerProcess.start(cmd, workDir.resolve("echo-" + transport + ".log"))) {
            String problem = p.awaitListening(port, START_TIMEOUT_MILLIS);
            if (problem != null) {
                out.note().accept("netty-" + transport + ": not available (" + problem + ")");
                return null;
            }
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            double[][] rt = new double[2][rounds];
            double[][] p50 = new double[2][rounds];
            double[][] p99 = new double[2][rounds];
            double[][] cpu = new double[2][rounds];
            double rss = Double.NaN;
            try (SocketChannel active = open(address)) {
                warmUp(active, 2); // compiles the server's paths
                measureRounds(active, p, 0, rt, p50, p99, cpu);
                List<SocketChannel> idleOnes = new ArrayList<>(idle);
                try {
                    for (int k = 0; k < idle; k++) {
                        SocketChannel c = open(address);
                        idleOnes.add(c);
                        roundTrip(c, ByteBuffer.allocate(16), ByteBuffer.allocate(16));
                    }
                    rss = residentMiB(p.pid());
                    warmUp(active, 1);
                    measureRounds(active, p, 1, rt, p50, p99, cpu);
                } finally {
                    for (SocketChannel c : idleOnes) {
                        c.close();
                    }
                }
            }
            System.err.printf(Locale.ROOT, "netty bench: idle echo on %s done%n", transport);
            return new Result(transport, rt, p50, p99, cpu, rss);
        }
    }

    private static SocketChannel open(InetSocketAddress address) throws IOException {
        SocketChannel c = SocketChannel.open(address);
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return c;
    }

    private void measureRounds(SocketChannel active, ServerProcess p, int phase, double[][] rt, double[][] p50,
                               double[][] p99, double[][] cpu) throws IOException {
        for (int r = 0; r < rounds; r++) {
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            long before = p.cpuTicks();
            long n = echoFor(active, seconds, h);
            long after = p.cpuTicks();
            rt[phase][r] = n / (double) seconds;
            p50[phase][r] = h.getValueAtPercentile(50) / 1000.0;
            p99[phase][r] = h.getValueAtPercentile(99) / 1000.0;
            cpu[phase][r] = before >= 0 && after >= 0 ? (after - before) * 1e6 / ServerProcess.CLOCK_TICKS / n : Double.NaN;
        }
    }

    /** Round trips for {@code secs}, not recorded. */
    private static void warmUp(SocketChannel c, int secs) throws IOException {
        echoFor(c, secs, new Histogram(TimeUnit.SECONDS.toNanos(10), 3));
    }

    private static long echoFor(SocketChannel c, int secs, Histogram h) throws IOException {
        ByteBuffer outBuf = ByteBuffer.allocateDirect(MESSAGE);
        ByteBuffer inBuf = ByteBuffer.allocateDirect(MESSAGE);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
        long n = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            roundTrip(c, outBuf, inBuf);
            h.recordValue(Math.min(System.nanoTime() - now, h.getHighestTrackableValue()));
            n++;
        }
        return n;
    }

    private static void roundTrip(SocketChannel c, ByteBuffer outBuf, ByteBuffer inBuf) throws IOException {
        outBuf.clear();
        while (outBuf.hasRemaining()) {
            c.write(outBuf);
        }
        inBuf.clear();
        while (inBuf.hasRemaining()) {
            if (c.read(inBuf) < 0) {
                throw new IOException("the echo server closed the connection");
            }
        }
    }

    private static double residentMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private void print(List<Result> results) {
        Result epoll = results.stream().filter(r -> r.transport().equals("epoll")).findFirst().orElse(null);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"echo, 1 thread", "RT/s (0 idle)", "RT/s (" + idle + " idle)", "p99 µs (0)",
                "p99 µs (" + idle + ")", "CPU µs/RT (0)", "CPU µs/RT (" + idle + ")", "CPU idle÷none",
                "CPU ÷ epoll (" + idle + ")", "RSS MiB (" + idle + ")"});
        for (Result r : results) {
            double cpuIdle = median(r.cpuPerRt()[1]);
            rows.add(new String[] {"netty " + r.transport(),
                    fmt(median(r.rtPerS()[0]), 0), fmt(median(r.rtPerS()[1]), 0),
                    fmt(median(r.p99()[0]), 1), fmt(median(r.p99()[1]), 1),
                    fmt(median(r.cpuPerRt()[0]), 2), fmt(cpuIdle, 2),
                    fmt(cpuIdle / median(r.cpuPerRt()[0]), 2) + "×",
                    epoll == null || epoll == r ? "—" : fmt(cpuIdle / median(epoll.cpuPerRt()[1]), 2) + "×",
                    fmt(r.rssMiB(), 0)});
            String variant = "netty-" + r.transport() + "/idle" + idle;
            for (int phase = 0; phase < 2; phase++) {
                String ph = phase == 0 ? "none_idle" : "with_idle";
                out.metric().metric(variant, "round_trips_per_s_" + ph + "_median", median(r.rtPerS()[phase]), "1/s");
                out.metric().metric(variant, "p50_" + ph + "_median", median(r.p50()[phase]), "us");
                out.metric().metric(variant, "p99_" + ph + "_median", median(r.p99()[phase]), "us");
                out.metric().metric(variant, "cpu_per_round_trip_" + ph + "_median", median(r.cpuPerRt()[phase]), "us");
            }
            out.metric().metric(variant, "rss_with_idle", r.rssMiB(), "MiB");
        }
        out.table().accept(rows);
        out.note().accept("medians over " + rounds + " rounds; RT = one 64-byte echo round trip on the one active "
                + "connection; CPU = server process utime+stime per round trip; ratios of medians");
        out.note().accept("");
    }

    private static double median(double[] v) {
        return Spread.of(v).median();
    }

    private static String fmt(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,." + digits + "f", v);
    }
}
