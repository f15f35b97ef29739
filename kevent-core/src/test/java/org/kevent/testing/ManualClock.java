package org.kevent.testing;

import org.kevent.internal.timer.NanoClock;


/** A clock that moves only when a test (or {@link FakePoller}) moves it. */
public final class ManualClock implements NanoClock {
    private long now;

    /** @param start the first reading */
    public ManualClock(long start) {
        now = start;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    /** Moves the clock {@code nanos} forward. */
    public synchronized void advance(long nanos) {
        now += nanos;
    }

    synchronized void set(long nanos) {
        now = nanos;
    }
}
