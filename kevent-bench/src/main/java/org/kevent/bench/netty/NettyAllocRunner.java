package org.kevent.bench.netty;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kevent.bench.support.Jmh;
import org.kevent.bench.support.Output;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * {@code ./kevent bench netty-alloc [--quick]}: runs {@link NettyAllocBenchmark} through JMH (one
 * fork, the GC profiler on) and prints, per workload and transport, round trips per second, the
 * event-loop thread's bytes per round trip and the whole process's, with kevent's figures as a
 * ratio of Netty epoll's and issue 15's target (allocation per request no higher than epoll's),
 * and the loop thread's CPU time per round trip.
 *
 * <h2>Semantics</h2>
 * Default 2 warm-up and 3 measured iterations of 2 s per cell; {@code --quick} uses 1 and 1 (a
 * smoke run). The target is judged on the loop thread's figure, the one that is the transport's
 * alone; the process figure also holds the client (JDK blocking channels) and JMH.
 */
public final class NettyAllocRunner {
    /** The usage line after {@code netty-alloc}. */
    public static final String USAGE = "[--quick]  JMH -prof gc: bytes allocated per echo round trip on the server's"
            + " event loop, kevent transport vs Netty epoll";
    /** Every option {@code netty-alloc} accepts. */
    public static final String[] OPTIONS = {"quick"};

    private NettyAllocRunner() {
    }

    /** One cell: a workload on a transport. */
    private record Cell(String method, String transport, double roundTrips, double loopBytes, double processBytes,
                        double loopCpuNanos) {
    }

    /**
     * Runs the benchmark and prints its table.
     *
     * @param out     where the table, notes and values go
     * @param options the command-line options without dashes
     */
    public static void run(Output out, Map<String, String> options) throws Exception {
        boolean quick = options.containsKey("quick");
        int warmups = quick ? 1 : 2;
        int measurements = quick ? 1 : 3;
        out.header().accept("netty-alloc", "JMH, 1 fork, " + warmups + " warm-up + " + measurements
                + " measured iterations of 2 s, -prof gc: allocation per echo round trip, 1 event-loop thread");
        Collection<RunResult> results = Jmh.run(NettyAllocBenchmark.class, warmups, measurements, 2,
                "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled");
        List<Cell> cells = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            Map<String, Result> secondary = r.getSecondaryResults();
            double score = r.getPrimaryResult().getScore();
            cells.add(new Cell(name.substring(name.lastIndexOf('.') + 1), r.getParams().getParam("transport"), score,
                    value(secondary, "loopBytes") / value(secondary, "roundTrips"), value(secondary, "gc.alloc.rate.norm"),
                    value(secondary, "loopCpuNanos") / value(secondary, "roundTrips")));
        }
        print(out, cells);
    }

    private static void print(Output out, List<Cell> cells) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"netty-alloc — workload, transport", "RT/s", "loop B/RT", "process B/RT",
                "loop ÷ epoll", "process ÷ epoll", "loop ≤ epoll?", "loop CPU ns/RT", "CPU ÷ epoll"});
        for (String method : List.of("oneConnection", "sixteenConnections")) {
            Cell epoll = find(cells, method, "epoll");
            for (String transport : List.of("kevent", "epoll")) {
                Cell c = find(cells, method, transport);
                if (c == null) {
                    continue;
                }
                boolean peer = transport.equals("epoll");
                rows.add(new String[] {method + ", " + transport, format("%,.0f", c.roundTrips()),
                        format("%.1f", c.loopBytes()), format("%.1f", c.processBytes()),
                        peer ? "—" : ratio(c.loopBytes(), epoll == null ? Double.NaN : epoll.loopBytes()),
                        peer ? "—" : ratio(c.processBytes(), epoll == null ? Double.NaN : epoll.processBytes()),
                        peer ? "" : met(c, epoll), format("%,.0f", c.loopCpuNanos()),
                        peer ? "—" : ratio(c.loopCpuNanos(), epoll == null ? Double.NaN : epoll.loopCpuNanos())});
                String variant = method + "/" + transport;
                out.metric().metric(variant, "round_trips", c.roundTrips(), "RT/s");
                out.metric().metric(variant, "loop_alloc", c.loopBytes(), "B/RT");
                out.metric().metric(variant, "process_alloc", c.processBytes(), "B/RT");
                out.metric().metric(variant, "loop_cpu", c.loopCpuNanos(), "ns/RT");
            }
        }
        out.table().accept(rows);
        out.note().accept("RT = one " + NettyAllocBenchmark.REQUEST_BYTES + "-byte request echoed back; oneConnection:"
                + " one at a time; sixteenConnections: one on each of " + NettyAllocBenchmark.MANY + " connections,"
                + " then the " + NettyAllocBenchmark.MANY + " echoes.");
        out.note().accept("loop B/RT: the event-loop thread's allocated bytes (ThreadMXBean) per round trip;"
                + " process B/RT: gc.alloc.rate.norm (every thread: client, JMH, loop).");
        out.note().accept("target (issue 15): allocation per request no higher than Netty epoll's, on the loop figure"
                + " (within 1 B/RT: the counter's own noise).");
        out.note().accept("loop CPU ns/RT: the event-loop thread's CPU time (user + system, ThreadMXBean) per round trip:"
                + " the transport's and Netty's work without the client's; one run on a shared machine, not a paired"
                + " measure.");
    }

    /** Met when kevent's loop allocates at most epoll's, give or take one byte (the counter read racing a TLAB). */
    private static String met(Cell kevent, Cell epoll) {
        if (epoll == null || Double.isNaN(kevent.loopBytes()) || Double.isNaN(epoll.loopBytes())) {
            return "n/a";
        }
        return kevent.loopBytes() <= epoll.loopBytes() + 1.0 ? "met" : "NOT MET";
    }

    private static Cell find(List<Cell> cells, String method, String transport) {
        return cells.stream().filter(c -> c.method().equals(method) && c.transport().equals(transport))
                .findFirst().orElse(null);
    }

    private static double value(Map<String, Result> secondary, String key) {
        Result r = secondary.get(key);
        return r == null ? Double.NaN : r.getScore();
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "n/a" : format("%.2f×", a / b);
    }

    private static String format(String pattern, double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, pattern, v);
    }
}
