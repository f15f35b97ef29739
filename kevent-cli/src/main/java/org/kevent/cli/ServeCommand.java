package org.kevent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.kevent.KeventException;
import org.kevent.cli.http.EvServer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kevent serve}: evserver, HTTP/1.1 on kevent queues, until SIGINT or SIGTERM. */
@Command(name = "serve",
        description = {"Serve HTTP/1.1: GET /plaintext (Hello, World!) and the files under --root.",
                "One kevent queue and one SO_REUSEPORT listener per thread. Ctrl-C or SIGTERM stops it."})
final class ServeCommand implements Callable<Integer> {
    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Serving threads, each with its own queue and listener (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--root", paramLabel = "DIR", description = "Serve the files under DIR (default: /plaintext only).")
    private Path root;

    @Option(names = "--aio", description = "Move every connection's bytes through network AIO (aioRecv, aioSend,"
            + " aioSendfile; io_uring when the kernel allows it) instead of readiness events.")
    private boolean aio;

    ServeCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threads);
        }
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0..65535, got " + port);
        }
        EvServer server;
        try {
            server = EvServer.start(new InetSocketAddress(host, port), threads, root, aio);
        } catch (IOException | KeventException e) {
            spec.commandLine().getErr().println("kevent serve: " + e.getMessage());
            return 1;
        }
        InetSocketAddress a = server.localAddress();
        out.printf("evserver listening on http://%s:%d/ engine %s, %d thread%s%s%n", a.getHostString(), a.getPort(),
                server.engineName(), server.threads(), server.threads() == 1 ? "" : "s",
                root == null ? ", /plaintext only" : ", root " + root.toAbsolutePath().normalize());
        out.flush();
        // The launcher execs the JVM, so SIGINT / SIGTERM run this hook: stop the threads, which
        // close their connections, listeners and queues.
        Thread hook = new Thread(() -> {
            server.close();
            out.println("evserver stopped");
            out.flush();
        }, "evserver-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        server.awaitTermination();
        return 0;
    }
}
