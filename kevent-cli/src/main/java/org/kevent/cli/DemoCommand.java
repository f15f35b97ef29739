package org.kevent.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.kevent.QueueEngine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kevent demo}: runs {@link Demo} with every section: timers, user events, file events, a
 * socket echo, network AIO, virtual threads waiting on a queue of their own, and the exits of two
 * child processes; on the portable engine ({@code --engine portable}) the sections it serves.
 */
@Command(name = "demo",
        description = {"Print timer, user, file, socket, network AIO and process-exit events from one queue as they arrive,"
                + " then a summary.",
                "Ctrl-C stops it early and still prints the summary."})
final class DemoCommand implements Callable<Integer> {
    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "3",
            description = "How long to run, in whole seconds, at least 1 (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "The queue's engine: linux, portable or auto (default: ${DEFAULT-VALUE}: linux where it can"
                    + " run). The portable engine runs every section (a section it could not serve would be skipped,"
                    + " saying why).")
    private String engine;

    DemoCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        if (seconds < 1) {
            throw new ParameterException(spec.commandLine(), "--seconds must be at least 1, got " + seconds);
        }
        QueueEngine queueEngine = EngineOption.parse(spec, engine);
        Demo demo = new Demo(out, Duration.ofSeconds(seconds), queueEngine, List.of(new TimerSection(), new UserSection(),
                new InodeSection(), new EchoSection(), new AioSection(), new VirtualSection(), new ProcSection()));
        // The launcher execs the JVM, so Ctrl-C lands here: stop the loop and let it print the summary.
        Thread hook = new Thread(demo::stopAndAwait, "kevent-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return demo.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is already running and waits for us; nothing to undo.
            }
        }
    }
}
