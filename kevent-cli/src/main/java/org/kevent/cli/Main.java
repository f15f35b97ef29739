package org.kevent.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code kevent} command: one subcommand per way of showing or exercising the queue.
 *
 * <p>Exit codes follow picocli: 0 on success, 1 when a command fails, 2 for a usage error
 * (unknown command, bad option). The {@code ./kevent} launcher adds {@code test} and
 * {@code bench}, which are not Java commands.
 */
@Command(name = "kevent",
        description = "Timers, user events, file descriptors, TCP sockets, file-system changes and network AIO"
                + " through one kevent queue, on Linux.",
        footer = {"", "The ./kevent launcher also runs: test (mvn verify), bench NAME (benchmarks)."})
public final class Main implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private Main() {
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command line in-process: program output to {@code out}, usage and errors to {@code err}.
     *
     * @param args the arguments
     * @param out  where commands print their results
     * @param err  where usage errors and failures go
     * @return the exit status: 0 ok, 1 failed, 2 usage error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main())
                .addSubcommand(new DemoCommand(out))
                .addSubcommand(new WatchCommand(out))
                .addSubcommand(new ServeCommand(out))
                .addSubcommand(new StressCommand(out))
                .addSubcommand(new CommandLine.HelpCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: try 'kevent help'");
    }
}
