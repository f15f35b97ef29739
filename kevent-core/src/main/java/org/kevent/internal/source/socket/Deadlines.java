package org.kevent.internal.source.socket;

import java.time.Duration;

/**
 * The deadlines of the blocking socket calls ({@code TcpSocket.read(buf, timeout)} and the
 * like), on {@link System#nanoTime()}'s clock, the same on both engines.
 */
public final class Deadlines {
    /** The deadline of a call without a time limit. */
    public static final long NONE = Long.MIN_VALUE;
    /** Longer timeouts than this (about 146 years) wait without a limit: the deadline would overflow. */
    private static final long LONGEST_NANOS = Long.MAX_VALUE / 2;

    private Deadlines() {
    }

    /**
     * Converts a call's timeout into a deadline.
     *
     * @param timeout how long the call may wait; negative for no limit; zero to try once
     * @return the deadline, or {@link #NONE}
     * @throws NullPointerException if {@code timeout} is null
     */
    public static long of(Duration timeout) {
        if (timeout.isNegative()) {
            return NONE;
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException overflow) {
            return NONE;
        }
        if (nanos > LONGEST_NANOS) {
            return NONE;
        }
        long d = System.nanoTime() + nanos;
        // A real deadline never reads as "none".
        return d == NONE ? d + 1 : d;
    }
}
