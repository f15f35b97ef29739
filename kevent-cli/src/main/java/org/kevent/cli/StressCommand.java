package org.kevent.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.kevent.KeventQueue;
import org.kevent.QueueEngine;

import org.kevent.cli.stress.Scenario;
import org.kevent.cli.stress.StressRunner;
import org.kevent.cli.stress.StressStats;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kevent stress}: the concurrency stress scenarios of {@code org.kevent.cli.stress}, one
 * after another, then a summary. Exit status 1 if anything was lost or duplicated, a waiter got
 * stuck, or a scenario thread failed.
 */
@Command(name = "stress",
        description = {"Hammer queues from many threads (user events, ring, timers, close, loopback sockets)",
                "and check that nothing is lost or duplicated and no waiter gets stuck; exit 1 if so.",
                "http-abuse: evserver under hostile clients while polite ones must be served (p99 <= 100 ms)."})
final class StressCommand implements Callable<Integer> {
    /** Scenarios that need what only the linux engine has, and what that is. */
    private static final java.util.Map<String, String> LINUX_ONLY = java.util.Map.of(
            "waiters", "it watches descriptors with POLL records, which the portable engine refuses",
            "http-abuse", "evserver's defences it checks need the linux engine: an open that cannot block on a FIFO"
                    + " swapped in after the type check, and TCP_NOTSENT_LOWAT to bound unsent bytes");

    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "10",
            description = "Total time, shared by the scenarios, at least 1 (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--scenario", paramLabel = "NAME", split = ",",
            description = "Run only these scenarios (user-events, ring, timers, close, sockets, aio, waiters,"
                    + " http-abuse; default: all).")
    private java.util.List<String> only;

    @Option(names = "--attacks", paramLabel = "ATTACK", split = ",",
            description = "http-abuse only: run only these attacks (slowloris, pipeliners, abandoned, fifo, symlink;"
                    + " default: all).")
    private java.util.List<String> attacks;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "The engine of every queue and socket the scenarios make: linux, portable or auto"
                    + " (default: ${DEFAULT-VALUE}: linux where it can run).")
    private String engine;

    StressCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (seconds < 1) {
            throw new ParameterException(spec.commandLine(), "--seconds must be at least 1, got " + seconds);
        }
        // Overwrite the progress line only on a terminal: in a log, one line per second reads better.
        boolean terminal = out == System.out && System.console() != null && System.console().isTerminal();
        Scenario[] chosen = Scenario.all();
        if (only != null) {
            chosen = java.util.Arrays.stream(chosen).filter(s -> only.contains(s.name())).toArray(Scenario[]::new);
            if (chosen.length != only.size()) {
                throw new ParameterException(spec.commandLine(), "unknown scenario in " + only
                        + "; known: " + String.join(", ", java.util.Arrays.stream(Scenario.all()).map(Scenario::name).toList()));
            }
        }
        if (attacks != null) {
            Scenario abuse;
            try {
                abuse = Scenario.httpAbuse(attacks);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--attacks: " + e.getMessage());
            }
            for (int i = 0; i < chosen.length; i++) {
                if (chosen[i].name().equals(abuse.name())) {
                    chosen[i] = abuse;
                }
            }
        }
        QueueEngine queueEngine = EngineOption.parse(spec, engine);
        Scenario[] asked = chosen;
        // The scenarios open their queues and sockets with the defaults (docs/SEMANTICS.md §10).
        return EngineOption.asDefault(queueEngine, () -> {
            Scenario[] run = asked;
            try (KeventQueue probe = KeventQueue.open()) {
                // What the scenarios' queues will be, not what was asked: auto says where it landed.
                out.println("stress: queues on the " + probe.engineName() + " engine");
                if (probe.engine() == QueueEngine.PORTABLE) {
                    run = java.util.Arrays.stream(run).filter(sc -> {
                        String why = LINUX_ONLY.get(sc.name());
                        if (why != null) {
                            out.println("skipped " + sc.name() + ": " + why + " (docs/SEMANTICS.md §10)");
                        }
                        return why == null;
                    }).toArray(Scenario[]::new);
                }
            }
            StressStats stats = new StressRunner(out, terminal, run).run(Duration.ofSeconds(seconds));
            return stats.clean() ? 0 : 1;
        });
    }
}
