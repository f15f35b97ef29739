package org.kevent.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.kevent.bench.support.Host;
import org.kevent.bench.support.ServerProcess;

/**
 * One server in the comparison: its key (used in JSON and {@code --only}), the name printed in the
 * tables, and how to start it with a port and a number of server threads — or why it cannot run here.
 *
 * <h2>Semantics</h2>
 * {@link #command} is the exact command line of the server process: a JVM started directly with the
 * bench jar's (or the CLI jar's) class path, or the C binary, never a shell, so the process the
 * runner measures is the server itself. {@link #unavailable} is null when the server can start, else
 * the reason printed as "KEY: not available (REASON)".
 *
 * @param key         short name: {@code evserver}, {@code netty-epoll}, {@code c-floor}, ...
 * @param name        what the tables print
 * @param unavailable null, or why this server cannot run on this machine
 * @param launcher    builds the command for a port and a thread count
 */
record Contender(String key, String name, String unavailable, Launcher launcher) {
    /** The key of the peer {@code bench http} takes its ratios against. */
    static final String NETTY_EPOLL = "netty-epoll";
    /** The key of the Netty server on kevent-netty's transport, the subject of issue 15's targets. */
    static final String NETTY_KEVENT = "netty-kevent";
    /** The key of the C floor. */
    static final String C_FLOOR = "c-floor";
    /** The key of the lean Netty epoll peer ({@link LeanNettyServer}), kevent-lean's Netty peer. */
    static final String NETTY_LEAN_EPOLL = "netty-lean-epoll";
    /** The key of the raw {@code java.nio} Selector server. */
    static final String NIO_SELECTOR = "nio-selector";
    /** The key of the C io_uring floor, the floor of the AIO servers (issue 17). */
    static final String C_URING_FLOOR = "c-uring-floor";
    /** The key of the lean server on kevent's SOCKET interests ({@link LeanKeventServer}), issue 17. */
    static final String KEVENT_LEAN = "kevent-lean";
    /** The key of the lean server on kevent's network AIO ({@link LeanKeventServer} {@code aio}), issue 17. */
    static final String KEVENT_LEAN_AIO = "kevent-lean-aio";
    /** The key of the server issue 3's targets are about. */
    static final String EVSERVER = "evserver";
    /** The key of evserver from another build's CLI jar ({@code --baseline-cli-jar}): before/after in one run. */
    static final String EVSERVER_BASELINE = "evserver-baseline";
    /** The key of evserver on the portable engine ({@code -Dkevent.engine=portable}), issue 16's row. */
    static final String EVSERVER_PORTABLE = "evserver-portable";
    /** The key of evserver on network AIO ({@code serve --aio}), issue 5's variant. */
    static final String EVSERVER_AIO = "evserver-aio";
    /** The key of evserver on virtual threads ({@code serve --vthreads}), issue 14's variant. */
    static final String EVSERVER_VTHREADS = "evserver-vthreads";
    /** The key of the JDK's virtual-thread-per-connection server ({@link VirtualThreadServer}). */
    static final String VIRTUAL_THREADS = "virtual-threads";
    /** The key of evserver's HttpProcessor on JDK sockets, one virtual thread per connection ({@link ProcessorOnJdkSockets}). */
    static final String JDK_VTHREADS_PROCESSOR = "jdk-vthreads-processor";

    /** Builds a server's command line. */
    @FunctionalInterface
    interface Launcher {
        List<String> command(int port, int threads);
    }

    /** One of the servers of the CLI jar: {@link #evserver}, {@link #evserverPortable}, {@link #evserverAio}, {@link #evserverVthreads}. */
    @FunctionalInterface
    interface FromCliJar {
        Contender make(String java, Path cliJar, String unavailable);
    }

    List<String> command(int port, int threads) {
        return launcher.command(port, threads);
    }

    boolean available() {
        return unavailable == null;
    }

    static Contender missing(String key, String name, String why) {
        return new Contender(key, name, why, (port, threads) -> {
            throw new IllegalStateException(key + " is not available: " + why);
        });
    }

    /** evserver from the CLI jar: {@code org.kevent.cli.Main serve --port P --threads N}. */
    static Contender evserver(String java, Path cliJar, String unavailable) {
        return evserver(EVSERVER, "evserver (kevent)", java, cliJar, unavailable, threads -> List.of(),
                Contender::threadsArgs);
    }

    /**
     * evserver's {@link #evserver} command from another build's CLI jar, so that one run loads both
     * builds' evserver side by side, paired by round.
     */
    static Contender evserverBaseline(String java, Path baselineCliJar, String unavailable) {
        return evserver(EVSERVER_BASELINE, "evserver (baseline jar)", java, baselineCliJar, unavailable,
                threads -> List.of(), Contender::threadsArgs);
    }

    /**
     * evserver on the portable engine (pure Java: its queues wait in Java, its sockets are
     * {@code SocketChannel}s behind a {@code Selector}): what a program loses off Linux.
     */
    static Contender evserverPortable(String java, Path cliJar, String unavailable) {
        return evserver(EVSERVER_PORTABLE, "evserver (portable engine)", java, cliJar, unavailable,
                threads -> List.of("-Dkevent.engine=portable"), Contender::threadsArgs);
    }

    /** evserver with {@code --aio}: requests and responses through io_uring. */
    static Contender evserverAio(String java, Path cliJar, String unavailable) {
        return evserver(EVSERVER_AIO, "evserver --aio (kevent)", java, cliJar, unavailable, threads -> List.of(),
                threads -> List.of("--threads", Integer.toString(threads), "--aio"));
    }

    /**
     * evserver with {@code --vthreads}: its HttpProcessor on one virtual thread per connection,
     * blocking kevent sockets; server threads = carrier threads, as for {@link #virtualThreads}.
     */
    static Contender evserverVthreads(String java, Path cliJar, String unavailable) {
        return evserver(EVSERVER_VTHREADS, "evserver --vthreads (kevent)", java, cliJar, unavailable,
                Contender::carrierFlags, threads -> List.of("--vthreads"));
    }

    private static Contender evserver(String key, String name, String java, Path cliJar, String unavailable,
                                      IntFunction<List<String>> jvmFlags, IntFunction<List<String>> serveArgs) {
        if (unavailable != null) {
            return missing(key, name, unavailable);
        }
        return new Contender(key, name, null, (port, threads) -> {
            List<String> cmd = ServerProcess.javaCommand(java, cliJar.toString(), jvmFlags.apply(threads));
            cmd.addAll(List.of("org.kevent.cli.Main", "serve", "--port", Integer.toString(port)));
            cmd.addAll(serveArgs.apply(threads));
            return cmd;
        });
    }

    /**
     * Netty on {@code nio}, {@code epoll} or {@code io_uring} with {@code HttpServerCodec}
     * ({@link NettyServer}); its leak detector off, as in TechEmpower's runs.
     */
    static Contender netty(String java, String classPath, String transport) {
        return java(java, classPath, "netty-" + transport, "netty " + transport + " (codec)",
                List.of("-Dio.netty.leakDetection.level=disabled"), NettyServer.class, transport);
    }

    /** Netty on {@code epoll} or {@code io_uring} without a codec: the C floor's work ({@link LeanNettyServer}). */
    static Contender leanNetty(String java, String classPath, String transport) {
        return java(java, classPath, "netty-lean-" + transport, "netty " + transport + " (lean)",
                List.of("-Dio.netty.leakDetection.level=disabled"), LeanNettyServer.class, transport);
    }

    /** The C floor's work on kevent's public API: SOCKET interests, or with {@code aio} network AIO. */
    static Contender leanKevent(String java, String classPath, boolean aio) {
        return aio ? java(java, classPath, KEVENT_LEAN_AIO, "kevent lean aio", List.of(), LeanKeventServer.class, null,
                "aio")
                : java(java, classPath, KEVENT_LEAN, "kevent lean", List.of(), LeanKeventServer.class, null);
    }

    /**
     * A Java server of the bench jar: {@code MAIN [FIRST] PORT THREADS [LAST...]}.
     *
     * @param first an argument before the port, or null
     */
    private static Contender java(String java, String classPath, String key, String name, List<String> jvmFlags,
                                  Class<?> main, String first, String... last) {
        return new Contender(key, name, null, (port, threads) -> {
            List<String> cmd = ServerProcess.javaCommand(java, classPath, jvmFlags);
            cmd.add(main.getName());
            if (first != null) {
                cmd.add(first);
            }
            cmd.addAll(List.of(Integer.toString(port), Integer.toString(threads)));
            cmd.addAll(List.of(last));
            return cmd;
        });
    }

    static Contender selector(String java, String classPath) {
        return java(java, classPath, NIO_SELECTOR, "java.nio Selector", List.of(), SelectorServer.class, null);
    }

    /** Server threads = carrier threads: the scheduler's parallelism and its maximum pool size. */
    static Contender virtualThreads(String java, String classPath) {
        return new Contender(VIRTUAL_THREADS, "virtual thread/conn", null, (port, threads) -> {
            List<String> cmd = ServerProcess.javaCommand(java, classPath, carrierFlags(threads));
            cmd.addAll(List.of(VirtualThreadServer.class.getName(), Integer.toString(port)));
            return cmd;
        });
    }

    /** evserver's HttpProcessor on JDK sockets, one virtual thread per connection: issue 14's named peer. */
    static Contender processorOnJdkSockets(String java, String classPath) {
        return new Contender(JDK_VTHREADS_PROCESSOR, "HttpProcessor, JDK vt sockets", null, (port, threads) -> {
            List<String> cmd = ServerProcess.javaCommand(java, classPath, carrierFlags(threads));
            cmd.addAll(List.of(ProcessorOnJdkSockets.class.getName(), Integer.toString(port)));
            return cmd;
        });
    }

    /** {@code serve}'s event-loop threads. */
    private static List<String> threadsArgs(int threads) {
        return List.of("--threads", Integer.toString(threads));
    }

    /** Exactly {@code carriers} carrier threads: the scheduler's parallelism and its maximum pool size. */
    private static List<String> carrierFlags(int carriers) {
        return List.of("-Djdk.virtualThreadScheduler.parallelism=" + carriers,
                "-Djdk.virtualThreadScheduler.maxPoolSize=" + carriers);
    }

    /**
     * A C server compiled here with {@code gcc -O2}: the floor from {@code kevent-bench/src/main/c},
     * or (with {@code --c-reference}) another source taking only a port, for the one-off check that
     * the floor agrees with a reference.
     */
    static Contender c(String key, String name, Path source, Path workDir, boolean takesThreads) {
        return c(key, name, source, workDir, takesThreads, List.of());
    }

    /** Where a library's header is looked for before compiling against it. */
    private static final List<Path> INCLUDE_DIRS = List.of(Path.of("/usr/include"), Path.of("/usr/local/include"));

    /**
     * The C io_uring floor ({@code kevent-bench/src/main/c/uring_floor.c}), compiled as
     * {@link #c} does with {@code -luring}; unavailable, saying what to install, when liburing's
     * header is not there.
     */
    static Contender cUring(Path source, Path workDir) {
        return cUring(source, workDir, INCLUDE_DIRS);
    }

    /** {@link #cUring(Path, Path)}, liburing's header looked for in {@code includeDirs}. */
    static Contender cUring(Path source, Path workDir, List<Path> includeDirs) {
        String name = "C io_uring floor";
        if (includeDirs.stream().noneMatch(d -> Files.isRegularFile(d.resolve("liburing.h")))) {
            return missing(C_URING_FLOOR, name, "liburing.h not found in " + includeDirs
                    + ": install liburing-dev (apt-get install -y liburing-dev)");
        }
        return c(C_URING_FLOOR, name, source, workDir, true, List.of("-luring"));
    }

    private static Contender c(String key, String name, Path source, Path workDir, boolean takesThreads,
                               List<String> libraries) {
        if (!Files.isRegularFile(source)) {
            return missing(key, name, "no C source at " + source);
        }
        String gcc = Host.onPath("gcc");
        if (gcc == null) {
            return missing(key, name, "gcc is not on the PATH");
        }
        Path binary = workDir.resolve(key);
        try {
            Files.deleteIfExists(binary);   // a failed build must not leave an older binary in its place
            List<String> cmd = new ArrayList<>(List.of(gcc, "-O2", "-o", binary.toString(), source.toString(),
                    "-lpthread"));
            cmd.addAll(libraries);
            String out = Host.command(cmd);
            if (!Files.isExecutable(binary)) {
                return missing(key, name, String.join(" ", cmd) + " failed: " + Host.lastLine(out));
            }
        } catch (IOException e) {
            return missing(key, name, "gcc failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return missing(key, name, "interrupted while compiling");
        }
        return new Contender(key, name, null, (port, threads) -> {
            if (!takesThreads && threads != 1) {
                throw new IllegalStateException(name + " is single-threaded only");
            }
            return takesThreads ? List.of(binary.toString(), Integer.toString(port), Integer.toString(threads))
                    : List.of(binary.toString(), Integer.toString(port));
        });
    }
}
