package org.kevent.bench.naio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.kevent.bench.support.Host;
import org.kevent.bench.support.Output;
import org.kevent.bench.support.ServerProcess;
import org.kevent.bench.support.Transport;

/**
 * {@code ./kevent bench naio}: kevent's network AIO ({@code aioSendfile}, {@code aioRecv} +
 * {@code aioSend}) against blocking sockets on platform and virtual threads and against Netty, in
 * bytes per second and bytes per CPU-second of the server.
 *
 * <h2>Semantics</h2>
 * Two parts (see {@link Part}), each with its own servers ({@link Server#of}): every server runs as
 * its own process with one server thread, must pass {@link Check} (else it is reported as
 * "failed: REASON" and the others go on), gets {@link #INITIAL_WARMUP_SECONDS} of load, and then,
 * round by round with the order rotated each round, one turn: the {@link LoadClient} connects,
 * loads it for {@link #TURN_WARMUP_SECONDS}, and then for the measured window, over which the
 * runner takes the bytes the clients read and the server process's CPU time
 * ({@code utime + stime} from {@code /proc/PID/stat}). Tables give medians and ratios paired by
 * round against the virtual-thread server and the part's Netty server; the targets for
 * each kevent server are printed MET or NOT MET.
 *
 * <h2>Caveats</h2>
 * The clients run in this JVM on the same two cores: their CPU is not counted against a server,
 * but they compete with it, so bytes/s moves with the machine's load while bytes per CPU-second
 * is the steadier figure. On loopback the receiving side's TCP work partly runs in the sender's
 * context (softirq), so a server's CPU includes some of it — but not equally for every server:
 * how much lands in its context depends on when it runs (a thread that sleeps in {@code sendfile}
 * leaves more of it to the clients' threads and ksoftirqd). So the table also gives bytes per
 * CPU-second of the whole machine (server, clients, kernel threads: the busy time of
 * {@code /proc/stat} over the window), the cost of a byte wherever it is paid.
 */
public final class NaioBench {
    /** The usage line after {@code naio}. */
    public static final String USAGE = "[--seconds N] [--rounds N] [--part sendfile|echo|both] [--only KEY,KEY]"
            + "  network AIO: aio_sendfile and aio_recv/aio_send vs blocking threads, virtual threads, Netty";
    /** Every option {@code naio} accepts. */
    public static final String[] OPTIONS = {"seconds", "rounds", "part", "only"};
    /** Every server key, for {@code --only}. */
    public static final List<String> KEYS = List.of(Server.KEVENT, Server.KEVENT_READINESS, Server.KEVENT_MULTISHOT,
            "platform-threads",
            Server.VIRTUAL, Server.NETTY_EPOLL, Server.NETTY_IO_URING);

    private static final long START_TIMEOUT_MILLIS = 30_000;
    /** Load before the first round, per server: the JIT of server and clients. */
    private static final int INITIAL_WARMUP_SECONDS = 3;
    /** Load before each measured window: connections set up, transfers under way. */
    private static final int TURN_WARMUP_SECONDS = 1;

    /**
     * What to run.
     *
     * @param seconds the measured window of each turn
     * @param rounds  how many rounds
     * @param parts   which parts, in order
     * @param only    the server keys to run, or null for all
     */
    public record Settings(int seconds, int rounds, List<Part> parts, List<String> only) {
        /**
         * @param part {@code sendfile}, {@code echo}, {@code both} or null (both)
         * @param only comma-separated server keys, or null
         * @throws IllegalArgumentException for an unknown part or key
         */
        public static Settings of(int seconds, int rounds, String part, String only) {
            List<Part> parts = switch (part == null ? "both" : part) {
                case "both" -> List.of(Part.SENDFILE, Part.ECHO);
                case "sendfile" -> List.of(Part.SENDFILE);
                case "echo" -> List.of(Part.ECHO);
                default -> throw new IllegalArgumentException("--part takes sendfile, echo or both, got " + part);
            };
            List<String> keys = only == null ? null : List.of(only.split(","));
            if (keys != null) {
                for (String k : keys) {
                    if (!KEYS.contains(k)) {
                        throw new IllegalArgumentException("--only: unknown server " + k + "; keys: " + String.join(", ", KEYS));
                    }
                }
            }
            return new Settings(seconds, rounds, parts, keys);
        }
    }

    private final Output out;
    private final Settings settings;
    private final Path workDir;
    private Path file;
    private long fileCrc;

    private NaioBench(Output out, Settings settings) throws IOException {
        this.out = out;
        this.settings = settings;
        this.workDir = Host.repositoryRoot().resolve("kevent-bench/target/naio-bench");
        Files.createDirectories(workDir);
    }

    /**
     * Runs the benchmark.
     *
     * @param out      where tables, notes and values go
     * @param settings what to run
     */
    public static void run(Output out, Settings settings) throws Exception {
        NaioBench bench = new NaioBench(out, settings);
        Path dir = Files.createTempDirectory("kevent-naio-");
        try {
            bench.runAll(dir);
        } finally {
            ServerProcess.stopAll();
            if (bench.file != null) {
                Files.deleteIfExists(bench.file);
            }
            Files.deleteIfExists(dir);
        }
    }

    private void runAll(Path dir) throws Exception {
        out.header().accept("naio", "network AIO over loopback: kevent aio_sendfile and aio_recv/aio_send vs blocking "
                + "platform and virtual threads and Netty, bytes per CPU-second of a one-thread server");
        out.note().accept(settings.rounds() + " rounds, order rotated each round; per server and round " + TURN_WARMUP_SECONDS
                + " s of load, then " + settings.seconds() + " s measured (" + INITIAL_WARMUP_SECONDS
                + " s of load per server before round 1); clients: " + "2 NIO threads in the runner JVM");
        out.note().accept("load average at start: " + Host.loadAverage() + "; server logs in " + workDir);
        if (settings.parts().contains(Part.SENDFILE)) {
            createFile(dir.resolve("naio-256m.bin"));
        }
        out.note().accept("");
        for (Part part : settings.parts()) {
            Runs r = measure(part);
            NaioTables.print(out, r, settings.seconds());
            NaioTables.record(out.metric(), r);
        }
        out.note().accept("load average at end: " + Host.loadAverage());
    }

    /** Writes {@link Part#FILE_BYTES} of pseudo-random bytes (a fixed seed) and keeps their CRC-32C for the check. */
    private void createFile(Path path) throws IOException {
        long t0 = System.nanoTime();
        file = path;
        CRC32C crc = new CRC32C();
        SplittableRandom random = new SplittableRandom(5);
        byte[] chunk = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long written = 0; written < Part.FILE_BYTES; written += chunk.length) {
                random.nextBytes(chunk);
                crc.update(chunk);
                ByteBuffer b = ByteBuffer.wrap(chunk);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
        fileCrc = crc.getValue();
        out.note().accept(String.format(Locale.ROOT, "file: %d MiB at %s (CRC-32C %08x), written in %.1f s; deleted at the end",
                Part.FILE_BYTES >> 20, path, fileCrc, (System.nanoTime() - t0) / 1e9));
    }

    // ---------------------------------------------------------------------------------- servers

    /** A started server that passed its check. */
    private record Running(int index, Server server, ServerProcess process, int port) {
    }

    /** Starts and checks one server; null (with the reason recorded in {@code runs}) if it cannot be loaded. */
    private Running start(Runs runs, int index, Part part) throws IOException, InterruptedException {
        Server server = runs.servers.get(index);
        int port = ServerProcess.freePort();
        List<String> command = server.command().command(port);
        ServerProcess p = ServerProcess.start(command, workDir.resolve(server.key() + "-" + part.key + ".log"));
        String problem = p.awaitListening(port, START_TIMEOUT_MILLIS);
        if (problem == null) {
            problem = part == Part.SENDFILE ? Check.sendfile(port, fileCrc) : Check.echo(port);
        }
        if (server.isKevent()) {
            runs.io[index] = logLine(p, "aio engine: ", "?");
        }
        if (problem != null) {
            String failure = logLine(p, KeventNaioServer.FAILED, null);
            p.stop();
            if (p.exitStatus() != null && p.exitStatus() == Transport.EXIT_UNAVAILABLE) {
                problem = "transport unavailable: " + p.logTail();
            } else if (failure != null) {
                problem = failure;
            }
            runs.failed[index] = problem;
            out.note().accept(server.key() + ": failed: " + problem);
            return null;
        }
        if (server.key().equals(Server.KEVENT_READINESS) && !"readiness".equals(runs.io[index])) {
            out.note().accept(server.key() + ": -Dkevent.aio=readiness gave engine " + runs.io[index]);
        }
        out.note().accept(server.key() + " (" + runs.io[index] + "): pid " + p.pid() + ", answer checked; "
                + String.join(" ", command));
        return new Running(index, server, p, port);
    }

    /**
     * @return the rest of the first line of the server's output that starts with {@code prefix}
     *         (the engine a kevent server names, or its failure), else {@code fallback}
     */
    private static String logLine(ServerProcess p, String prefix, String fallback) {
        try {
            for (String line : Files.readAllLines(p.log())) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the fallback says it
        }
        return fallback;
    }

    // ---------------------------------------------------------------------------------- measuring

    private Runs measure(Part part) throws Exception {
        List<Server> servers = new ArrayList<>(Server.of(part, file));
        if (settings.only() != null) {
            servers.removeIf(s -> !settings.only().contains(s.key()));
        }
        Runs runs = new Runs(part, servers, settings.rounds());
        out.note().accept("== " + part.key + ": " + part.title + " ==");
        List<Running> running = new ArrayList<>();
        try {
            for (int s = 0; s < servers.size(); s++) {
                Running r = start(runs, s, part);
                if (r != null) {
                    running.add(r);
                }
            }
            for (Running r : running) {
                load(runs, r, -1, INITIAL_WARMUP_SECONDS, 0);
            }
            long started = System.nanoTime();
            for (int round = 0; round < settings.rounds(); round++) {
                for (int k = 0; k < running.size(); k++) {
                    Running r = running.get((k + round) % running.size());
                    load(runs, r, round, TURN_WARMUP_SECONDS, settings.seconds());
                }
                System.err.printf(Locale.ROOT, "naio bench: %s round %d/%d done, %.0f s%n", part.key, round + 1,
                        settings.rounds(), (System.nanoTime() - started) / 1e9);
            }
            out.note().accept("");
            return runs;
        } finally {
            for (Running r : running) {
                r.process().stop();
            }
        }
    }

    /**
     * One turn: {@code warmSeconds} of load, then, if {@code seconds > 0}, a measured window
     * recorded as {@code round}. A server that died or broke the protocol is marked failed and
     * gets no further turns.
     */
    private void load(Runs runs, Running r, int round, int warmSeconds, int seconds) throws InterruptedException {
        int s = r.index();
        if (runs.failed[s] != null) {
            return;
        }
        String problem;
        try (LoadClient load = LoadClient.start(runs.part, r.port())) {
            TimeUnit.SECONDS.sleep(warmSeconds);
            long b0 = load.bytes();
            double c0 = r.process().cpuSeconds();
            double m0 = org.kevent.bench.support.Host.machineBusySeconds();
            long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            long b1 = load.bytes();
            double c1 = r.process().cpuSeconds();
            double m1 = org.kevent.bench.support.Host.machineBusySeconds();
            long t1 = System.nanoTime();
            problem = load.failure();
            if (problem == null && !r.process().alive()) {
                String failure = logLine(r.process(), KeventNaioServer.FAILED, null);
                problem = "the server exited: " + (failure != null ? failure : r.process().logTail());
            }
            if (problem == null && b1 == b0 && seconds > 0) {
                problem = "no bytes in " + seconds + " s";
            }
            if (problem == null && seconds > 0) {
                runs.set(s, round, b1 - b0, (t1 - t0) / 1e9, c1 - c0, m1 - m0);
            }
        } catch (IOException e) {
            problem = "load: " + e;
        }
        if (problem != null) {
            runs.failed[s] = (round < 0 ? "warm-up: " : "round " + (round + 1) + ": ") + problem;
            out.note().accept(r.server().key() + ": failed: " + runs.failed[s]);
        }
    }
}
