package org.kevent.internal.waiters;

import java.util.concurrent.locks.ReentrantLock;

/** Taking the queue lock on the hot path. */
public final class HotLock {
    /** Failed tries before queueing; a critical section takes tens to hundreds of nanoseconds. */
    private static final int SPINS = 100;

    private HotLock() {
    }

    /**
     * Takes {@code lock}, spinning briefly before queueing for it. Critical sections are short, so
     * a short spin usually wins; queueing would park the thread (a context switch) and allocate a
     * queue node inside the lock ({@code AbstractQueuedSynchronizer}), which the hot path must not.
     */
    public static void lock(ReentrantLock lock) {
        if (lock.tryLock()) {
            return;
        }
        for (int spin = 0; spin < SPINS; spin++) {
            Thread.onSpinWait();
            if (lock.tryLock()) {
                return;
            }
        }
        lock.lock();
    }
}
