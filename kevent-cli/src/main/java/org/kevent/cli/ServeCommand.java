package org.kevent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.kevent.KeventException;
import org.kevent.cli.http.EvServer;
import org.kevent.cli.http.VthreadServer;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
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

    @Option(names = "--vthreads", description = "One virtual thread per connection on blocking kevent sockets"
            + " (the same HTTP code; --threads does not apply: -Djdk.virtualThreadScheduler.parallelism sets the carriers).")
    private boolean vthreads;

    @Option(names = "--request-timeout", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = {"Header-read timeout: close a connection whose request (head, and a body it sends) is not",
                "complete this long after it began to owe one (accepted, or done with the previous request),",
                "e.g. 10s, 500ms, 2m (default: ${DEFAULT-VALUE})."})
    private Duration requestTimeout;

    @Option(names = "--idle-timeout", paramLabel = "TIME", defaultValue = "60s", converter = DurationConverter.class,
            description = {"Close a keep-alive connection between requests, or one whose client does not read its",
                "answers, after this long without progress (default: ${DEFAULT-VALUE})."})
    private Duration idleTimeout;

    @Option(names = "--max-connections", paramLabel = "N",
            description = {"Open connections, all threads together; a new one beyond it closes the connection whose",
                "deadline comes first (default: the descriptor limit less an eighth, halved with --root)."})
    private Integer maxConnections;

    /** Reads {@code 10s}, {@code 500ms}, {@code 2m} or {@code 1.5s}: a positive time with its unit. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)").matcher(value.strip());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a time such as 10s, 500ms or 2m");
            }
            java.math.BigDecimal n = new java.math.BigDecimal(m.group(1));
            java.math.BigDecimal nanosPerUnit = java.math.BigDecimal.valueOf(switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                default -> 60_000_000_000L;
            });
            java.math.BigDecimal nanos = n.multiply(nanosPerUnit);
            if (nanos.signum() <= 0 || nanos.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new TypeConversionException("'" + value + "' must be more than 0 and less than 292 years");
            }
            return Duration.ofNanos(nanos.longValue());
        }

        /** @return the duration as this converter reads it back: whole seconds as {@code 10s}, else milliseconds */
        static String format(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
    }

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
        if (maxConnections != null && maxConnections < 1) {
            throw new ParameterException(spec.commandLine(), "--max-connections must be at least 1, got " + maxConnections);
        }
        EvServer.Limits limits = new EvServer.Limits(requestTimeout, idleTimeout,
                maxConnections != null ? maxConnections : EvServer.Limits.defaultMaxConnections(root != null));
        if (vthreads) {
            return VthreadServer.serve(new InetSocketAddress(host, port), root, aio, limits, out, spec.commandLine().getErr());
        }
        EvServer server;
        try {
            server = EvServer.start(new InetSocketAddress(host, port), threads, root, aio, limits);
        } catch (IOException | KeventException e) {
            spec.commandLine().getErr().println("kevent serve: " + e.getMessage());
            return 1;
        }
        InetSocketAddress a = server.localAddress();
        out.printf("evserver listening on http://%s:%d/ engine %s, %d thread%s%s; timeouts %s request, %s idle,"
                + " at most %d connections%n", a.getHostString(), a.getPort(),
                server.engineName(), server.threads(), server.threads() == 1 ? "" : "s",
                root == null ? ", /plaintext only" : ", root " + root.toAbsolutePath().normalize(),
                DurationConverter.format(requestTimeout), DurationConverter.format(idleTimeout), limits.maxConnections());
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
