package org.kevent.bench.http;

import java.util.ArrayList;
import java.util.List;
import org.kevent.bench.support.Spread;

/**
 * What one run holds its servers up against: the reference servers whose paired ratios fill the
 * tables' ratio columns, and the targets it judges. {@link #HTTP} is {@code bench http}'s (Netty
 * epoll and the C floor; issues 3 and 5), {@link #NETTY} is {@code bench netty}'s (Netty epoll;
 * issue 15), {@link #VTHREADS} is {@code bench vthreads}' (the JDK's virtual-thread server and
 * evserver's event loop; issue 14).
 *
 * <h2>Semantics</h2>
 * A ratio cell is a server's figure over the reference's, paired by round ({@link Figures#paired});
 * a reference's own cell is "—", a reference that was not loaded gives "n/a". A target is judged
 * on the median paired ratio of its subject against its peer in one workload: met when the median
 * is within the bound (the bound itself included), n/a when the subject was not loaded, the
 * workload was not run, or no round has a figure of both.
 *
 * @param unit        what the run's thread count counts, in table titles: "thread", "carrier"
 * @param section     the same in the line that opens each thread count: "server thread"
 * @param references  the ratio columns, in order
 * @param targetSets  the targets, printed in order after the tables of each thread count
 * @param notes       lines printed under the tables, after the common explanation
 */
record Comparison(String unit, String section, List<Reference> references, List<TargetSet> targetSets,
                  List<String> notes) {
    /**
     * A server the ratio columns divide by.
     *
     * @param key      its {@link Contender#key()}
     * @param label    what the column titles call it: "req/s ÷ LABEL"
     * @param measures the measures that get a column, in order
     */
    record Reference(String key, String label, List<Figures.Measure> measures) {
    }

    /**
     * A bound on one measure of the subject against a peer, in one workload.
     *
     * @param what     what is printed, e.g. "req/s ≥ Netty epoll, c=256"
     * @param atMost   true if the ratio must be at most {@code bound}, false if at least
     */
    record Target(String what, Figures.Measure measure, Workload workload, String peer, double bound,
                  boolean atMost) {
        /**
         * Judges the target for one thread count's figures.
         *
         * @param f       the figures
         * @param subject the key of the server the target is about
         */
        Verdict judge(Figures f, String subject) {
            int s = f.index(subject);
            if (s < 0) {
                return new Verdict(null, "n/a (" + subject + " not loaded)");
            }
            int w = f.workloads.indexOf(workload);
            if (w < 0) {
                return new Verdict(null, "n/a (" + workload.title() + " not run)");
            }
            Spread r = f.paired(measure, s, f.index(peer), w);
            if (r.n() == 0) {
                return new Verdict(null, "n/a (no paired round with " + peer + ")");
            }
            boolean met = atMost ? r.median() <= bound : r.median() >= bound;
            return new Verdict(met, (met ? "met" : "NOT MET") + " (" + r.ratio() + ")");
        }
    }

    /**
     * A target's verdict.
     *
     * @param met  true or false, or null when it could not be judged
     * @param text what is printed: "met (0.75× (0.70..0.80))", "NOT MET (…)", "n/a (why)"
     */
    record Verdict(Boolean met, String text) {
    }

    /**
     * One issue's targets for one server.
     *
     * @param issue       "issue 3"
     * @param subject     the key of the server they are about
     * @param subjectName what the lines call it
     * @param targets     the targets
     * @param ifLoaded    true: one line per target, and nothing when the subject was not loaded (a
     *                    server that runs only when asked for); false: a block under a heading,
     *                    n/a when the subject was not loaded
     */
    record TargetSet(String issue, String subject, String subjectName, List<Target> targets, boolean ifLoaded) {
    }

    /** req/s and p99 against Netty epoll in every workload: in issue 3's targets for evserver and issue 15's for the transport. */
    private static final List<Target> AS_FAST_AS_NETTY_EPOLL = List.of(
            new Target("req/s ≥ Netty epoll, c=16", Figures.Measure.REQ_PER_S, Workload.C16, Contender.NETTY_EPOLL, 1.0,
                    false),
            new Target("req/s ≥ Netty epoll, c=256", Figures.Measure.REQ_PER_S, Workload.C256, Contender.NETTY_EPOLL, 1.0,
                    false),
            new Target("req/s ≥ Netty epoll, pipelined ×16", Figures.Measure.REQ_PER_S, Workload.PIPELINED,
                    Contender.NETTY_EPOLL, 1.0, false),
            new Target("p99 ≤ Netty epoll, c=16", Figures.Measure.P99, Workload.C16, Contender.NETTY_EPOLL, 1.0, true),
            new Target("p99 ≤ Netty epoll, c=256", Figures.Measure.P99, Workload.C256, Contender.NETTY_EPOLL, 1.0, true),
            new Target("p99 ≤ Netty epoll, pipelined ×16", Figures.Measure.P99, Workload.PIPELINED,
                    Contender.NETTY_EPOLL, 1.0, true));

    /** The ratio columns against Netty epoll: req/s, CPU per request and p99. */
    private static final Reference EPOLL_RATIOS = new Reference(Contender.NETTY_EPOLL, "epoll",
            List.of(Figures.Measure.REQ_PER_S, Figures.Measure.CPU_PER_REQ, Figures.Measure.P99));

    /**
     * The ratio columns against evserver from another build's CLI jar ({@code bench http
     * --baseline-cli-jar}): evserver's row reads "this build ÷ the baseline build".
     */
    static final Reference BASELINE = new Reference(Contender.EVSERVER_BASELINE, "baseline",
            List.of(Figures.Measure.REQ_PER_S, Figures.Measure.CPU_PER_REQ, Figures.Measure.P99));

    /** Issue 17's targets for the lean server on SOCKET interests: the C floor, and its Java peers in every workload. */
    private static final List<Target> LEAN = leanTargets();

    /**
     * {@code bench http}: Netty epoll and the two C floors; evserver's targets (issues 3 and 17),
     * evserver --aio's and the lean servers' (issue 17).
     */
    static final Comparison HTTP = new Comparison("thread", "server thread",
            List.of(EPOLL_RATIOS, new Reference(Contender.C_FLOOR, "C floor", List.of(Figures.Measure.CPU_PER_REQ)),
                    new Reference(Contender.C_URING_FLOOR, "C uring floor", List.of(Figures.Measure.CPU_PER_REQ))),
            List.of(new TargetSet("issue 17", Contender.EVSERVER_AIO, "evserver --aio",
                            floor(1.10, Contender.C_URING_FLOOR, "C uring floor"), true),
                    new TargetSet("issue 3", Contender.EVSERVER, "evserver", concat(List.of(
                            new Target("CPU/request ≤ 1.05× C floor, pipelined ×16", Figures.Measure.CPU_PER_REQ,
                                    Workload.PIPELINED, Contender.C_FLOOR, 1.05, true),
                            new Target("CPU/request ≤ 0.92× Netty epoll, pipelined ×16", Figures.Measure.CPU_PER_REQ,
                                    Workload.PIPELINED, Contender.NETTY_EPOLL, 0.92, true),
                            new Target("CPU/request ≤ 1.0× Netty epoll, c=16", Figures.Measure.CPU_PER_REQ, Workload.C16,
                                    Contender.NETTY_EPOLL, 1.0, true),
                            new Target("CPU/request ≤ 1.0× Netty epoll, c=256", Figures.Measure.CPU_PER_REQ, Workload.C256,
                                    Contender.NETTY_EPOLL, 1.0, true)), AS_FAST_AS_NETTY_EPOLL), false),
                    new TargetSet("issue 17", Contender.EVSERVER, "evserver", List.of(
                            new Target("CPU/request ≤ 1.05× C floor, c=256", Figures.Measure.CPU_PER_REQ, Workload.C256,
                                    Contender.C_FLOOR, 1.05, true),
                            new Target("CPU/request ≤ 1.10× C floor, pipelined ×16", Figures.Measure.CPU_PER_REQ,
                                    Workload.PIPELINED, Contender.C_FLOOR, 1.10, true)), true),
                    new TargetSet("issue 17", Contender.KEVENT_LEAN, "kevent-lean", LEAN, true),
                    new TargetSet("issue 17", Contender.KEVENT_LEAN_AIO, "kevent-lean-aio",
                            floor(1.05, Contender.C_URING_FLOOR, "C uring floor"), true)),
            List.of("rows marked (codec) run Netty's HttpServerCodec; (lean) rows, kevent lean, the Selector server and"
                    + " the C floors only find request ends and write canned answers (see docs/BENCHMARKS.md)"));

    /** CPU per request at most {@code bound} × a floor's, at c=256 and pipelined. */
    private static List<Target> floor(double bound, String floorKey, String floorName) {
        String b = String.format(java.util.Locale.ROOT, "%.2f", bound);
        return List.of(new Target("CPU/request ≤ " + b + "× " + floorName + ", c=256", Figures.Measure.CPU_PER_REQ,
                        Workload.C256, floorKey, bound, true),
                new Target("CPU/request ≤ " + b + "× " + floorName + ", pipelined ×16", Figures.Measure.CPU_PER_REQ,
                        Workload.PIPELINED, floorKey, bound, true));
    }

    /**
     * kevent-lean: CPU per request ≤ 1.03× the C floor (c=256, pipelined) and ≤ the Selector
     * server's; req/s at least and p99 at most the lean Netty epoll peer's and the Selector
     * server's, in every workload.
     */
    private static List<Target> leanTargets() {
        List<Target> all = new ArrayList<>(floor(1.03, Contender.C_FLOOR, "C floor"));
        for (Workload w : Workload.ALL) {
            all.add(new Target("CPU/request ≤ NIO Selector, " + w.title(), Figures.Measure.CPU_PER_REQ, w,
                    Contender.NIO_SELECTOR, 1.0, true));
        }
        for (String[] peer : new String[][] {{Contender.NETTY_LEAN_EPOLL, "Netty lean epoll"},
                {Contender.NIO_SELECTOR, "NIO Selector"}}) {
            for (Workload w : Workload.ALL) {
                all.add(new Target("req/s ≥ " + peer[1] + ", " + w.title(), Figures.Measure.REQ_PER_S, w, peer[0], 1.0,
                        false));
            }
            for (Workload w : Workload.ALL) {
                all.add(new Target("p99 ≤ " + peer[1] + ", " + w.title(), Figures.Measure.P99, w, peer[0], 1.0, true));
            }
        }
        return List.copyOf(all);
    }

    /**
     * {@code bench netty}: one Netty application on each transport, against Netty epoll; issue 15's
     * targets for the kevent transport. No C floor column: bench netty runs no C server.
     */
    static final Comparison NETTY = new Comparison("thread", "server thread", List.of(EPOLL_RATIOS),
            List.of(new TargetSet("issue 15", Contender.NETTY_KEVENT, Contender.NETTY_KEVENT, concat(List.of(
                    new Target("CPU/request ≤ 0.95× Netty epoll, c=256", Figures.Measure.CPU_PER_REQ, Workload.C256,
                            Contender.NETTY_EPOLL, 0.95, true),
                    new Target("CPU/request ≤ 0.95× Netty epoll, pipelined ×16", Figures.Measure.CPU_PER_REQ,
                            Workload.PIPELINED, Contender.NETTY_EPOLL, 0.95, true)), AS_FAST_AS_NETTY_EPOLL), false)),
            List.of());

    /**
     * {@code bench vthreads}: evserver --vthreads against the peer issue 14 names, the same
     * HttpProcessor on JDK sockets with virtual threads (its targets); the JDK's lean
     * virtual-thread server and evserver's event loop (as many threads as carriers) as further
     * references.
     */
    static final Comparison VTHREADS = new Comparison("carrier", "carrier thread",
            List.of(new Reference(Contender.JDK_VTHREADS_PROCESSOR, "JDK vt",
                            List.of(Figures.Measure.REQ_PER_S, Figures.Measure.CPU_PER_REQ, Figures.Measure.P99)),
                    new Reference(Contender.VIRTUAL_THREADS, "lean JDK vt",
                            List.of(Figures.Measure.REQ_PER_S, Figures.Measure.CPU_PER_REQ)),
                    new Reference(Contender.EVSERVER, "evserver",
                            List.of(Figures.Measure.REQ_PER_S, Figures.Measure.CPU_PER_REQ))),
            List.of(new TargetSet("issue 14", Contender.EVSERVER_VTHREADS, "evserver --vthreads",
                    vthreadTargets(Contender.JDK_VTHREADS_PROCESSOR, "JDK virtual threads (same HttpProcessor)"), false)),
            List.of("JDK vt = issue 14's peer: evserver's HttpProcessor, one virtual thread per connection, on java.net"
                            + " sockets (ProcessorOnJdkSockets): only the sockets differ from evserver --vthreads",
                    "lean JDK vt (virtual thread/conn) does less: it only counts request ends (\\r\\n\\r\\n) and"
                            + " writes canned answers, no HTTP parsing",
                    "evserver (event loop, --threads = carriers): what the blocking style costs against the event"
                            + " loop on the same HttpProcessor"));

    private static List<Target> vthreadTargets(String peer, String peerName) {
        return List.of(
                new Target("CPU/request ≤ 0.8× " + peerName + ", c=16", Figures.Measure.CPU_PER_REQ, Workload.C16,
                        peer, 0.8, true),
                new Target("CPU/request ≤ 0.8× " + peerName + ", c=256", Figures.Measure.CPU_PER_REQ, Workload.C256,
                        peer, 0.8, true),
                new Target("req/s ≥ 1.2× " + peerName + ", c=256", Figures.Measure.REQ_PER_S, Workload.C256, peer, 1.2,
                        false),
                new Target("p99 ≤ " + peerName + ", c=16", Figures.Measure.P99, Workload.C16, peer, 1.0, true),
                new Target("p99 ≤ " + peerName + ", c=256", Figures.Measure.P99, Workload.C256, peer, 1.0, true));
    }

    /** @return this comparison with {@code reference}'s columns after its own */
    Comparison with(Reference reference) {
        List<Reference> all = new ArrayList<>(references);
        all.add(reference);
        return new Comparison(unit, section, List.copyOf(all), targetSets, notes);
    }

    private static List<Target> concat(List<Target> first, List<Target> then) {
        List<Target> all = new ArrayList<>(first);
        all.addAll(then);
        return List.copyOf(all);
    }
}
