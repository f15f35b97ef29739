package org.kevent.internal.portable;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the portable engine watches where the Linux engine watches a file descriptor: a number a
 * queue's kinds hand to {@code watchFd}, {@code rewatchFd} and {@code unwatchFd} exactly as they
 * would an fd, with the same {@code EPOLL*} bits, so a kind written against epoll (INODE's, for
 * one) runs unchanged on a {@link PortablePoller} (docs/DESIGN.md, internal.portable).
 *
 * <p>A Java thread that learns something about the source (a {@code WatchService} key, a
 * {@code Selector}'s selection) calls {@link #signal}: the edge. What is true now is
 * {@link #readyNow}, which the pollers read, so a level registration re-checks it as epoll
 * re-checks a level item, and an edge registration reports once per signal.
 *
 * <p>Numbers are the library's own, not the operating system's: they start at
 * {@value #FIRST_NUMBER}, far above the descriptors a process usually holds, so that one shown in
 * a log is not mistaken for an fd, and they are never reused, so a number kept after close can
 * never name a later descriptor.
 *
 * <p><b>Threading:</b> {@link #signal}, {@link #close} and {@link #lookup} from any thread, with
 * any lock held or none: the pollers' locks are taken last.
 */
public abstract class PortableDescriptor implements AutoCloseable {
    /** The first number handed out. */
    public static final int FIRST_NUMBER = 1 << 24;

    private static final AtomicInteger NEXT = new AtomicInteger(FIRST_NUMBER);
    /** The open descriptors by number; its own monitor guards it. */
    private static final NumberMap<PortableDescriptor> OPEN = new NumberMap<>();

    private final int number;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Written on ADD, DEL and close (rare); read by every signal (frequent). */
    private final CopyOnWriteArrayList<PortablePoller.Registration> registrations = new CopyOnWriteArrayList<>();

    /**
     * Takes a fresh number and makes the descriptor visible to {@link #lookup}.
     *
     * @throws IllegalStateException once every number was handed out (2^31 - 2^24 of them)
     */
    protected PortableDescriptor() {
        int n = NEXT.getAndUpdate(v -> v == Integer.MAX_VALUE ? v : v + 1);
        if (n == Integer.MAX_VALUE) {
            throw new IllegalStateException("portable descriptor numbers exhausted");
        }
        this.number = n;
        synchronized (OPEN) {
            OPEN.put(n, this);
        }
    }

    /** @return this descriptor's number, kept after close */
    public final int number() {
        return number;
    }

    /**
     * The source's state now, as {@code EPOLL*} bits ({@code EPOLLIN}, {@code EPOLLOUT},
     * {@code EPOLLERR}, {@code EPOLLHUP}, {@code EPOLLRDHUP}). Read by pollers under their own lock,
     * from whichever thread harvests: it must be cheap, must not block and must take no queue lock.
     *
     * @return the bits that hold now
     */
    protected abstract int readyNow();

    /**
     * The edge: what {@link #readyNow} returns may have changed. Every poller watching this
     * descriptor re-checks it at its next harvest or poll, and a poll under way returns.
     */
    public final void signal() {
        for (PortablePoller.Registration r : registrations) {
            r.poller().recheck(r);
        }
    }

    /** @return whether {@link #close} was called */
    public final boolean isClosed() {
        return closed.get();
    }

    /**
     * Leaves every poller's set, as a closed fd leaves every epoll set (no report is collected
     * after this returns; one collected before still reaches its token's owner, whose token the
     * kind ends itself), and retires the number: a later {@code ctlFd} on it fails with
     * {@code EBADF}. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (OPEN) {
            OPEN.remove(number);
        }
        for (PortablePoller.Registration r : registrations) {
            r.poller().drop(r);
        }
        registrations.clear();
    }

    /**
     * @param number a number a kind was given as a descriptor
     * @return the open descriptor with that number, or null
     */
    public static PortableDescriptor lookup(int number) {
        synchronized (OPEN) {
            return OPEN.get(number);
        }
    }

    /** A poller's ADD: false if the descriptor closed meanwhile (the ADD then fails with EBADF). */
    boolean register(PortablePoller.Registration r) {
        registrations.add(r);
        if (closed.get()) {
            registrations.remove(r);
            return false;
        }
        return true;
    }

    /** A poller's DEL or close. */
    void unregister(PortablePoller.Registration r) {
        registrations.remove(r);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "#" + number + (closed.get() ? " (closed)" : "");
    }
}
