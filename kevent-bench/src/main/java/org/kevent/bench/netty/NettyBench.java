package org.kevent.bench.netty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kevent.bench.http.HttpBench;
import org.kevent.bench.support.Host;
import org.kevent.bench.support.Output;
import org.kevent.bench.support.ServerProcess;

/**
 * {@code ./kevent bench netty}: one Netty application on four Netty transports — kevent-netty's,
 * Netty's native epoll and io_uring, and NIO — so that only the transport differs (issue 15).
 *
 * <h2>Semantics</h2>
 * Two parts. First the plaintext HTTP server of {@code bench http} ({@code NettyServer}, unchanged),
 * loaded by wrk exactly as {@code bench http} loads it (c=16, c=256, pipelined ×16; 1 and 2
 * event-loop threads; paired ratios over the rounds of one run), with issue 15's targets for the
 * kevent transport judged against Netty epoll. Then {@link IdleEcho}: 10,000 idle connections
 * beside one echoing connection, the loop's cost of idle channels. {@code --idle N} changes the
 * number (0 skips the part), {@code --idle-rounds N} and {@code --idle-seconds N} its rounds.
 */
public final class NettyBench {
    /** The usage line after {@code netty}. */
    public static final String USAGE = HttpBench.TRANSPORTS_USAGE + " [--idle 10000] [--idle-rounds 3] [--idle-seconds 3]"
            + "  the Netty plaintext server and an idle-connection echo on the kevent transport vs Netty"
            + " epoll/io_uring/nio";
    /** Every option {@code netty} accepts. */
    public static final String[] OPTIONS = {"rounds", "duration", "warmup", "threads", "only", "idle", "idle-rounds",
            "idle-seconds"};

    private NettyBench() {
    }

    /**
     * Runs both parts.
     *
     * @param out     where tables, notes and values go
     * @param options the command-line options without dashes
     * @param json    the {@code --json} file or null
     */
    public static void run(Output out, Map<String, String> options, Path json) throws Exception {
        Map<String, String> wrkOptions = new HashMap<>(options);
        int idle = number(wrkOptions.remove("idle"), 10_000, 0);
        int idleRounds = number(wrkOptions.remove("idle-rounds"), 3, 1);
        int idleSeconds = number(wrkOptions.remove("idle-seconds"), 3, 1);
        HttpBench.runTransports(out, wrkOptions, json);
        if (idle == 0) {
            return;
        }
        Path workDir = Host.repositoryRoot().resolve("kevent-bench/target/netty-bench");
        Files.createDirectories(workDir);
        try {
            new IdleEcho(out, idle, idleRounds, idleSeconds, workDir).run(List.of("kevent", "epoll", "io_uring", "nio"));
        } finally {
            ServerProcess.stopAll();
        }
    }

    private static int number(String v, int fallback, int min) {
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
            if (n < min) {
                throw new IllegalArgumentException("expected at least " + min + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number, got " + v);
        }
    }
}
