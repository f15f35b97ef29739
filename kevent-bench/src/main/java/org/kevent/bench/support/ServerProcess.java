package org.kevent.bench.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One server under test, running as its own process, and the CPU time it has used; or any other
 * child run whose output goes to a log (a JMH run of {@code engine --baseline}).
 *
 * <h2>Semantics</h2>
 * The command is started directly (no shell), so {@link #pid()} is the server itself — the JVM or
 * the C binary — and {@link #cpuTicks()} reads that process's {@code utime + stime} from
 * {@code /proc/PID/stat}, summed over all its threads, in clock ticks. Output goes to a log file.
 * Every started process is remembered until {@link #stop()}: a shutdown hook stops the ones still
 * running when the runner exits, by Ctrl-C or an exception.
 *
 * <h2>Threading</h2>
 * {@link #stop()} and the hook may race; both are idempotent.
 */
public final class ServerProcess implements AutoCloseable {
    /** {@code getconf CLK_TCK}: the unit of {@code /proc/PID/stat}'s utime and stime. */
    public static final long CLOCK_TICKS = clockTicks();

    private static final Set<ServerProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final long STOP_GRACE_MILLIS = 2_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** How far below the ephemeral range {@link #freePort()} looks. */
    private static final int PORTS_BELOW = 8192;
    private static final int PORT_TRIES = 64;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ServerProcess::stopAll, "bench-server-cleanup"));
    }

    private final Process process;
    private final Path log;

    private ServerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with standard output and error appended to {@code log}. */
    public static ServerProcess start(List<String> command, Path log) throws IOException {
        Files.deleteIfExists(log);
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        ServerProcess sp = new ServerProcess(p, log);
        LIVE.add(sp);
        return sp;
    }

    /** @return the server's process id: the JVM or the C binary itself */
    public long pid() {
        return process.pid();
    }

    /** @return the file the process's output goes to */
    public Path log() {
        return log;
    }

    /** @return whether the process is still running */
    public boolean alive() {
        return process.isAlive();
    }

    /** @return the exit status if the process has ended, else null */
    public Integer exitStatus() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** @return the last lines of the log, one string, for an error message */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())).strip();
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** @return the first line of the log (a usage error's own message), or an empty string */
    public String logHead() {
        try (var lines = Files.lines(log)) {
            return lines.findFirst().orElse("").strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Waits until something accepts connections on 127.0.0.1:{@code port}, or the process exits,
     * or {@code timeoutMillis} pass.
     *
     * @return null when it listens, else why not
     */
    public String awaitListening(int port, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return "exited with status " + process.exitValue() + ": " + logTail();
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return null;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        return "not listening on port " + port + " after " + timeoutMillis + " ms: " + logTail();
    }

    /**
     * @return {@code utime + stime} of the process in clock ticks, or -1 if it is gone
     */
    public long cpuTicks() {
        long[] t = times();
        return t == null ? -1 : t[0] + t[1];
    }

    /**
     * @return {@code stime} of the process in clock ticks (the time the kernel spent on its
     *         behalf: system calls, and the network stack's work done in them), or -1 if it is gone
     */
    public long sysTicks() {
        long[] t = times();
        return t == null ? -1 : t[1];
    }

    /** @return {utime, stime} in clock ticks, or null if the process is gone */
    private long[] times() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // Field 2, the command name, may hold spaces and parentheses: count from the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // fields 14 (utime) and 15 (stime)
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** @return {@link #cpuTicks()} in seconds, or NaN if the process is gone */
    public double cpuSeconds() {
        long ticks = cpuTicks();
        return ticks < 0 ? Double.NaN : ticks / (double) CLOCK_TICKS;
    }

    /**
     * Waits until the process ends by itself; it is then no longer one the shutdown hook stops.
     *
     * @return its exit status
     */
    public int awaitExit() throws InterruptedException {
        int status = process.waitFor();
        LIVE.remove(this);
        return status;
    }

    /** Stops the process: SIGTERM, then SIGKILL after a grace period; waits a bounded time. */
    public void stop() {
        LIVE.remove(this);
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Stops every process still running; what the shutdown hook runs. */
    public static void stopAll() {
        for (ServerProcess sp : List.copyOf(LIVE)) {
            sp.stop();
        }
    }

    /**
     * A port for a server to bind a moment later: below the kernel's ephemeral range. A port from
     * that range may be taken in between by any outgoing connection on the machine (a load
     * generator's, another benchmark's: 256 at a time), and the server then dies with
     * {@code EADDRINUSE}; this ended evserver's start in a shared-machine run of
     * {@code bench vthreads}. Outgoing connections never get a port below the range.
     *
     * @return a TCP port on 127.0.0.1 that was free a moment ago
     */
    public static int freePort() throws IOException {
        int[] range;
        try (var in = Files.newInputStream(EPHEMERAL_RANGE)) {
            // Not Files.readString: on this sysctl file (size 0) JDK 25 returned "3".
            range = ephemeralRange(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            range = null;
        }
        return freePort(range);
    }

    /**
     * @param ephemeral the ephemeral range, or null if unknown
     * @return a free port among the {@value #PORTS_BELOW} below the range (from 1024), at random;
     *         if there is no such room, or none of {@value #PORT_TRIES} tries is free, the port the
     *         kernel picks, as before
     */
    static int freePort(int[] ephemeral) throws IOException {
        if (ephemeral != null) {
            int high = ephemeral[0];
            int low = Math.max(1024, high - PORTS_BELOW);
            for (int k = 0; k < PORT_TRIES && high - low >= PORT_TRIES; k++) {
                int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(low, high);
                if (bindable(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param text {@code /proc/sys/net/ipv4/ip_local_port_range}: two numbers
     * @return the first and last ephemeral port, or null if {@code text} is not a range of ports
     */
    static int[] ephemeralRange(String text) {
        String[] f = text.strip().split("\\s+");
        if (f.length != 2) {
            return null;
        }
        try {
            int first = Integer.parseInt(f[0]);
            int last = Integer.parseInt(f[1]);
            return first >= 1 && first <= last && last <= 65535 ? new int[] {first, last} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The start of every Java server's command line: the runner's own JDK, FFM allowed, a fixed
     * pre-touched heap (so neither heap growth nor its shrink lands inside a measurement), the
     * {@code extra} flags, and the class path ({@link Host#classPath()}: the bench jar). The main class and its arguments follow.
     */
    public static List<String> javaCommand(String java, String classPath, List<String> extra) {
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m",
                "-XX:+AlwaysPreTouch"));
        cmd.addAll(extra);
        cmd.addAll(List.of("-cp", classPath));
        return cmd;
    }

    private static long clockTicks() {
        try {
            return Long.parseLong(Host.command(List.of("getconf", "CLK_TCK")).strip());
        } catch (IOException | RuntimeException e) {
            return 100; // USER_HZ on every Linux architecture the JDK runs on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
