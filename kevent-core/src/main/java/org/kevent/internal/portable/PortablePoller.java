package org.kevent.internal.portable;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.kevent.internal.queue.Poller;
import org.kevent.internal.timer.NanoClock;
import org.kevent.internal.timer.Saturating;
import org.kevent.internal.timer.TimerWheel;

/**
 * The portable engine's "kernel": no kernel at all. A wait is a timed {@link Condition} wait until
 * the armed timer's deadline, the timeout or a {@link #wakeup}; there are no descriptors to watch
 * and no readiness descriptor to export ({@link DescriptorlessPoller}, docs/SEMANTICS.md §10).
 *
 * <p>Waiting in Java rather than in a system call means a virtual thread parks instead of pinning
 * its carrier, so {@link #pollParked} is {@link #poll}; an interrupt reaches the wait through the
 * queue's interrupt hook, which calls {@link #wakeup}, and through the condition itself.
 *
 * <p><b>Threading:</b> as {@link Poller}. This poller's own lock is always taken last (inside the
 * queue's lock, or alone by the waiting thread), so it cannot take part in a lock cycle.
 */
public final class PortablePoller extends DescriptorlessPoller {
    private final NanoClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** A wake-up not yet consumed by a poll: sticky, as an eventfd's count is. */
    private boolean woken;
    private long armed = TimerWheel.NO_DEADLINE;

    /**
     * @param clock the queue's clock, on which the armed deadlines are read
     */
    public PortablePoller(NanoClock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "portable";
    }

    @Override
    public void poll(long timeoutNanos) {
        lock.lock();
        try {
            long start = clock.nanoTime();
            long end = timeoutNanos < 0 ? TimerWheel.NO_DEADLINE : Saturating.add(start, timeoutNanos);
            while (!woken && timeoutNanos != 0) {
                long until = Math.min(end, armed);
                if (until == TimerWheel.NO_DEADLINE) {
                    changed.await();
                    continue;
                }
                long left = until - clock.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            woken = false;
        } catch (InterruptedException e) {
            // Kept for the waiter, as an interrupted epoll_wait leaves it: the wait protocol returns.
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void wakeup() {
        lock.lock();
        try {
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void armTimer(long deadlineNanos) {
        lock.lock();
        try {
            long before = armed;
            armed = deadlineNanos;
            if (deadlineNanos < before) {
                // A wait under way sleeps until the old deadline: make it recompute.
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        // Nothing to release; a poll still under way returns through the queue's close wake-up.
    }
}
