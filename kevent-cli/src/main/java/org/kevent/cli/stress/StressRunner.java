package org.kevent.cli.stress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs scenarios one after another, sharing a total time budget, with a progress line once per
 * second, and prints the summary.
 *
 * <p>The progress line is overwritten in place ({@code \r}) when the output is a terminal, and
 * printed as plain lines otherwise, so a log file gets one readable line per second.
 */
public final class StressRunner {
    private final PrintStream out;
    private final boolean terminal;
    private final Scenario[] scenarios;

    /**
     * @param out       where progress and the summary go
     * @param terminal  whether {@code out} is a terminal (progress overwritten in place)
     * @param scenarios what to run, in order
     */
    public StressRunner(PrintStream out, boolean terminal, Scenario... scenarios) {
        this.out = out;
        this.terminal = terminal;
        this.scenarios = scenarios.clone();
    }

    /**
     * Runs every scenario for its share of {@code total} (at least one second each).
     *
     * @param total the whole budget
     * @return the counters of all scenarios together
     * @throws InterruptedException if the calling thread is interrupted
     */
    public StressStats run(Duration total) throws InterruptedException {
        StressStats stats = new StressStats();
        Duration share = Duration.ofNanos(Math.max(TimeUnit.SECONDS.toNanos(1), total.toNanos() / scenarios.length));
        long start = System.nanoTime();
        for (int k = 0; k < scenarios.length; k++) {
            Scenario s = scenarios[k];
            String label = "[" + (k + 1) + "/" + scenarios.length + " " + s.name() + "]";
            Thread progress = Thread.ofPlatform().daemon().name("stress-progress").start(() -> progress(label, start, stats));
            try {
                s.run(share, stats);
            } finally {
                progress.interrupt();
                progress.join();
            }
            line(label + " done " + figures(start, stats), true);
        }
        summary(stats, System.nanoTime() - start);
        return stats;
    }

    private void progress(String label, long start, StressStats stats) {
        try {
            for (;;) {
                Thread.sleep(1000);
                line(label + " " + figures(start, stats), false);
            }
        } catch (InterruptedException stop) {
            // the scenario ended
        }
    }

    private synchronized void line(String text, boolean finished) {
        if (terminal) {
            // Pad so a shorter line fully covers the previous one.
            out.print("\r" + String.format(Locale.ROOT, "%-110s", text));
            if (finished) {
                out.println();
            }
        } else {
            out.println(text);
        }
        out.flush();
    }

    private static String figures(long start, StressStats s) {
        String line = String.format(Locale.ROOT, "%3ds ops %,d delivered %,d lost %d dup %d stuck %d longest wait %.1f ms",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), s.operations(), s.delivered(), s.lost(),
                s.duplicated(), s.stuck(), s.longestWaitNanos() / 1e6);
        if (s.waiterChecksRan()) {
            // Only once the waiters scenario ran: the other scenarios' lines stay as they were.
            line += String.format(Locale.ROOT, " checked %,d obtainable %d gaps %d", s.timeoutsChecked(),
                    s.timedOutWhileObtainable(), s.rotationGapsOverBound());
        }
        return line;
    }

    private void summary(StressStats s, long elapsedNanos) {
        out.printf(Locale.ROOT, "summary after %.1f s:%n", elapsedNanos / 1e9);
        out.printf(Locale.ROOT, "  operations        %,d%n", s.operations());
        out.printf(Locale.ROOT, "  events delivered  %,d%n", s.delivered());
        out.printf(Locale.ROOT, "  lost              %d%n", s.lost());
        out.printf(Locale.ROOT, "  duplicated        %d%n", s.duplicated());
        out.printf(Locale.ROOT, "  stuck waiters     %d%n", s.stuck());
        out.printf(Locale.ROOT, "  longest wait      %.1f ms%n", s.longestWaitNanos() / 1e6);
        if (s.waiterChecksRan()) {
            out.printf(Locale.ROOT, "  timeouts checked                %,d (benign races %,d)%n", s.timeoutsChecked(),
                    s.benignRaces());
            out.printf(Locale.ROOT, "  timed out while obtainable      %d%n", s.timedOutWhileObtainable());
            out.printf(Locale.ROOT, "  level rotation checked          %,d deliveries%n", s.rotationDeliveries());
            out.printf(Locale.ROOT, "  level rotation gaps over bound  %d%n", s.rotationGapsOverBound());
        }
        for (String n : s.notes()) {
            out.println("  note: " + n);
        }
        for (String f : s.failures()) {
            out.println("  FAILED: " + f);
        }
        out.println(s.clean() ? "result: ok" : "result: FAILED");
        out.flush();
    }
}
