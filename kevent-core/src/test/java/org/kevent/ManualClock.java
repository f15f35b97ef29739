package org.kevent;

import org.kevent.internal.timer.NanoClock;


/** A clock that moves only when a test (or {@link FakePoller}) moves it. */
final class ManualClock implements NanoClock {
    private long now;

    ManualClock(long start) {
        now = start;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    synchronized void advance(long nanos) {
        now += nanos;
    }

    synchronized void set(long nanos) {
        now = nanos;
    }
}
