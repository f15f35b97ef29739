package org.kevent.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kevent.bench.support.Output;

/**
 * Entry point of {@code ./kevent bench NAME [--json FILE] [options]}.
 *
 * <h2>Semantics</h2>
 * Runs one benchmark, prints its header and tables on standard output, and with {@code --json FILE}
 * writes every measured value to FILE. An unknown or missing name prints the usage and exits with 2;
 * a bad option exits with 2 as well.
 */
public final class BenchMain {
    /** One runnable benchmark: its name, a line of usage, and what runs it. */
    private record Bench(String name, String usage, Runner runner, boolean ownJvm) {
    }

    @FunctionalInterface
    private interface Runner {
        void run(Report report, Options options) throws Exception;
    }

    private static final List<Bench> BENCHES = List.of(
            new Bench("timers", "[--timeouts N] [--rounds N] [--lateness-timeouts N] [--lateness-rounds N]"
                    + "  schedule+cancel throughput and firing lateness vs Netty HashedWheelTimer and JDK STPE",
                    TimersBench::run, true),
            new Bench("engine", "[--quick] [--baseline JAR [--rounds N]]"
                    + "  JMH: trigger/deliver (1 and 2 threads, ring), timer add+cancel; ops/s and B/op;"
                    + " with --baseline, trigger/deliver paired against another build's bench jar",
                    EngineRunner::run, false),
            new Bench("parser", "[--quick]  JMH: evserver's request-head parser, ns and bytes allocated per head (wrk's, a browser's)",
                    ParserRunner::run, false),
            new Bench("inode", "[--files N] [--rounds N] [--burst N]"
                    + "  file-creation latency, burst throughput and loss vs JDK WatchService", InodeBench::run, true),
            new Bench("vthreads", VthreadsBench.USAGE, VthreadsBench::run, true),
            new Bench("proc", "[--children N] [--rounds N] [--queue-warmup N | --no-queue-warmup]"
                    + "  child exit → notification latency, kevent PROC vs JDK onExit(), same children",
                    ProcBench::run, true),
            new Bench("idle", "[--idle N] [--rounds N]"
                    + "  round trip of one connection with 0 vs N idle registered connections", IdleBench::run, true),
            new Bench("naio-latency", "[--requests N] [--warmup N] [--rounds N] [--idle-us N]"
                    + "  one request at a time: peer's send to aioRecv completion, io_uring vs readiness",
                    NaioLatencyBench::run, true),
            new Bench("http", org.kevent.bench.http.HttpBench.USAGE, (report, options) -> {
                options.allowOnly(org.kevent.bench.http.HttpBench.OPTIONS);
                org.kevent.bench.http.HttpBench.run(output(report), options.values(), options.json());
            }, false),
            new Bench("netty", org.kevent.bench.netty.NettyBench.USAGE, (report, options) -> {
                options.allowOnly(org.kevent.bench.netty.NettyBench.OPTIONS);
                try {
                    org.kevent.bench.netty.NettyBench.run(output(report), options.values(), options.json());
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
            }, false),
            new Bench("netty-alloc", org.kevent.bench.netty.NettyAllocRunner.USAGE, (report, options) -> {
                options.allowOnly(org.kevent.bench.netty.NettyAllocRunner.OPTIONS);
                org.kevent.bench.netty.NettyAllocRunner.run(output(report), options.values());
            }, false),
            new Bench("naio", org.kevent.bench.naio.NaioBench.USAGE, (report, options) -> {
                options.allowOnly(org.kevent.bench.naio.NaioBench.OPTIONS);
                org.kevent.bench.naio.NaioBench.Settings settings;
                try {
                    settings = org.kevent.bench.naio.NaioBench.Settings.of(options.intOption("seconds", 8),
                            options.intOption("rounds", 3), options.values().get("part"), options.values().get("only"));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                org.kevent.bench.naio.NaioBench.run(output(report), settings);
            }, false));

    /** Set in a JVM this class started for a benchmark, so it runs the benchmark instead of forking again. */
    private static final String FORKED_PROPERTY = "kevent.bench.forked";

    /**
     * The heap of a benchmark that runs in its own JVM: fixed and pre-touched, so neither heap
     * growth nor the shrink after {@code System.gc()} (which left a 16 MB heap and 30-100 ms young
     * pauses inside the lateness window on a 2-core machine) is part of the figures. JMH does the
     * same for {@code engine} with its fork.
     */
    static final List<String> OWN_JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g",
            "-XX:+AlwaysPreTouch");

    /** Flags a benchmark's own JVM gets beyond {@link #OWN_JVM_FLAGS}, by benchmark name. */
    private static final Map<String, List<String>> MORE_JVM_FLAGS = Map.of("timers", TimersBench.MORE_JVM_FLAGS);

    private BenchMain() {
    }

    /**
     * Parsed options: {@code --json FILE} and any other {@code --key value} or {@code --flag}.
     *
     * @param json   where to write JSON, or null
     * @param values the other options, without their leading dashes; a flag maps to "true"
     */
    record Options(Path json, Map<String, String> values) {
        int intOption(String key, int fallback) {
            String v = values.get(key);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
                if (n < 1) {
                    throw new UsageException("--" + key + " must be at least 1, got " + v);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + key + " expects a number, got " + v);
            }
        }

        boolean flag(String key) {
            return values.containsKey(key);
        }

        /** Rejects any option other than {@code keys}: a typo must not silently run the defaults. */
        void allowOnly(String... keys) {
            for (String k : values.keySet()) {
                if (!List.of(keys).contains(k)) {
                    throw new UsageException("unknown option --" + k);
                }
            }
        }
    }

    /** A bad command line: the message is printed before the usage. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage(null);
            System.exit(2);
        }
        Bench bench = BENCHES.stream().filter(b -> b.name().equals(args[0])).findFirst().orElse(null);
        if (bench == null) {
            usage("unknown benchmark: " + args[0]);
            System.exit(2);
        }
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            usage(e.getMessage());
            System.exit(2);
            return;
        }
        if (bench.ownJvm() && System.getProperty(FORKED_PROPERTY) == null) {
            System.exit(fork(args));
        }
        Report report = new Report(System.out);
        try {
            bench.runner().run(report, options);
        } catch (UsageException e) {
            usage(e.getMessage());
            System.exit(2);
        }
        if (options.json() != null) {
            report.writeJson(options.json());
        }
        // Peers (STPE, HashedWheelTimer) are shut down, but a straggler thread must not keep us alive.
        System.exit(0);
    }

    /** Runs this same command in a child JVM with {@link #OWN_JVM_FLAGS}; returns its exit code. */
    private static int fork(String[] args) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(OWN_JVM_FLAGS);
        command.addAll(MORE_JVM_FLAGS.getOrDefault(args[0], List.of()));
        command.addAll(List.of("-D" + FORKED_PROPERTY + "=true", "-cp", System.getProperty("java.class.path"),
                BenchMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    private static Options parse(String[] args) {
        Path json = null;
        Map<String, String> values = new HashMap<>();
        for (int k = 1; k < args.length; k++) {
            String a = args[k];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument: " + a);
            }
            String key = a.substring(2);
            boolean hasValue = k + 1 < args.length && !args[k + 1].startsWith("--");
            if (key.equals("json")) {
                if (!hasValue) {
                    throw new UsageException("--json needs a file name");
                }
                json = Path.of(args[++k]);
            } else {
                values.put(key, hasValue ? args[++k] : "true");
            }
        }
        return new Options(json, values);
    }

    /** The report, as the runners in sub-packages see it. */
    static Output output(Report report) {
        return new Output(report::header, report::metric, report::note, rows -> {
            Report.Table t = report.table(rows.getFirst());
            rows.stream().skip(1).forEach(t::row);
            t.print();
        });
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println(problem);
        }
        System.err.println("usage: kevent bench NAME [--json FILE] [options]");
        System.err.println("benchmarks:");
        for (Bench b : BENCHES) {
            System.err.println("  " + b.name() + " " + b.usage());
        }
    }
}
