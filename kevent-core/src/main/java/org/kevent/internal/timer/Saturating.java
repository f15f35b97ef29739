package org.kevent.internal.timer;

/**
 * Deadline arithmetic that saturates instead of wrapping: a period of {@code Long.MAX_VALUE} or a
 * timer hours late must not turn a deadline into the distant past.
 */
public final class Saturating {
    private Saturating() {
    }

    /** @return {@code a + b}, or the nearest of {@code Long.MIN_VALUE}/{@code MAX_VALUE} on overflow */
    public static long add(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    /** @return {@code a * b}, or the nearest of {@code Long.MIN_VALUE}/{@code MAX_VALUE} on overflow */
    public static long multiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return (a ^ b) < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
}
