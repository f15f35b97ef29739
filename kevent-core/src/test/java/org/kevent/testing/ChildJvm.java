package org.kevent.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kevent.internal.sys.Fd;

/**
 * Helpers of the tests that run out of descriptors in a throwaway child JVM (started under
 * {@code prlimit}), so that the test JVM itself never does: a class first loaded while the table
 * is full would stay unloadable for every later test.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Runs a command.
     *
     * @param command the program and its arguments
     * @return its output lines, or null if it cannot run, fails, or takes over 60 s
     */
    public static String[] run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.err.println(String.join(" ", command) + " failed:\n" + text);
                return null;
            }
            return text.lines().toArray(String[]::new);
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /** JVM options for a child whose virtual threads have one carrier thread between them. */
    public static final List<String> ONE_CARRIER = List.of("-Djdk.virtualThreadScheduler.parallelism=1",
            "-Djdk.virtualThreadScheduler.maxPoolSize=1");

    /**
     * Runs a class's {@code main} in a child JVM of this JVM's java, class path and native access.
     *
     * @param main    the class
     * @param options JVM options (e.g. {@link #ONE_CARRIER})
     * @param args    the program's arguments
     * @return its output lines, or null as {@link #run}
     */
    public static String[] runMain(Class<?> main, List<String> options, String... args) {
        return runMain(main, List.of("--enable-native-access=ALL-UNNAMED"), options, args);
    }

    /**
     * Runs a class's {@code main} in a child JVM that refuses native access to every module
     * ({@code --illegal-native-access=deny}, no {@code --enable-native-access}): the first downcall
     * link throws {@link IllegalCallerException}.
     *
     * @param main    the class
     * @param options JVM options
     * @param args    the program's arguments
     * @return its output lines, or null as {@link #run}
     */
    public static String[] runMainDenyingNativeAccess(Class<?> main, List<String> options, String... args) {
        return runMain(main, List.of("--illegal-native-access=deny"), options, args);
    }

    private static String[] runMain(Class<?> main, List<String> access, List<String> options, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(access);
        command.add("-Xmx128m");
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    /**
     * Fills the process's descriptor table with pipe ends (and dups for the last odd slot), after
     * loading every class that does so while descriptors remain.
     *
     * @return the descriptors taken, for {@link #free}
     */
    public static List<Integer> fillDescriptorTable() {
        List<Integer> fillers = new ArrayList<>();
        int[] pipe = new int[2];
        Fd.pipe(pipe);
        Fd.close(Fd.dup(pipe[0]));
        Fd.close(pipe[0]);
        Fd.close(pipe[1]);
        fillers.add(0);
        fillers.clear();
        while (fillers.size() < 100_000 && Fd.pipe(pipe) == 0) {
            fillers.add(pipe[0]);
            fillers.add(pipe[1]);
        }
        // A pipe needs two slots: fill the last odd one too.
        for (int d = Fd.dup(fillers.get(0)); d >= 0; d = Fd.dup(fillers.get(0))) {
            fillers.add(d);
        }
        return fillers;
    }

    /** @param fillers what {@link #fillDescriptorTable} took */
    public static void free(List<Integer> fillers) {
        for (int fd : fillers) {
            Fd.close(fd);
        }
    }
}
