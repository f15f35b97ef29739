package org.kevent.internal.portable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.kevent.internal.queue.Poller;
// Compile-time constants only: the compiler copies them here, so no binding class is loaded.
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.timer.NanoClock;
import org.kevent.internal.timer.Saturating;
import org.kevent.internal.timer.TimerWheel;

/**
 * The portable engine's "kernel": no kernel at all. A wait is a timed {@link Condition} wait until
 * the armed timer's deadline, the timeout, a {@link #wakeup} or a report of a watched
 * {@link PortableDescriptor}; there is no readiness descriptor to export
 * ({@link DescriptorlessPoller}, docs/SEMANTICS.md §10).
 *
 * <h2>Watched descriptors</h2>
 * {@link #ctlFd} takes {@link PortableDescriptor} numbers and keeps epoll's rules: ADD and MOD
 * look at the descriptor's state at once; a level registration reports at every harvest or poll
 * while {@link PortableDescriptor#readyNow} holds (re-checked as epoll re-adds a level item to its
 * ready list), an {@code EPOLLET} one once per {@link PortableDescriptor#signal}, ADD or MOD, an
 * {@code EPOLLONESHOT} one once until the next MOD; {@code EPOLLERR} and {@code EPOLLHUP} are
 * always reported; a closed descriptor leaves the set. Errors are epoll's: {@code -EBADF} for a
 * number that is not an open descriptor, {@code -EEXIST}, {@code -ENOENT}.
 *
 * <p>Waiting in Java rather than in a system call means a virtual thread parks instead of pinning
 * its carrier, so {@link #pollParked} is {@link #poll}; an interrupt reaches the wait through the
 * queue's interrupt hook, which calls {@link #wakeup}, and through the condition itself.
 *
 * <p><b>Threading:</b> as {@link Poller}. This poller's own lock is always taken last (inside the
 * queue's lock, or alone by the waiting thread, or by a descriptor's {@code signal} from any
 * thread), and nothing is called while it is held but {@link PortableDescriptor#readyNow}, which
 * takes no lock of a queue: it cannot take part in a lock cycle.
 */
public final class PortablePoller extends DescriptorlessPoller {
    /** One descriptor in this poller's set: epoll's {@code epitem}. Guarded by the poller's lock. */
    static final class Registration {
        private final PortablePoller poller;
        final PortableDescriptor descriptor;
        int events;
        long token;
        /** Still in the set and not a spent one-shot. */
        boolean active = true;
        /** On {@link #pending}: to be re-checked at the next collection. */
        boolean pending;

        Registration(PortablePoller poller, PortableDescriptor descriptor, int events, long token) {
            this.poller = poller;
            this.descriptor = descriptor;
            this.events = events;
            this.token = token;
        }

        PortablePoller poller() {
            return poller;
        }
    }

    private final NanoClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** A wake-up not yet consumed by a poll: sticky, as an eventfd's count is. */
    private boolean woken;
    private long armed = TimerWheel.NO_DEADLINE;

    private final NumberMap<Registration> watched = new NumberMap<>();
    /** Registrations to re-check at the next collection; a level one that reported goes back on. */
    private ArrayList<Registration> pending = new ArrayList<>();
    private ArrayList<Registration> collecting = new ArrayList<>();
    private final int[] counts = new int[2];
    private final long[][] tokens = {new long[16], new long[16]};
    private final int[][] bits = {new int[16], new int[16]};

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
            counts[WAIT_SET] = 0;
            while (true) {
                if (!pending.isEmpty() && collect(WAIT_SET) > 0) {
                    break;
                }
                if (woken || timeoutNanos == 0) {
                    break;
                }
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

    /** Collects what watched descriptors report; the wake-up and the timer are left to {@link #poll}. */
    @Override
    public void harvest(boolean kernelWaitUnderway) {
        lock.lock();
        try {
            counts[HARVEST_SET] = 0;
            if (!pending.isEmpty()) {
                collect(HARVEST_SET);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Re-checks every pending registration into {@code set}. Lock held.
     *
     * @return reports collected
     */
    private int collect(int set) {
        ArrayList<Registration> batch = pending;
        pending = collecting;
        collecting = batch;
        int n = 0;
        for (int k = 0, size = batch.size(); k < size; k++) {
            Registration r = batch.get(k);
            r.pending = false;
            if (!r.active) {
                continue;
            }
            int ready = r.descriptor.readyNow() & (r.events | Epoll.EPOLLERR | Epoll.EPOLLHUP);
            if (ready == 0) {
                continue;
            }
            if (n == tokens[set].length) {
                tokens[set] = Arrays.copyOf(tokens[set], n * 2);
                bits[set] = Arrays.copyOf(bits[set], n * 2);
            }
            tokens[set][n] = r.token;
            bits[set][n] = ready;
            n++;
            if ((r.events & Epoll.EPOLLONESHOT) != 0) {
                r.active = false;
            } else if ((r.events & Epoll.EPOLLET) == 0) {
                // Level: looked at again next time, until the condition no longer holds.
                r.pending = true;
                pending.add(r);
            }
        }
        batch.clear();
        counts[set] = n;
        return n;
    }

    /** A descriptor's {@code signal}: look at {@code r} at the next collection, and end a poll. */
    void recheck(Registration r) {
        lock.lock();
        try {
            if (queue(r)) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. @return whether {@code r} went on the pending list */
    private boolean queue(Registration r) {
        if (!r.active || r.pending) {
            return false;
        }
        r.pending = true;
        pending.add(r);
        return true;
    }

    /** A descriptor's {@code close}: it leaves the set, as a closed fd leaves an epoll set. */
    void drop(Registration r) {
        lock.lock();
        try {
            r.active = false;
            if (watched.get(r.descriptor.number()) == r) {
                watched.remove(r.descriptor.number());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int ctlFd(int op, int fd, int events, long token) {
        lock.lock();
        try {
            Registration r = watched.get(fd);
            switch (op) {
                case FD_ADD -> {
                    if (r != null) {
                        return -Errno.EEXIST;
                    }
                    PortableDescriptor d = PortableDescriptor.lookup(fd);
                    if (d == null) {
                        return -Errno.EBADF;
                    }
                    r = new Registration(this, d, events, token);
                    if (!d.register(r)) {
                        return -Errno.EBADF;
                    }
                    watched.put(fd, r);
                }
                case FD_MOD -> {
                    if (r == null) {
                        return PortableDescriptor.lookup(fd) == null ? -Errno.EBADF : -Errno.ENOENT;
                    }
                    r.events = events;
                    r.token = token;
                    r.active = true;
                }
                case FD_DEL -> {
                    if (r == null) {
                        return PortableDescriptor.lookup(fd) == null ? -Errno.EBADF : -Errno.ENOENT;
                    }
                    watched.remove(fd);
                    r.active = false;
                    r.descriptor.unregister(r);
                    return 0;
                }
                default -> throw new IllegalArgumentException("ctlFd op " + op);
            }
            // ADD and MOD look at the state now: what holds is reported at the next collection.
            if (queue(r)) {
                changed.signalAll();
            }
            return 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int polledCount(int set) {
        return counts[set];
    }

    @Override
    public long polledToken(int set, int k) {
        return tokens[set][checkIndex(set, k)];
    }

    @Override
    public int polledEvents(int set, int k) {
        return bits[set][checkIndex(set, k)];
    }

    private int checkIndex(int set, int k) {
        if (k < 0 || k >= counts[set]) {
            throw new IndexOutOfBoundsException(k);
        }
        return k;
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

    /** Leaves every watched descriptor's list; a poll still under way returns through the queue's close wake-up. */
    @Override
    public void close() {
        lock.lock();
        try {
            watched.forEach(r -> {
                r.active = false;
                r.descriptor.unregister(r);
            });
            watched.clear();
            pending.clear();
        } finally {
            lock.unlock();
        }
    }
}
