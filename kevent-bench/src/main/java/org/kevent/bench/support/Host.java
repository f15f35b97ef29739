package org.kevent.bench.support;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the side-by-side runners ask of the machine they run on: tools on the PATH, short commands,
 * the repository the bench jar was built in, the load average, and the JVM to start servers with.
 *
 * <h2>Caveats</h2>
 * Every method answers something usable (null, "?", the working directory) instead of failing: a
 * runner decides itself whether a missing tool ends the run.
 */
public final class Host {
    private Host() {
    }

    /** @return the absolute path of {@code name} on the PATH, or null */
    public static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath().toString();
            }
        }
        return null;
    }

    /** Runs a command to completion (at most 10 minutes); returns its combined output. */
    public static String command(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.MINUTES);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    /** @return the last non-blank line of a command's output, stripped */
    public static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }

    /** The repository this jar was built in (…/kevent-bench/target/x.jar), else the working directory. */
    public static Path repositoryRoot() {
        try {
            Path jar = Path.of(Host.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null ? null : jar.toAbsolutePath().getParent().getParent().getParent();
            if (root != null && Files.isRegularFile(root.resolve("pom.xml")) && Files.isDirectory(root.resolve("kevent-bench"))) {
                return root;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    /** @return the 1, 5 and 15 minute load averages, e.g. {@code "0.52 0.61 0.70"}, or "?" */
    public static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * @return CPU seconds the whole machine has been busy since boot, over every core (the
     *         {@code cpu} line of {@code /proc/stat}, all but idle and iowait), or NaN if unreadable
     */
    public static double machineBusySeconds() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long busy = 0;
                    // user nice system idle iowait irq softirq steal (guest time is inside user)
                    for (int k = 1; k <= 8 && k < f.length; k++) {
                        if (k != 4 && k != 5) {
                            busy += Long.parseLong(f[k]);
                        }
                    }
                    return busy / (double) ServerProcess.CLOCK_TICKS;
                }
            }
        } catch (IOException | RuntimeException e) {
            // NaN below
        }
        return Double.NaN;
    }

    /** @return the {@code java} executable of this JVM: servers run on the runner's own JDK */
    public static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** @return this JVM's class path: the bench jar, which holds every Java server's main class */
    public static String classPath() {
        return System.getProperty("java.class.path");
    }
}
