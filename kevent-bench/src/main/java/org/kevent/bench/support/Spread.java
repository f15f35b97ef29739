package org.kevent.bench.support;

import java.util.Arrays;
import java.util.Locale;

/**
 * A median and the range it came from, over the rounds of a benchmark; NaN (and {@code n} = 0)
 * when there was nothing to take it from.
 *
 * <h2>Semantics</h2>
 * NaN and infinite values (a failed run, a ratio over a failed peer run) are skipped. A
 * {@link #paired paired ratio} divides each round's figure by the same round's figure of a peer,
 * over the rounds where both exist, so a round that was slow for everyone (a colleague's build on
 * the shared machine) cancels out.
 *
 * @param median the median of the finite values
 * @param min    the smallest
 * @param max    the largest
 * @param n      how many values were finite
 */
public record Spread(double median, double min, double max, int n) {
    /** @return the spread of the finite values among {@code values} */
    public static Spread of(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(median, v[0], v[n - 1], n);
    }

    /**
     * @param figures each round's figure of the server
     * @param peer    each round's figure of the peer, same length
     * @return the spread of {@code figures[r] / peer[r]} over the rounds where both are finite
     */
    public static Spread paired(double[] figures, double[] peer) {
        if (figures.length != peer.length) {
            throw new IllegalArgumentException(figures.length + " rounds against " + peer.length);
        }
        double[] r = new double[figures.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = figures[k] / peer[k];
        }
        return of(r);
    }

    /** @return {@code "1.02× (0.95..1.10)"}, or "n/a" without values */
    public String ratio() {
        return n == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f× (%.2f..%.2f)", median, min, max);
    }
}
