package org.kevent.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kevent.bench.support.Host;
import org.kevent.bench.support.Output;
import org.kevent.bench.support.ServerProcess;
import org.kevent.bench.support.Transport;

/**
 * {@code ./kevent bench http}: evserver against Netty 4.2 (nio, native epoll, native io_uring), a raw
 * {@code java.nio} Selector server, a virtual-thread-per-connection server, the lean servers that do
 * only the floor's work on kevent ({@link LeanKeventServer}: SOCKET interests and network AIO) and
 * on Netty ({@link LeanNettyServer}), and two C floors (epoll and io_uring), on
 * the TechEmpower plaintext exchange, loaded by wrk over loopback.
 *
 * <h2>Semantics</h2>
 * For each server-thread count (1, then 2): every server starts as its own process, must answer
 * {@code GET /plaintext} correctly (else it is reported and not loaded), gets a warm-up of each
 * workload, and then, round by round with the order rotated each round, a short warm-up and one wrk
 * run of each workload: {@code -t1 -c16}, {@code -t1 -c256}, and 16 pipelined requests per write at
 * c=16. Each run records req/s, p50 and p99 latency and the server's CPU time per request
 * ({@code utime + stime} of the server process from {@code /proc/PID/stat}, before and after the
 * run, over wrk's request count). Tables give medians and ratios <em>paired by round</em> against
 * Netty epoll and the C floor; the targets for evserver are printed met or NOT MET; an SVG
 * chart is written next to the JSON (or to {@code kevent-bench/target/http-bench.svg}).
 * {@code --baseline-cli-jar JAR} adds {@code evserver-baseline}, the same {@code serve} command from
 * another build's CLI jar, and ratio columns against it: evserver's row then gives this build ÷
 * that build per workload, paired by round (issue 13's before/after check).
 *
 * <p>{@code bench vthreads} runs the same machinery on three servers ({@link #forVirtualThreads}):
 * evserver {@code --vthreads}, the JDK virtual-thread server and evserver's event loop, at c=16 and
 * c=256 (pipelined on request), with 1 and 2 carrier threads, its ratios against the JDK server
 * ({@link Comparison#VTHREADS}); {@code bench netty} runs it on bench http's Netty server over four
 * Netty transports, kevent's among them ({@link #runTransports}, {@link Comparison#NETTY}).
 *
 * <h2>Caveats</h2>
 * wrk, the server and anything else on the machine share its cores; server CPU per request is the
 * steadier figure, req/s and latency move with the load around them.
 */
public final class HttpBench {
    /** The usage line after {@code http}. */
    public static final String USAGE = "[--rounds N] [--duration 5s] [--warmup 1s] [--threads 1|2|both] [--only KEY,KEY]"
            + " [--cli-jar FILE] [--c-reference FILE] [--baseline-cli-jar JAR]  wrk plaintext: evserver vs Netty"
            + " nio/epoll/io_uring, lean kevent and Netty servers, NIO Selector, virtual threads, C epoll and io_uring"
            + " floors (and evserver from JAR, paired)";
    /** The wrk part of {@code bench netty}'s usage. */
    public static final String TRANSPORTS_USAGE = "[--rounds N] [--duration 5s] [--warmup 1s] [--threads 1|2|both]"
            + " [--only KEY,KEY]";
    /** The options of {@link #runTransports}. */
    public static final String[] TRANSPORTS_OPTIONS = {"rounds", "duration", "warmup", "threads", "only"};
    /** Every option {@code http} accepts. */
    public static final String[] OPTIONS = {"rounds", "duration", "warmup", "threads", "only", "cli-jar", "c-reference",
            "baseline-cli-jar"};
    /** The options {@link #forVirtualThreads} reads; {@code --threads} counts carrier threads there. */
    public static final String[] VTHREADS_OPTIONS = {"rounds", "duration", "warmup", "threads", "cli-jar", "pipelined"};

    /** The keys of {@code bench http}'s servers, for {@code --only}. */
    static final String HTTP_KEYS = "evserver, evserver-aio, evserver-portable, kevent-lean, kevent-lean-aio, netty-nio, netty-epoll,"
            + " netty-io_uring, netty-lean-epoll, netty-lean-io_uring, nio-selector, virtual-threads, c-floor,"
            + " c-uring-floor, c-reference, evserver-vthreads, evserver-baseline";
    /** The keys of {@code bench netty}'s servers, for {@code --only}. */
    static final String NETTY_KEYS = "netty-kevent, netty-epoll, netty-io_uring, netty-nio";

    private static final long START_TIMEOUT_MILLIS = 30_000;
    /**
     * At start each server gets this many per-round warm-ups of every workload, and at least
     * {@link #INITIAL_WARMUP_MIN_SECONDS}: with 1 s a JVM server on a busy 2-core machine was still
     * compiling in round 1 (Netty epoll at a tenth of its later rate).
     */
    private static final int INITIAL_WARMUP_FACTOR = 3;
    private static final int INITIAL_WARMUP_MIN_SECONDS = 5;

    private final Output out;
    private final int roundsCount;
    private final int seconds;
    private final int warmupSeconds;
    private final int[] threadCounts;
    private final List<String> only;
    private final Path root;
    private final Path workDir;
    private final Map<String, String> options;
    private final Comparison comparison;
    /** Another build's CLI jar whose evserver runs beside this one's ({@code --baseline-cli-jar}), or null. */
    private final Path baselineCliJar;
    private final List<Workload> workloads;
    private Wrk wrk;
    private Path pipelineScript;
    private boolean cliBuildTried;

    private HttpBench(Output out, Map<String, String> options, Comparison comparison, List<Workload> workloads,
                      String workDirName) throws IOException {
        this.out = out;
        this.options = options;
        boolean http = comparison == Comparison.HTTP;   // the baseline is bench http's alone
        this.baselineCliJar = http ? baselineCliJar(options) : null;
        this.comparison = http ? httpComparison(baselineCliJar) : comparison;
        this.workloads = List.copyOf(workloads);
        this.roundsCount = positive(options, "rounds", 5);
        this.seconds = seconds(options, "duration", 5);
        this.warmupSeconds = seconds(options, "warmup", 1);
        this.threadCounts = switch (options.getOrDefault("threads", "both")) {
            case "1" -> new int[] {1};
            case "2" -> new int[] {2};
            case "both" -> new int[] {1, 2};
            default -> throw new IllegalArgumentException("--threads takes 1, 2 or both, got " + options.get("threads"));
        };
        this.only = options.containsKey("only") ? List.of(options.get("only").split(",")) : null;
        if (only != null && comparison != Comparison.VTHREADS) {
            checkOnly(only, comparison == Comparison.NETTY ? NETTY_KEYS : HTTP_KEYS);
        }
        this.root = Host.repositoryRoot();
        this.workDir = root.resolve("kevent-bench/target/" + workDirName);
        Files.createDirectories(workDir);
    }

    /**
     * Runs the benchmark.
     *
     * @param out     where tables, notes and values go
     * @param options the command-line options without dashes (see {@link #OPTIONS})
     * @param json    the {@code --json} file or null; the chart goes next to it
     */
    public static void run(Output out, Map<String, String> options, Path json) throws Exception {
        run(out, options, json, false);
    }

    /**
     * Runs the benchmark of {@code bench netty}: the same Netty plaintext server ({@link NettyServer},
     * unchanged) on kevent-netty's transport, Netty's native epoll and io_uring, and NIO; ratios and
     * issue 15's targets against Netty epoll. Same options as {@code http} but
     * {@code --cli-jar} and {@code --c-reference}.
     *
     * @param out     where tables, notes and values go
     * @param options the command-line options without dashes
     * @param json    the {@code --json} file or null; the chart goes next to it
     */
    public static void runTransports(Output out, Map<String, String> options, Path json) throws Exception {
        run(out, options, json, true);
    }

    private static void run(Output out, Map<String, String> options, Path json, boolean transports) throws Exception {
        HttpBench bench;
        try {
            bench = new HttpBench(out, options, transports ? Comparison.NETTY : Comparison.HTTP, List.of(Workload.ALL),
                    transports ? "netty-bench" : "http-bench");
        } catch (IllegalArgumentException e) {
            String name = transports ? "netty" : "http";
            System.err.println("bench " + name + ": " + e.getMessage());
            System.err.println("usage: kevent bench " + name + " " + (transports ? TRANSPORTS_USAGE : USAGE));
            System.exit(2);
            return;
        }
        try {
            bench.runAll(json);
        } finally {
            ServerProcess.stopAll();
        }
    }

    /**
     * {@code bench vthreads}' HTTP part, its options checked: evserver {@code --vthreads} against
     * the JDK's virtual-thread server and evserver's event loop (see {@link #measureVirtualThreads}).
     *
     * @param out     where tables, notes and values go
     * @param options {@link #VTHREADS_OPTIONS}, without dashes; others are ignored
     * @return the bench, to run with {@link #measureVirtualThreads}
     * @throws IllegalArgumentException if an option's value is bad
     * @throws IOException              if the work directory cannot be made
     */
    public static HttpBench forVirtualThreads(Output out, Map<String, String> options) throws IOException {
        return new HttpBench(out, options, Comparison.VTHREADS, vthreadsWorkloads(options), "vthreads-http");
    }

    /**
     * {@code --baseline-cli-jar JAR}: the CLI jar of another build, whose evserver
     * ({@link Contender#EVSERVER_BASELINE}) runs beside this build's.
     *
     * @return the jar, or null when the option is not given
     * @throws IllegalArgumentException if JAR is not a readable file, or {@code --only} names
     *                                  evserver-baseline without the option
     */
    static Path baselineCliJar(Map<String, String> options) {
        String v = options.get("baseline-cli-jar");
        if (v == null) {
            if (options.containsKey("only") && List.of(options.get("only").split(",")).contains(Contender.EVSERVER_BASELINE)) {
                throw new IllegalArgumentException("--only " + Contender.EVSERVER_BASELINE + " needs --baseline-cli-jar JAR");
            }
            return null;
        }
        Path jar = Path.of(v);
        if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
            throw new IllegalArgumentException("--baseline-cli-jar " + v + ": no readable file");
        }
        return jar;
    }

    /**
     * {@code bench http}'s comparison: {@link Comparison#HTTP}, and with a baseline jar also the
     * ratios against that build's evserver ({@link Comparison#BASELINE}), so that evserver's row
     * reads this build ÷ the baseline build, paired by round.
     */
    static Comparison httpComparison(Path baselineCliJar) {
        return baselineCliJar == null ? Comparison.HTTP : Comparison.HTTP.with(Comparison.BASELINE);
    }

    /** Issue 14 asks for c=16 and c=256; {@code --pipelined} adds pipelined ×16. */
    static List<Workload> vthreadsWorkloads(Map<String, String> options) {
        return options.containsKey("pipelined") ? List.of(Workload.ALL) : List.of(Workload.C16, Workload.C256);
    }

    /**
     * Loads evserver {@code --vthreads}, evserver's HttpProcessor on JDK sockets (virtual threads),
     * the JDK's lean virtual-thread server and evserver (event loop,
     * as many threads as carriers) with 1 and 2 carrier threads, prints the tables, ratios against
     * the JDK's server and issue 14's targets, records every figure, and stops every server.
     */
    public void measureVirtualThreads() throws Exception {
        try {
            String java = Host.java();
            measureAll(List.of(fromCliJar(java, Contender.EVSERVER_VTHREADS, Contender::evserverVthreads),
                    Contender.processorOnJdkSockets(java, Host.classPath()),
                    Contender.virtualThreads(java, Host.classPath()),
                    fromCliJar(java, Contender.EVSERVER, Contender::evserver)));
            out.note().accept("load average at end: " + Host.loadAverage());
        } finally {
            ServerProcess.stopAll();
        }
    }

    private void runAll(Path json) throws Exception {
        if (transports()) {
            out.header().accept("netty", "wrk plaintext over loopback: one Netty application on the kevent "
                    + "transport vs Netty epoll/io_uring/nio");
        } else {
            out.header().accept("http", "wrk plaintext over loopback: evserver vs Netty nio/epoll/io_uring, "
                    + "lean kevent and Netty servers, NIO Selector, virtual threads, C epoll and io_uring floors");
        }
        List<Figures> all = measureAll(contenders());
        out.note().accept("load average at end: " + Host.loadAverage());
        Path svg = json != null ? json.resolveSibling(svgName(json))
                : workDir.resolveSibling(transports() ? "netty-bench.svg" : "http-bench.svg");
        Files.writeString(svg, SvgChart.render(all, machineNote()));
        out.note().accept("chart: " + svg.toAbsolutePath());
    }

    /** {@code bench netty}: the Netty plaintext server on each Netty transport, kevent's among them. */
    private boolean transports() {
        return comparison == Comparison.NETTY;
    }

    /** Every thread count: starts, loads and stops the servers, prints and records the figures. */
    private List<Figures> measureAll(List<Contender> contenders) throws Exception {
        wrk = Wrk.locate(System.out);
        pipelineScript = Wrk.writePipelineScript(workDir);
        out.note().accept("wrk: " + wrk.executable() + " -t1, " + seconds + " s per run, warm-up " + warmupSeconds
                + " s per server per round at c=256 (" + initialWarmupSeconds() + " s of each workload at start); " + roundsCount + " rounds, order rotated each round");
        out.note().accept("load average at start: " + Host.loadAverage() + "; work dir " + workDir);
        for (Contender c : contenders) {
            if (!c.available()) {
                out.note().accept(c.key() + ": not available (" + c.unavailable() + ")");
            }
        }
        out.note().accept("");
        List<Figures> all = new ArrayList<>();
        for (int threads : threadCounts) {
            Figures f = measure(contenders, threads);
            all.add(f);
            Tables.print(out, f, seconds, comparison);
            Tables.record(out.metric(), f, comparison);
        }
        return all;
    }

    private String machineNote() {
        return Runtime.getRuntime().availableProcessors() + " cores, wrk -t1 on the same cores, " + roundsCount
                + " rounds × " + seconds + " s; bars: median, whiskers: min..max over rounds";
    }

    private static String svgName(Path json) {
        String name = json.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name) + ".svg";
    }

    // ---------------------------------------------------------------------------------- servers

    private List<Contender> contenders() throws IOException, InterruptedException {
        String java = Host.java();
        String cp = Host.classPath();
        List<Contender> list = new ArrayList<>();
        if (transports()) {
            for (String t : List.of("kevent", "epoll", "io_uring", "nio")) {
                list.add(Contender.netty(java, cp, t));
            }
            return selected(list, NETTY_KEYS);
        }
        list.add(fromCliJar(java, Contender.EVSERVER, Contender::evserver));
        if (baselineCliJar != null) {
            list.add(Contender.evserverBaseline(java, baselineCliJar, null));
        }
        list.add(fromCliJar(java, Contender.EVSERVER_AIO, Contender::evserverAio));
        list.add(fromCliJar(java, Contender.EVSERVER_PORTABLE, Contender::evserverPortable));
        list.add(Contender.leanKevent(java, cp, false));
        list.add(Contender.leanKevent(java, cp, true));
        if (only != null && only.contains(Contender.EVSERVER_VTHREADS)) {
            list.add(fromCliJar(java, Contender.EVSERVER_VTHREADS, Contender::evserverVthreads)); // on request only
        }
        list.add(Contender.netty(java, cp, "nio"));
        list.add(Contender.netty(java, cp, "epoll"));
        list.add(Contender.netty(java, cp, "io_uring"));
        list.add(Contender.leanNetty(java, cp, "epoll"));
        list.add(Contender.leanNetty(java, cp, "io_uring"));
        list.add(Contender.selector(java, cp));
        list.add(Contender.virtualThreads(java, cp));
        list.add(Contender.c(Contender.C_FLOOR, "C epoll floor", root.resolve("kevent-bench/src/main/c/epoll_floor.c"),
                workDir, true));
        list.add(Contender.cUring(root.resolve("kevent-bench/src/main/c/uring_floor.c"), workDir));
        if (options.containsKey("c-reference")) {
            list.add(Contender.c("c-reference", "C reference", Path.of(options.get("c-reference")), workDir, false));
        }
        return selected(list, HTTP_KEYS);
    }

    private List<Contender> selected(List<Contender> list, String keys) {
        if (only != null) {
            list.removeIf(c -> !only.contains(c.key()));
            if (list.isEmpty()) {
                throw new IllegalArgumentException("--only matches no server; keys: " + keys);
            }
        }
        return list;
    }

    /**
     * Refuses an {@code --only} key that names no server: a typo would otherwise drop a server
     * from a focused run without a word.
     *
     * @param keys every server's key, comma-separated
     * @throws IllegalArgumentException naming the first unknown key and the known ones
     */
    static void checkOnly(List<String> only, String keys) {
        List<String> known = List.of(keys.split(", *"));
        for (String k : only) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("--only " + k + ": no such server; keys: " + keys);
            }
        }
    }

    /**
     * A server of the CLI jar ({@code --cli-jar}, else kevent-cli's, built with Maven once if
     * missing); unavailable when {@code --only} leaves it out or there is no jar.
     */
    private Contender fromCliJar(String java, String key, Contender.FromCliJar make)
            throws IOException, InterruptedException {
        if (only != null && !only.contains(key)) {
            return make.make(java, null, "not selected by --only");
        }
        Path jar = options.containsKey("cli-jar") ? Path.of(options.get("cli-jar"))
                : root.resolve("kevent-cli/target/kevent-cli-all.jar");
        if (!Files.isRegularFile(jar) && !options.containsKey("cli-jar") && !cliBuildTried) {
            cliBuildTried = true;
            buildCliJar();
        }
        if (!Files.isRegularFile(jar)) {
            return make.make(java, jar, "no CLI jar at " + jar);
        }
        return make.make(java, jar, null);
    }

    private void buildCliJar() throws IOException, InterruptedException {
        String mvn = Host.onPath("mvn");
        if (mvn == null) {
            out.note().accept("kevent-cli jar missing and mvn is not on the PATH: cannot build it");
            return;
        }
        out.note().accept("kevent-cli jar missing: mvn -B -q -DskipTests -pl kevent-cli -am package (log: "
                + workDir.resolve("cli-build.log") + ")");
        ProcessBuilder p = new ProcessBuilder(mvn, "-B", "-q", "-DskipTests", "-f", root.resolve("pom.xml").toString(),
                "-pl", "kevent-cli", "-am", "package")
                .redirectErrorStream(true).redirectOutput(workDir.resolve("cli-build.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        p.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process build = p.start();
        if (!build.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
            build.destroyForcibly();
        }
    }

    /** A started server that answered its check, with the port it listens on. */
    private record Running(Contender contender, ServerProcess process, int port) {
        String url() {
            return "http://127.0.0.1:" + port + "/plaintext";
        }
    }

    /** Starts and checks one server; null (after printing why) if it cannot be loaded. */
    private Running start(Contender c, int threads) throws IOException, InterruptedException {
        if (!c.available()) {
            return null;
        }
        List<String> command;
        try {
            command = c.command(0, threads); // probe: a single-threaded-only server refuses here
        } catch (IllegalStateException e) {
            out.note().accept(c.key() + ": not run with " + threads + " threads (" + e.getMessage() + ")");
            return null;
        }
        int port = ServerProcess.freePort();
        command = c.command(port, threads);
        ServerProcess p = ServerProcess.start(command, workDir.resolve(c.key() + "-t" + threads + ".log"));
        String problem = p.awaitListening(port, START_TIMEOUT_MILLIS);
        if (problem == null) {
            problem = PlaintextCheck.check(port);
        }
        if (problem != null) {
            p.stop();
            if ((c.key().equals(Contender.EVSERVER) || c.key().equals(Contender.EVSERVER_BASELINE))
                    && p.exitStatus() != null && p.exitStatus() == 2) {
                problem = "the CLI jar has no serve command yet: " + p.logHead();
            } else if (p.exitStatus() != null && p.exitStatus() == Transport.EXIT_UNAVAILABLE) {
                problem = "transport unavailable: " + p.logTail();
            }
            out.note().accept(c.key() + ": not available (" + problem + ")");
            return null;
        }
        out.note().accept(c.key() + " (" + threads + " " + comparison.unit() + (threads == 1 ? "" : "s") + "): pid " + p.pid()
                + ", answer checked; " + String.join(" ", command));
        return new Running(c, p, port);
    }

    // ---------------------------------------------------------------------------------- measuring

    private Figures measure(List<Contender> contenders, int threads) throws Exception {
        out.note().accept("== " + threads + " " + comparison.section() + (threads == 1 ? "" : "s") + " ==");
        List<Running> running = new ArrayList<>();
        try {
            for (Contender c : contenders) {
                Running r = start(c, threads);
                if (r != null) {
                    running.add(r);
                }
            }
            Figures f = new Figures(threads, running.stream().map(Running::contender).toList(), workloads, roundsCount);
            for (Running r : running) {
                for (Workload w : workloads) {
                    warmUp(r, w, initialWarmupSeconds());
                }
            }
            long started = System.nanoTime();
            for (int round = 0; round < roundsCount; round++) {
                for (int k = 0; k < running.size(); k++) {
                    int s = (k + round) % running.size();
                    runSlot(f, s, running.get(s), round);
                }
                System.err.printf(Locale.ROOT, "http bench: %d thread(s), round %d/%d done, %.0f s%n", threads,
                        round + 1, roundsCount, (System.nanoTime() - started) / 1e9);
            }
            out.note().accept("");
            return f;
        } finally {
            for (Running r : running) {
                r.process().stop();
            }
        }
    }

    private int initialWarmupSeconds() {
        return Math.max(INITIAL_WARMUP_MIN_SECONDS, INITIAL_WARMUP_FACTOR * warmupSeconds);
    }

    private void warmUp(Running r, Workload w, int warmSeconds) throws InterruptedException {
        if (!r.process().alive()) {
            return;
        }
        try {
            wrk.run(r.url(), w.connections(), warmSeconds, w.pipelined() ? pipelineScript : null);
        } catch (IOException e) {
            out.note().accept(r.contender().key() + ": warm-up " + w.key() + " failed: " + e.getMessage());
        }
    }

    /** One server's turn in a round: a warm-up at c=256, then one measured run of each workload. */
    private void runSlot(Figures f, int s, Running r, int round) throws InterruptedException {
        warmUp(r, Workload.C256, warmupSeconds);
        for (int w = 0; w < workloads.size(); w++) {
            Workload load = workloads.get(w);
            if (!r.process().alive()) {
                out.note().accept(r.contender().key() + ": died (" + r.process().logTail() + "); round " + (round + 1)
                        + " " + load.key() + " not measured");
                continue;
            }
            long before = r.process().cpuTicks();
            long sysBefore = r.process().sysTicks();
            Wrk.Result res;
            try {
                res = wrk.run(r.url(), load.connections(), seconds, load.pipelined() ? pipelineScript : null);
            } catch (IOException e) {
                out.note().accept(r.contender().key() + ": round " + (round + 1) + " " + load.key() + ": " + e.getMessage());
                continue;
            }
            long after = r.process().cpuTicks();
            long sysAfter = r.process().sysTicks();
            f.set(Figures.Measure.REQ_PER_S, s, w, round, res.requestsPerSecond());
            f.set(Figures.Measure.P50, s, w, round, res.p50Micros());
            f.set(Figures.Measure.P99, s, w, round, res.p99Micros());
            if (before >= 0 && after >= 0 && res.requests() > 0) {
                f.set(Figures.Measure.CPU_PER_REQ, s, w, round, (after - before) * 1e6 / ServerProcess.CLOCK_TICKS / res.requests());
                f.set(Figures.Measure.SYS_PER_REQ, s, w, round,
                        (sysAfter - sysBefore) * 1e6 / ServerProcess.CLOCK_TICKS / res.requests());
            }
            f.errors[s][w] += res.socketErrors() + res.non2xx();
        }
    }

    // ---------------------------------------------------------------------------------- options

    private static int positive(Map<String, String> options, String key, int fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException("--" + key + " must be at least 1, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " expects a number, got " + v);
        }
    }

    /** Whole seconds: {@code 5}, {@code 5s}; wrk takes no fractions. */
    private static int seconds(Map<String, String> options, String key, int fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        String digits = v.endsWith("s") ? v.substring(0, v.length() - 1) : v;
        try {
            int n = Integer.parseInt(digits);
            if (n < 1) {
                throw new IllegalArgumentException("--" + key + " must be at least 1 s, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " expects whole seconds (5 or 5s), got " + v);
        }
    }
}
