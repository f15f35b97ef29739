package org.kevent.testing;

import java.util.List;

/** The threads of a controlled-concurrency program (Lincheck): started together, all joined. */
public final class CheckedThreads {
    private CheckedThreads() {
    }

    /**
     * Starts every thread, then joins each: the checker schedules them; a hang is its report.
     *
     * @param threads the program's threads, not started
     */
    public static void runAll(List<Thread> threads) {
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
