package org.kevent.internal.timer;


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

    /**
     * Converts a relative timeout to an absolute deadline on this clock.
     *
     * @param timeout negative means forever, 0 means no wait
     * @param unit    its unit
     * @return the deadline: {@link Long#MAX_VALUE} for none (the waiters' {@code FOREVER}),
     *         {@link Long#MIN_VALUE} for no wait; a positive timeout is at least 1 ns (round up, never down to zero)
     */
    default long deadlineAfter(long timeout, java.util.concurrent.TimeUnit unit) {
        if (timeout < 0) {
            return Long.MAX_VALUE;
        }
        if (timeout == 0) {
            return Long.MIN_VALUE;
        }
        return Saturating.add(nanoTime(), Math.max(1, unit.toNanos(timeout)));
    }
}
