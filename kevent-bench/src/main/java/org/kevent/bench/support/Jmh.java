package org.kevent.bench.support;

import java.util.Collection;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * How every JMH benchmark of {@code kevent bench} runs: the benchmark class's methods only, one
 * fork, the GC profiler on (bytes per operation are part of every table), and a failing benchmark
 * failing the run rather than leaving a row out.
 */
public final class Jmh {
    private Jmh() {
    }

    /**
     * The iterations of a {@code kevent bench} JMH run: 3 warm-up and 5 measured, or 1 and 2 with
     * {@code --quick}; each of 1 s.
     *
     * @param warmups      warm-up iterations
     * @param measurements measured iterations
     */
    public record Iterations(int warmups, int measurements) {
        /** @return the iterations for {@code --quick} or a full run */
        public static Iterations of(boolean quick) {
            return quick ? new Iterations(1, 2) : new Iterations(3, 5);
        }

        /** @return the settings as a report header says them */
        public String describe() {
            return "1 fork, " + warmups + " warm-up + " + measurements + " measured iterations of 1 s, -prof gc";
        }
    }

    /**
     * @param benchmark    the {@code @Benchmark} class
     * @param warmups      warm-up iterations
     * @param measurements measured iterations
     * @param seconds      length of every iteration
     * @param jvmArgs      the fork's JVM flags
     * @return JMH's results, one per benchmark method and parameter set
     * @throws RunnerException if JMH or a benchmark fails
     */
    public static Collection<RunResult> run(Class<?> benchmark, int warmups, int measurements, int seconds,
                                            String... jvmArgs) throws RunnerException {
        Options jmh = new OptionsBuilder()
                .include("^" + benchmark.getName().replace(".", "\\.") + "\\.")
                .forks(1)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(measurements)
                .measurementTime(TimeValue.seconds(seconds))
                .addProfiler(GCProfiler.class)
                .jvmArgs(jvmArgs)
                .shouldFailOnError(true)
                .build();
        return new Runner(jmh).run();
    }
}
