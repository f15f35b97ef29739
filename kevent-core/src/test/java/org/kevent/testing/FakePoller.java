package org.kevent.testing;

import java.util.ArrayList;
import java.util.List;
import org.kevent.internal.timer.TimerWheel;


/**
 * A kernel stand-in for deterministic engine tests: a poll "sleeps" by moving the manual clock to
 * the earlier of the armed timer and the timeout, as the kernel would, and records each timeout.
 * {@link #interruptNextPolls} makes polls return early, as an EINTR would.
 */
public final class FakePoller extends NoFdPoller {
    private final ManualClock clock;
    /** The timeout of every poll, in order (ns, negative for none). */
    public final List<Long> timeouts = new ArrayList<>();
    private long armed = TimerWheel.NO_DEADLINE;
    private int interruptions;
    private long interruptStep;
    private boolean woken;
    boolean closed;
    /** Times {@link #close} was called. */
    public int closeCalls;

    /** @param clock the clock a poll moves */
    public FakePoller(ManualClock clock) {
        this.clock = clock;
    }

    /** The next {@code count} polls return after {@code step} ns, before their timeout. */
    public synchronized void interruptNextPolls(int count, long step) {
        interruptions = count;
        interruptStep = step;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public synchronized void poll(long timeoutNanos) {
        timeouts.add(timeoutNanos);
        if (woken) {
            woken = false;
            return;
        }
        long now = clock.nanoTime();
        if (interruptions > 0) {
            interruptions--;
            clock.advance(interruptStep);
            return;
        }
        if (timeoutNanos < 0 && armed == TimerWheel.NO_DEADLINE) {
            throw new AssertionError("a poll with no timeout and no timer would sleep forever");
        }
        long until = timeoutNanos < 0 ? armed : Math.min(armed, now + timeoutNanos);
        if (until > now) {
            clock.set(until);
        }
    }

    @Override
    public synchronized void wakeup() {
        woken = true;
    }

    @Override
    public synchronized void armTimer(long deadlineNanos) {
        armed = deadlineNanos;
    }

    /** @return the deadline the engine armed last, {@code TimerWheel.NO_DEADLINE} for none */
    public synchronized long armed() {
        return armed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeCalls++;
    }
}
