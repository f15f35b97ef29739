package org.kevent.internal.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kevent.internal.queue.Poller;
import org.kevent.testing.ManualClock;

/**
 * The portable engine's descriptor watch keeps epoll's rules (docs/SEMANTICS.md §3 and §10), so a
 * kind written against epoll runs on it unchanged: what ADD and MOD report at once, level against
 * edge against one-shot, the always-reported bits, the errors, and a close that leaves the set.
 * A poll that should have ended and did not shows as a thread still alive after a 10-s join.
 */
class PortableDescriptorTest {
    private static final int IN = 0x001;
    private static final int OUT = 0x004;
    private static final int ERR = 0x008;
    private static final int HUP = 0x010;
    private static final int ONESHOT = 1 << 30;
    private static final int ET = 1 << 31;
    private static final long TOKEN = 7L << 32 | 3;

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final PortablePoller poller = new PortablePoller(clock);
    private final Source source = new Source();

    /** A source whose state the test sets. */
    static final class Source extends PortableDescriptor {
        volatile int state;

        @Override
        protected int readyNow() {
            return state;
        }

        void become(int bits) {
            state = bits;
            signal();
        }
    }

    @AfterEach
    void close() {
        source.close();
        poller.close();
    }

    /** @return the (token, bits) pairs one harvest collects */
    private List<String> harvest() {
        poller.harvest(false);
        List<String> got = new ArrayList<>();
        for (int k = 0; k < poller.polledCount(Poller.HARVEST_SET); k++) {
            got.add(Long.toHexString(poller.polledToken(Poller.HARVEST_SET, k)) + ":" + poller.polledEvents(Poller.HARVEST_SET, k));
        }
        return got;
    }

    private static String report(int bits) {
        return Long.toHexString(TOKEN) + ":" + bits;
    }

    private void add(int events) {
        assertThat(poller.ctlFd(Poller.FD_ADD, source.number(), events, TOKEN)).isZero();
    }

    @Test
    void numbersAreNotFileDescriptorsAndAreNeverReused() {
        try (Source other = new Source()) {
            assertThat(source.number()).isGreaterThanOrEqualTo(PortableDescriptor.FIRST_NUMBER);
            assertThat(other.number()).isGreaterThan(source.number());
            other.close();
            assertThat(PortableDescriptor.lookup(other.number())).isNull();
            try (Source third = new Source()) {
                assertThat(third.number()).isNotEqualTo(other.number());
            }
        }
        assertThat(PortableDescriptor.lookup(source.number())).isSameAs(source);
    }

    @Test
    void anAddOfADescriptorAlreadyReadyReportsAtTheNextHarvest() {
        source.state = IN;

        add(IN | ET);

        assertThat(harvest()).containsExactly(report(IN));
        assertThat(harvest()).as("an edge is reported once").isEmpty();
    }

    @Test
    void aLevelRegistrationReportsAtEveryHarvestWhileTheConditionHolds() {
        add(IN);
        assertThat(harvest()).as("not ready: nothing").isEmpty();

        source.become(IN);

        assertThat(harvest()).containsExactly(report(IN));
        assertThat(harvest()).as("no new signal, still ready: reported again").containsExactly(report(IN));
        source.state = 0;
        assertThat(harvest()).as("drained: no longer reported").isEmpty();
        assertThat(harvest()).isEmpty();
    }

    @Test
    void anEdgeRegistrationReportsOncePerSignal() {
        add(IN | ET);

        source.become(IN);
        assertThat(harvest()).containsExactly(report(IN));
        assertThat(harvest()).isEmpty();

        source.become(IN);
        assertThat(harvest()).as("a new edge while still ready").containsExactly(report(IN));
    }

    @Test
    void aOneShotRegistrationReportsOnceUntilAModRearmsIt() {
        add(IN | ONESHOT);
        source.become(IN);
        assertThat(harvest()).containsExactly(report(IN));

        source.become(IN);
        assertThat(harvest()).as("spent until MOD").isEmpty();

        assertThat(poller.ctlFd(Poller.FD_MOD, source.number(), IN | ONESHOT, TOKEN)).isZero();
        assertThat(harvest()).as("MOD re-checks at once").containsExactly(report(IN));
    }

    @Test
    void aModLooksAtTheStateNowAndTakesTheNewTokenAndEvents() {
        add(IN | ET);
        source.state = OUT;
        assertThat(harvest()).isEmpty();

        long token = 9L << 32 | 4;
        assertThat(poller.ctlFd(Poller.FD_MOD, source.number(), IN | OUT | ET, token)).isZero();

        poller.harvest(false);
        assertThat(poller.polledCount(Poller.HARVEST_SET)).isEqualTo(1);
        assertThat(poller.polledToken(Poller.HARVEST_SET, 0)).isEqualTo(token);
        assertThat(poller.polledEvents(Poller.HARVEST_SET, 0)).isEqualTo(OUT);
    }

    @Test
    void onlyTheBitsAskedForAreReportedButErrorAndHangUpAlwaysAre() {
        add(IN | ET);

        source.become(OUT);
        assertThat(harvest()).as("OUT was not asked for").isEmpty();

        source.become(OUT | ERR | HUP);
        assertThat(harvest()).containsExactly(report(ERR | HUP));
    }

    @Test
    void aDeletedRegistrationReportsNothingMore() {
        add(IN);
        source.become(IN);

        assertThat(poller.ctlFd(Poller.FD_DEL, source.number(), 0, TOKEN)).isZero();

        assertThat(harvest()).isEmpty();
        source.become(IN);
        assertThat(harvest()).isEmpty();
    }

    @Test
    void aClosedDescriptorLeavesTheSetAndItsNumberIsBad() {
        add(IN);
        source.become(IN);

        source.close();

        assertThat(harvest()).as("nothing after close").isEmpty();
        assertThat(PortableDescriptor.lookup(source.number())).isNull();
        assertThat(poller.ctlFd(Poller.FD_DEL, source.number(), 0, TOKEN)).as("-EBADF").isEqualTo(-9);
        assertThat(poller.ctlFd(Poller.FD_ADD, source.number(), IN, TOKEN)).as("-EBADF").isEqualTo(-9);
        assertThat(poller.ctlFd(Poller.FD_MOD, source.number(), IN, TOKEN)).as("-EBADF").isEqualTo(-9);
    }

    @Test
    void epollsErrorsForAddTwiceAndForChangesOfWhatIsNotWatched() {
        assertThat(poller.ctlFd(Poller.FD_MOD, source.number(), IN, TOKEN)).as("-ENOENT").isEqualTo(-2);
        assertThat(poller.ctlFd(Poller.FD_DEL, source.number(), 0, TOKEN)).as("-ENOENT").isEqualTo(-2);
        add(IN);
        assertThat(poller.ctlFd(Poller.FD_ADD, source.number(), IN, TOKEN)).as("-EEXIST").isEqualTo(-17);
        assertThat(poller.ctlFd(Poller.FD_ADD, -1, IN, TOKEN)).as("-EBADF").isEqualTo(-9);
        assertThatThrownBy(() -> poller.ctlFd(99, source.number(), IN, TOKEN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSameDescriptorInTwoPollersReportsToEach() {
        PortablePoller second = new PortablePoller(clock);
        try {
            add(IN | ET);
            assertThat(second.ctlFd(Poller.FD_ADD, source.number(), IN | ET, 5L << 32)).isZero();

            source.become(IN);

            assertThat(harvest()).containsExactly(report(IN));
            second.harvest(false);
            assertThat(second.polledCount(Poller.HARVEST_SET)).isEqualTo(1);
            assertThat(second.polledToken(Poller.HARVEST_SET, 0)).isEqualTo(5L << 32);
        } finally {
            second.close();
        }
    }

    @Test
    void aSignalFromAnotherThreadEndsAnUnboundedPollWithTheReport() throws Exception {
        add(IN | ET);
        int[] seen = new int[2];
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            poller.poll(-1);
            seen[0] = poller.polledCount(Poller.WAIT_SET);
            seen[1] = seen[0] > 0 ? poller.polledEvents(Poller.WAIT_SET, 0) : -1;
        });
        while (t.getState() != Thread.State.WAITING && t.isAlive()) {
            Thread.sleep(1);
        }

        source.become(IN);

        t.join(10_000);
        assertThat(t.isAlive()).as("the poll ended").isFalse();
        assertThat(seen).containsExactly(1, IN);
    }

    @Test
    void aVirtualThreadPollingParksAndIsEndedByASignal() throws Exception {
        add(IN | ET);
        Thread t = Thread.ofVirtual().start(() -> poller.pollParked(-1));
        while (t.getState() != Thread.State.WAITING && t.isAlive()) {
            Thread.sleep(1);
        }

        source.become(IN);

        t.join(10_000);
        assertThat(t.isAlive()).as("the poll ended").isFalse();
        assertThat(poller.polledCount(Poller.WAIT_SET)).isEqualTo(1);
    }

    @Test
    void aLevelReportThatNoLongerHoldsDoesNotEndAPoll() throws Exception {
        add(IN);
        source.become(IN);
        assertThat(harvest()).hasSize(1);
        source.state = 0;

        Thread t = Thread.ofPlatform().daemon().start(() -> poller.poll(-1));
        while (t.getState() != Thread.State.WAITING && t.isAlive()) {
            Thread.sleep(1);
        }
        assertThat(t.isAlive()).as("waits: the level item was dropped, not reported empty").isTrue();

        poller.wakeup();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(poller.polledCount(Poller.WAIT_SET)).isZero();
    }

    @Test
    void closingThePollerLeavesEveryDescriptor() {
        add(IN);

        poller.close();

        source.become(IN);
        assertThat(harvest()).isEmpty();
    }
}
