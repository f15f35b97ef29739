package org.kevent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kevent.bench.support.Spread;

class TimersBenchTest {
    private static final int N = 1_000;

    /** Far enough that nothing fires during a test, however slow the machine. */
    private static long[] delays() {
        long[] d = new long[N];
        Arrays.fill(d, TimeUnit.SECONDS.toNanos(30));
        for (int i = 0; i < N; i++) {
            d[i] += i * 1_000L;
        }
        return d;
    }

    @Test
    void everyRacerSchedulesAndCancelsAllTimeoutsOfARound() throws Exception {
        List<TimersBench.Racer> racers = TimersBench.racers(delays());
        assertThat(racers).extracting(r -> r.key).containsExactly("kevent", "agrona-wheel", "netty-hwt", "jdk-stpe");
        for (TimersBench.Racer r : racers) {
            // race() fails the run unless all N cancels took effect, so each racer did N of each.
            TimersBench.Phases p = TimersBench.race(r, N);
            assertThat(p.scheduleNanos()).as(r.name).isPositive();
            assertThat(p.cancelNanos()).as(r.name).isPositive();
        }
    }

    @Test
    void agronaWheelHoldsEveryScheduledTimerAndNoneAfterTheCancels() throws Exception {
        TimersBench.AgronaRacer agrona = new TimersBench.AgronaRacer(delays());
        agrona.prepare();
        agrona.scheduleAll();
        assertThat(agrona.timerCount()).isEqualTo(N);
        assertThat(agrona.cancelAll()).isEqualTo(N);
        assertThat(agrona.timerCount()).isZero();
        agrona.close();
    }

    @Test
    void theJdkPeerOfTheTargetIsTheExecutor() {
        assertThat(TimersBench.racers(delays()).get(TimersBench.JDK).key).isEqualTo("jdk-stpe");
    }

    @Test
    void ratesCountBothPhasesAsTwoOperationsPerTimeout() {
        TimersBench.Rounds rounds = new TimersBench.Rounds(1, 1, 1_000);
        rounds.put(0, 0, new TimersBench.Phases(1_000_000, 3_000_000, 4_000, 0));
        assertThat(rounds.rates(0, TimersBench.Rounds.Phase.BOTH)).containsExactly(500_000.0);
        assertThat(rounds.rates(0, TimersBench.Rounds.Phase.SCHEDULE)).containsExactly(1_000_000.0);
        assertThat(rounds.rates(0, TimersBench.Rounds.Phase.CANCEL)).containsExactly(1_000_000.0 / 3);
        assertThat(rounds.bytesPerOp(0)).isEqualTo(2.0);
    }

    @Test
    void ratiosArePairedByRoundNotMediansOfDifferentRoundsDivided() {
        // kevent 10, 20, 40 against 5, 40, 10 ops per µs: the ratio of the medians is 20 / 10 = 2,
        // but the rounds say 2, 0.5 and 4: median 2, range 0.5..4. A round both ran slowly cancels out.
        TimersBench.Rounds rounds = new TimersBench.Rounds(2, 3, 1_000);
        long[] kevent = {200_000, 100_000, 50_000};
        long[] peer = {400_000, 50_000, 200_000};
        for (int r = 0; r < 3; r++) {
            rounds.put(0, r, new TimersBench.Phases(kevent[r] / 2, kevent[r] / 2, 0, 0));
            rounds.put(1, r, new TimersBench.Phases(peer[r] / 2, peer[r] / 2, 0, 1));
        }
        Spread vs = rounds.paired(0, 1, TimersBench.Rounds.Phase.BOTH);
        assertThat(vs.median()).isEqualTo(2.0);
        assertThat(vs.min()).isEqualTo(0.5);
        assertThat(vs.max()).isEqualTo(4.0);
        assertThat(vs.n()).isEqualTo(3);
        assertThat(rounds.collections(1)).isEqualTo(3);
        assertThat(rounds.collections(0)).isZero();
    }

    @Test
    void aRoundNotRunIsLeftOutOfTheSpreadAndThePairs() {
        TimersBench.Rounds rounds = new TimersBench.Rounds(2, 2, 1_000);
        rounds.put(0, 0, new TimersBench.Phases(1_000, 1_000, 0, 0));
        rounds.put(1, 0, new TimersBench.Phases(2_000, 2_000, 0, 0));
        rounds.put(0, 1, new TimersBench.Phases(1_000, 1_000, 0, 0));
        assertThat(rounds.spread(1, TimersBench.Rounds.Phase.BOTH).n()).isEqualTo(1);
        assertThat(rounds.paired(0, 1, TimersBench.Rounds.Phase.BOTH)).isEqualTo(new Spread(2, 2, 2, 1));
    }
}
