package org.kevent.bench.http;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.kevent.bench.support.Host.command;
import static org.kevent.bench.support.Host.lastLine;
import static org.kevent.bench.support.Host.onPath;

/**
 * The load generator: finds (or installs) wrk, runs it, and reads its report.
 *
 * <h2>Semantics</h2>
 * {@link #run} starts {@code wrk -t1 -cC -dDs [--latency] [-s SCRIPT] URL} and parses requests,
 * req/s, the 50 % and 99 % latency of {@code --latency}, socket errors and non-2xx answers. With
 * the pipelining script (written by {@link #writePipelineScript}) every wrk request is
 * {@link #PIPELINE_DEPTH} HTTP requests in one write, and wrk counts each response: req/s stays
 * HTTP requests per second, while a latency sample spans a whole batch of 16.
 */
final class Wrk {
    /** HTTP requests per write in the pipelined workload. */
    static final int PIPELINE_DEPTH = 16;

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)");
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.0+)?%\\s+([\\d.]+)(us|ms|s|m)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private final String executable;

    private Wrk(String executable) {
        this.executable = executable;
    }

    /** One wrk run's figures; latencies in microseconds, NaN when wrk did not report them. */
    record Result(long requests, double requestsPerSecond, double p50Micros, double p99Micros,
                  long socketErrors, long non2xx) {
    }

    /**
     * Finds wrk on the PATH; if missing, installs it with {@code apt-get install -y wrk} (after
     * {@code apt-get update} if the first try cannot find the package).
     *
     * @throws IllegalStateException with what was tried, when there is no wrk and none could be installed
     */
    static Wrk locate(java.io.PrintStream notes) throws IOException, InterruptedException {
        String found = onPath("wrk");
        if (found != null) {
            return new Wrk(found);
        }
        if (onPath("apt-get") == null) {
            throw new IllegalStateException("wrk is not on the PATH and there is no apt-get to install it: install wrk (4.x) and retry");
        }
        notes.println("wrk not found: installing it with apt-get install -y wrk");
        String out = command(List.of("apt-get", "install", "-y", "wrk"));
        if (onPath("wrk") == null) {
            notes.println("apt-get install failed (" + lastLine(out) + "); running apt-get update first");
            command(List.of("apt-get", "update"));
            out = command(List.of("apt-get", "install", "-y", "wrk"));
        }
        found = onPath("wrk");
        if (found == null) {
            throw new IllegalStateException("wrk is not on the PATH and apt-get install -y wrk failed: " + lastLine(out)
                    + " (needs root and Debian/Ubuntu package sources)");
        }
        return new Wrk(found);
    }

    String executable() {
        return executable;
    }

    /** Writes the Lua script that sends {@link #PIPELINE_DEPTH} GET /plaintext requests per write. */
    static Path writePipelineScript(Path dir) throws IOException {
        String lua = """
                -- kevent bench http: %d pipelined GET /plaintext requests in one write
                init = function(args)
                  local r = {}
                  for i = 1, %d do
                    r[i] = wrk.format(nil, "/plaintext")
                  end
                  batch = table.concat(r)
                end
                request = function()
                  return batch
                end
                """.formatted(PIPELINE_DEPTH, PIPELINE_DEPTH);
        Path script = dir.resolve("pipeline.lua");
        Files.writeString(script, lua);
        return script;
    }

    /**
     * Runs wrk with one thread against {@code url}.
     *
     * @param connections open connections
     * @param seconds     duration
     * @param script      the Lua script or null
     * @return the parsed report
     * @throws IOException if wrk fails or its report cannot be read
     */
    Result run(String url, int connections, int seconds, Path script) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(executable, "-t1", "-c" + connections, "-d" + seconds + "s", "--latency"));
        if (script != null) {
            cmd.addAll(List.of("-s", script.toString()));
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("wrk failed (" + (p.isAlive() ? "hung" : "exit " + p.exitValue()) + "): " + lastLine(out));
            }
            return parse(out);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Reads wrk's {@code --latency} report. */
    static Result parse(String out) throws IOException {
        Matcher req = REQUESTS.matcher(out);
        Matcher rate = RATE.matcher(out);
        if (!req.find() || !rate.find()) {
            throw new IOException("cannot read wrk's report: " + lastLine(out));
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher pm = PERCENTILE.matcher(out);
        while (pm.find()) {
            double micros = micros(Double.parseDouble(pm.group(2)), pm.group(3));
            if (micros <= 0) {
                // wrk 4.1 prints 0 when its coordinated-omission correction has put samples below
                // the recorded minimum (seen with pipelining): the percentile is unknown, not zero.
                micros = Double.NaN;
            }
            if (pm.group(1).equals("50")) {
                p50 = micros;
            } else {
                p99 = micros;
            }
        }
        long errors = 0;
        Matcher se = SOCKET_ERRORS.matcher(out);
        if (se.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(se.group(g));
            }
        }
        Matcher bad = NON_2XX.matcher(out);
        long non2xx = bad.find() ? Long.parseLong(bad.group(1)) : 0;
        return new Result(Long.parseLong(req.group(1)), Double.parseDouble(rate.group(1)), p50, p99, errors, non2xx);
    }

    private static double micros(double value, String unit) {
        return switch (unit) {
            case "us" -> value;
            case "ms" -> value * 1e3;
            case "s" -> value * 1e6;
            case "m" -> value * 60e6;
            default -> throw new IllegalArgumentException("unknown time unit " + unit);
        };
    }
}
