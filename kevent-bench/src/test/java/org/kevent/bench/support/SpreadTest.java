package org.kevent.bench.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpreadTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValueAndTheRangeIsMinToMax() {
        Spread s = Spread.of(new double[] {3, 1, 2});
        assertThat(s).isEqualTo(new Spread(2, 1, 3, 3));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Spread.of(new double[] {4, 1, 3, 2}).median()).isEqualTo(2.5);
    }

    @Test
    void failedRoundsAreSkippedNotCountedAsZero() {
        Spread s = Spread.of(new double[] {Double.NaN, 5, Double.POSITIVE_INFINITY, 7});
        assertThat(s).isEqualTo(new Spread(6, 5, 7, 2));
    }

    @Test
    void nothingToMeasureGivesNaNAndNoValues() {
        Spread s = Spread.of(new double[] {Double.NaN});
        assertThat(s.n()).isZero();
        assertThat(s.median()).isNaN();
        assertThat(s.ratio()).isEqualTo("n/a");
    }

    @Test
    void pairedRatiosDivideRoundByRoundAndSkipRoundsWhereEitherSideFailed() {
        double[] server = {10, 30, 40, Double.NaN};
        double[] peer = {5, 10, Double.NaN, 2};
        Spread s = Spread.paired(server, peer);
        assertThat(s).isEqualTo(new Spread(2.5, 2, 3, 2));
        assertThat(s.ratio()).isEqualTo("2.50× (2.00..3.00)");
    }

    @Test
    void aRoundWherePeerIsZeroGivesNoRatioRatherThanInfinity() {
        assertThat(Spread.paired(new double[] {1, 4}, new double[] {0, 2})).isEqualTo(new Spread(2, 2, 2, 1));
    }

    @Test
    void pairingRoundsOfDifferentLengthsIsRefused() {
        assertThatThrownBy(() -> Spread.paired(new double[2], new double[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 rounds against 3");
    }
}
