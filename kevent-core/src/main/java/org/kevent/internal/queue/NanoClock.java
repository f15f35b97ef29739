package org.kevent.internal.queue;

/**
 * The monotonic clock the engine reads. The real one is {@link System#nanoTime()} (CLOCK_MONOTONIC
 * on Linux, the clock the timerfd uses); tests inject a manual one to make time deterministic.
 */
@FunctionalInterface
public interface NanoClock {
    /** The system monotonic clock. */
    NanoClock SYSTEM = System::nanoTime;

    /** @return the current time in nanoseconds */
    long nanoTime();
}
