package org.kevent.internal.queue;

import org.kevent.Ukevent;

/**
 * What one event type means to the engine (the seed's per-type {@code kevent_callbacks}): how an
 * interest starts and stops watching its source, and what happens after a delivery. Timers and
 * user events are built into {@link Engine}; every other source (POLL, INODE, SOCKET, NAIO) is a
 * kind, made by the backend's wiring and installed with {@link Engine#installKind}.
 *
 * <p>Every method runs with the queue lock held. A kind reports activity by setting the interest's
 * {@code readyEvents} (and {@code pending}, {@code data2}) and calling
 * {@link SourceContext#ready}: its {@link #context} is all it sees of the queue.
 */
public abstract class SourceKind {
    /** The queue this kind serves, as far as a source may reach it. */
    protected final SourceContext context;

    /**
     * @param context the queue this kind serves
     */
    protected SourceKind(SourceContext context) {
        this.context = context;
        this.extras = hasExtras();
        this.deliveryHook = hasDeliveryHook();
    }

    /**
     * {@link #hasExtras()}, read once: delivery asks per event, and a field costs less than a call
     * on the hot path (a kind answers with a constant).
     */
    final boolean extras;
    /** {@link #hasDeliveryHook()}, read once, for the same reason. */
    final boolean deliveryHook;

    /**
     * @return whether {@link #delivered} does anything for this kind: a kind whose condition is
     *         consumed by the delivery itself (timers, user events) says no, and delivery skips
     *         the call. Must be a constant; read once, at construction.
     */
    protected boolean hasDeliveryHook() {
        return true;
    }

    /** Counters of a kind that runs requests (network AIO), for {@code QueueStats}. */
    public enum Requests {
        /** Requests started. */
        STARTED,
        /** Requests ended (done, failed or cancelled). */
        ENDED,
        /** Requests ended as cancelled. */
        CANCELLED,
        /** Receive buffers lent to the caller now. */
        BUFFERS_LENT,
        /** System calls the kind's engine made beside the queue's poller ({@code io_uring_enter}). */
        SYSCALLS
    }

    /**
     * Judges the fields of an ADD or MODIFY record that only this type gives meaning to, after the
     * queue has judged the common ones (flags, event mask). By default: no period (only TIMER
     * records have one) and no recursion (only INODE records watch trees).
     *
     * @param r the record
     * @return null, or the error naming the field and the value
     */
    public CtlError validate(Ukevent r) {
        if (r.periodNanos() != 0) {
            return CtlError.of("EINVAL", "period " + r.periodNanos() + " ns on a " + r.type()
                    + " record: only TIMER records have one (field period)");
        }
        return r.recursive() ? notRecursive(r) : null;
    }

    /** @return the error of a recursive watch asked of a type that does not watch trees */
    protected static CtlError notRecursive(Ukevent r) {
        return CtlError.of("EINVAL", "recursive watch on a " + r.type()
                + " record: only INODE records watch trees (field recursive)");
    }

    /** @return whether TRIGGER applies to this type's interests (USER) */
    public boolean triggerable() {
        return false;
    }

    /**
     * TRIGGER: the caller marks the interest ready. Called only if {@link #triggerable}.
     *
     * @param i the interest
     */
    public void trigger(Interest i) {
        throw new UnsupportedOperationException("TRIGGER on a " + i.type + " interest");
    }

    /**
     * @return null if ctl makes this type's interests, else the error every ctl record of the type
     *         gets (network AIO requests are started by their own calls)
     */
    public CtlError refusedByCtl() {
        return null;
    }

    /**
     * @return whether {@link #checkWaiter} and {@link #beforeKernelWait} do anything: the queue
     *         calls them on every wait, for at most one kind
     */
    public boolean hasWaitHooks() {
        return false;
    }

    /** A thread is about to wait on the queue; throws if this kind forbids it that wait. */
    public void checkWaiter() {
    }

    /** The queue harvests or is about to sleep in the kernel: submit what was batched. */
    public void beforeKernelWait() {
    }

    /** {@link #epollState}: this kind does not watch the queue's epoll set; the usual rule applies. */
    public static final int EPOLL_UNWATCHED = -1;
    /** {@link #epollState}: the epoll set has reported nothing since a harvest found it empty. */
    public static final int EPOLL_QUIET = 0;
    /** {@link #epollState}: the epoll set may hold something (it was woken, or not yet found empty). */
    public static final int EPOLL_MAYBE = 1;

    /**
     * Asked by a harvest, after {@link #beforeKernelWait}: whether this kind watches the queue's
     * epoll set for the calling thread (an io_uring poll of it, for a thread that waits in the
     * ring), and what it saw. Called only for the kind with wait hooks.
     *
     * @return {@link #EPOLL_UNWATCHED}, {@link #EPOLL_QUIET} (the harvest may skip its
     *         {@code epoll_wait}) or {@link #EPOLL_MAYBE} (it must make it, even with no
     *         descriptor watched: a wake-up or a timer is to be consumed)
     */
    public int epollState() {
        return EPOLL_UNWATCHED;
    }

    /**
     * A harvest made its {@code epoll_wait} while {@link #epollState} was not
     * {@link #EPOLL_UNWATCHED}.
     *
     * @param empty whether the epoll set reported nothing at all
     */
    public void epollHarvested(boolean empty) {
    }

    /**
     * Called right before the queue's kernel wait, lock held, by the thread about to wait (a
     * platform thread that may block in a system call): whether this kind takes the wait
     * ({@link #kernelWait}) instead of the poller.
     *
     * @return whether it does
     */
    public boolean takesKernelWait() {
        return false;
    }

    /**
     * The queue's kernel wait, taken by this kind; called WITHOUT the lock, after
     * {@link #takesKernelWait} said yes on the same thread. It must end on the same things as the
     * poller's wait: activity in the epoll set (the wake-up eventfd, the timerfd, a watched
     * descriptor), the timeout, a signal.
     *
     * @param timeoutNanos negative: no limit
     */
    public void kernelWait(long timeoutNanos) {
        throw new UnsupportedOperationException("this kind takes no kernel wait");
    }

    /** The queue's readiness fd was handed out: from now on an outside watcher must see everything in epoll. */
    public void readinessExported() {
    }

    /** Close has begun: end work in flight, before the interests are detached. */
    public void shutdown() {
    }

    /**
     * @param which a counter
     * @return its value; 0 for kinds without requests
     */
    public long requests(Requests which) {
        return 0;
    }

    /**
     * Starts watching the source for a newly added interest (already in the queue's table).
     *
     * @return null, or why it cannot be watched (the engine then drops the interest)
     */
    public abstract CtlError attach(Interest i, Ukevent r);

    /**
     * {@link #attach(Interest, Ukevent)} for a record that names a source object as well as an id
     * (a SOCKET record made from a {@code TcpSocket}): the API hands the object down, so that a
     * kind can tell a closed source from its descriptor's next owner. By default the object is
     * not looked at.
     *
     * @param owner the object the record names, or null
     * @return null, or why it cannot be watched
     */
    public CtlError attach(Interest i, Ukevent r, Object owner) {
        return attach(i, r);
    }

    /**
     * Applies a MODIFY: mask, flags and cookie are already replaced; re-arm and re-check.
     *
     * @return null, or why the new setting cannot be applied
     */
    public abstract CtlError reattach(Interest i, Ukevent r);

    /** Stops watching: REMOVE, ONESHOT delivery, BROKEN delivery, or queue close. */
    public abstract void detach(Interest i);

    /** The kernel reported readiness of the interest's descriptor (lock held). */
    public void onFdEvents(Interest i, int epollEvents) {
    }

    /** A DISPATCH interest was enabled again by {@code enable}: re-arm the source. */
    public void enabled(Interest i) {
    }

    /** After a level or ET delivery of an interest that stays: re-check or re-arm. */
    public void delivered(Interest i) {
    }

    /**
     * Writes what only this kind has (an entry name, ...) for event {@code n} of a delivery, after
     * the engine wrote the common fields. Called only for interests of kinds that
     * {@linkplain #hasExtras() have extras}.
     */
    public void fill(Interest i, EventSlots out, int n) {
    }

    /** Same as {@link #fill} for a ring slot. */
    public void fillRing(Interest i, Ring ring, long seq) {
    }

    /** @return whether {@link #fill} must be called for this kind's deliveries */
    public boolean hasExtras() {
        return false;
    }

    /**
     * @return whether an interest put back by its own delivery may come out again in the same
     *     call: true for kinds whose every delivery is a distinct record (inotify), false for a
     *     level condition re-reported (it would be the same event twice)
     */
    public boolean manyPerCall() {
        return false;
    }

    /** The queue is closing: release per-kind resources (the interests are detached first). */
    public void close() {
    }
}
