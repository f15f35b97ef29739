package org.kevent.cli.stress;

import java.time.Duration;

/**
 * One stress scenario: it hammers a queue from several threads for a time budget, then checks
 * its own books (what was caused against what was delivered) and adds the outcome to the stats.
 *
 * <p>A scenario must return within its budget plus a bounded drain (a few seconds): a hang is a
 * finding, so every wait it does at the end is bounded and reported as stuck when it runs out.
 */
public interface Scenario {
    /** @return a short name for the progress line and the summary */
    String name();

    /**
     * Runs the scenario.
     *
     * @param budget how long to generate load
     * @param stats  where to count
     * @throws InterruptedException if the running thread is interrupted
     */
    void run(Duration budget, StressStats stats) throws InterruptedException;

    /** The scenarios of {@code kevent stress}, in the order they run. */
    static Scenario[] all() {
        return new Scenario[] {new UserEventsScenario(), new RingScenario(), new TimerScenario(),
                new CloseScenario(), new SocketScenario(), new AioScenario(), new WaitersScenario(),
                new HttpAbuseScenario()};
    }

    /**
     * {@code http-abuse} with only some of its attacks, its polite clients' p99 held to 100 ms.
     *
     * @param attacks attack names: slowloris, pipeliners, abandoned, fifo, symlink
     * @return the scenario
     * @throws IllegalArgumentException naming an unknown attack and the known ones
     */
    static Scenario httpAbuse(java.util.Collection<String> attacks) {
        return new HttpAbuseScenario(HttpAbuseScenario.attacks(attacks), java.time.Duration.ofMillis(100));
    }
}
