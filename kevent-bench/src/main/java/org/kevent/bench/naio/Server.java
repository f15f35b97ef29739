package org.kevent.bench.naio;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kevent.bench.support.Host;
import org.kevent.bench.support.ServerProcess;

/**
 * One server of {@code kevent bench naio}: its key (JSON, {@code --only}), the name the tables
 * print, how it does its I/O, and its command line — a JVM started directly with the bench jar's
 * class path, so the process the runner measures is the server itself.
 *
 * @param key     {@code kevent}, {@code kevent-readiness}, {@code platform-threads}, {@code virtual-threads},
 *                {@code netty-epoll}, {@code netty-io_uring}
 * @param name    what the tables print
 * @param io      how it transfers, for the table; for kevent servers the engine name from the log replaces it
 * @param command the command line for a port
 */
record Server(String key, String name, String io, Launcher command) {
    /** The kevent server on the engine the queue picks (io_uring where the kernel allows it). */
    static final String KEVENT = "kevent";
    /** The kevent echo server on multishot receives (echo only). */
    static final String KEVENT_MULTISHOT = "kevent-multishot";
    /** The kevent server forced to the readiness engine. */
    static final String KEVENT_READINESS = "kevent-readiness";
    /** The peer of the 1.3× targets. */
    static final String VIRTUAL = "virtual-threads";
    /** The peer of the 1.0× target in the sendfile part. */
    static final String NETTY_EPOLL = "netty-epoll";
    /** The peer of the 1.0× target in the echo part. */
    static final String NETTY_IO_URING = "netty-io_uring";

    /** Builds a server's command line. */
    @FunctionalInterface
    interface Launcher {
        List<String> command(int port);
    }

    /** @return whether this is one of the kevent servers the targets are about */
    boolean isKevent() {
        return key.startsWith(KEVENT);
    }

    /** @return the key of the Netty peer of {@code part} */
    static String nettyPeer(Part part) {
        return part == Part.SENDFILE ? NETTY_EPOLL : NETTY_IO_URING;
    }

    /**
     * @param file the file the sendfile servers send (ignored for echo)
     * @return the servers of {@code part}, in table order
     */
    static List<Server> of(Part part, Path file) {
        List<String> fileArg = part == Part.SENDFILE ? List.of(file.toString()) : List.of();
        List<Server> list = new ArrayList<>();
        list.add(java(KEVENT, "kevent aio", "?", List.of(), KeventNaioServer.class, List.of(part.key), fileArg));
        list.add(java(KEVENT_READINESS, "kevent aio (readiness)", "?", List.of("-Dkevent.aio=readiness"),
                KeventNaioServer.class, List.of(part.key), fileArg));
        if (part == Part.ECHO) {
            list.add(java(KEVENT_MULTISHOT, "kevent aio multishot", "?", List.of(), KeventNaioServer.class,
                    List.of(KeventNaioServer.MULTISHOT), fileArg));
        }
        if (part == Part.SENDFILE) {
            list.add(java("platform-threads", "platform thread/conn", "transferTo", List.of(), BlockingServer.class,
                    List.of("platform", part.key), fileArg));
        }
        // One carrier thread: the scheduler's parallelism and its maximum pool size.
        list.add(java(VIRTUAL, "virtual thread/conn", part == Part.SENDFILE ? "transferTo" : "read/write",
                List.of("-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1"),
                BlockingServer.class, List.of("virtual", part.key), fileArg));
        list.add(java(nettyPeer(part), part == Part.SENDFILE ? "netty epoll" : "netty io_uring",
                part == Part.SENDFILE ? "epoll FileRegion" : "io_uring", List.of("-Dio.netty.leakDetection.level=disabled"),
                NettyNaioServer.class, List.of(part.key), fileArg));
        return list;
    }

    /** A Java server: {@code java FLAGS -cp BENCH_JAR MAIN ARGS PORT FILE_ARG}. */
    private static Server java(String key, String name, String io, List<String> flags, Class<?> main,
                               List<String> args, List<String> fileArg) {
        return new Server(key, name, io, port -> {
            List<String> cmd = ServerProcess.javaCommand(Host.java(), Host.classPath(), flags);
            cmd.add(main.getName());
            cmd.addAll(args);
            cmd.add(Integer.toString(port));
            cmd.addAll(fileArg);
            return cmd;
        });
    }
}
