package org.kevent.internal.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kevent.KeventException;
import org.kevent.internal.queue.Poller;
import org.kevent.testing.ManualClock;

/**
 * The portable engine's wait (docs/SEMANTICS.md §10) on a manual clock: what ends a poll. A poll
 * that should have ended and did not shows as a thread still alive after a 10-s join; the
 * observations themselves (a thread parked in the wait, a due deadline) are deterministic.
 */
class PortablePollerTest {
    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final PortablePoller poller = new PortablePoller(clock);

    @AfterEach
    void close() {
        poller.close();
    }

    /** Starts a thread in {@code poll(-1)} and returns once it is parked in the wait. */
    private Thread parkedInPoll(AtomicBoolean interruptedAfter) throws InterruptedException {
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            poller.poll(-1);
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        while (t.getState() != Thread.State.WAITING && t.isAlive()) {
            Thread.sleep(1);
        }
        return t;
    }

    private static void assertEnds(Thread t) throws InterruptedException {
        t.join(10_000);
        assertThat(t.isAlive()).as("the poll ended").isFalse();
    }

    private Thread polling(long timeoutNanos) {
        return Thread.ofPlatform().daemon().start(() -> poller.poll(timeoutNanos));
    }

    /** Sticky, as an eventfd's count is: a wake-up nobody waited for ends the next poll. */
    @Test
    void aWakeupBeforeThePollEndsItAtOnce() throws Exception {
        poller.wakeup();

        assertEnds(polling(-1));
    }

    @Test
    void aZeroTimeoutNeverBlocks() throws Exception {
        assertEnds(polling(0));
    }

    @Test
    void aDueTimerEndsAnUnboundedPoll() throws Exception {
        poller.armTimer(clock.nanoTime());

        assertEnds(polling(-1));
    }

    @Test
    void aWakeupFromAnotherThreadEndsAnUnboundedPoll() throws Exception {
        Thread t = parkedInPoll(new AtomicBoolean());

        poller.wakeup();

        assertEnds(t);
    }

    /** The Linux engine's timerfd shortens a sleep in the kernel; this wait must be told. */
    @Test
    void aTimerArmedEarlierDuringThePollEndsIt() throws Exception {
        Thread t = parkedInPoll(new AtomicBoolean());

        poller.armTimer(clock.nanoTime());

        assertEnds(t);
    }

    @Test
    void anInterruptEndsThePollKeepingTheStatus() throws Exception {
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread t = parkedInPoll(interruptedAfter);

        t.interrupt();

        assertEnds(t);
        assertThat(interruptedAfter).as("interrupt status kept").isTrue();
    }

    @Test
    void thereIsNoDescriptorToExportAndNoOperatingSystemDescriptorToWatch() {
        assertThat(poller.name()).isEqualTo("portable");
        assertThatThrownBy(poller::exportFd).isInstanceOf(KeventException.class)
                .hasMessageStartingWith("readinessFd: EOPNOTSUPP (the portable engine has no file descriptor");
        assertThat(poller.ctlFd(Poller.FD_ADD, 0, 1, 1L << 32)).as("fd 0 is no portable descriptor: -EBADF").isEqualTo(-9);
        poller.harvest(false);
        assertThat(poller.polledCount(Poller.HARVEST_SET)).isZero();
        assertThat(poller.polledCount(Poller.WAIT_SET)).isZero();
        assertThatThrownBy(() -> poller.polledToken(Poller.WAIT_SET, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(poller.syscalls()).isZero();
    }
}
