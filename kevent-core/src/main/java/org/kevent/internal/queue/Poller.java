package org.kevent.internal.queue;

/**
 * What the engine needs from the kernel: a blocking wait, a way to interrupt it, a timer armed to
 * the nearest deadline, and a file descriptor that tells outsiders the queue has events. The Linux
 * backend implements it with epoll, an eventfd and a timerfd; the portable backend with a
 * {@code Condition} wait and no descriptors; tests implement it with fakes.
 *
 * <p><b>Threading:</b> {@link #poll} is called by at most one thread at a time, without the queue
 * lock held. Every other method is called with the queue lock held, possibly while another thread
 * is inside {@link #poll}: {@link #harvest} too, so the two keep their results apart
 * ({@link #WAIT_SET}, {@link #HARVEST_SET}); {@link #wakeup} also without the lock, from a thread
 * that interrupts the one in {@link #poll}. {@link #close} is called once, after the last poll returned.
 */
public interface Poller {
    /** @return a short name of the engine, e.g. {@code "linux-epoll"} */
    String name();

    /**
     * Blocks until kernel activity (the armed timer fired, a wake-up), or the timeout. Returns
     * early, without error, when the kernel wait was interrupted (EINTR): the caller recomputes the
     * remaining time.
     *
     * @param timeoutNanos negative: no limit; 0: do not block; positive: at most this long
     * @throws org.kevent.KeventException if the kernel wait fails for another reason
     */
    void poll(long timeoutNanos);

    /**
     * Waits as {@link #poll} does, for a virtual thread: without blocking its carrier in a system
     * call (a downcall pins it), e.g. parked while another thread watches the wait set. Everything
     * else is as in {@link #poll}, and {@link #wakeup} reaches this wait too. An implementation
     * whose {@code poll} blocks in Java (a monitor, a lock) may just call it.
     *
     * @param timeoutNanos negative: no limit; 0: do not block; positive: at most this long
     * @throws org.kevent.KeventException if the wait fails
     */
    default void pollParked(long timeoutNanos) {
        poll(timeoutNanos);
    }

    /**
     * Collects descriptor events without blocking, into {@link #HARVEST_SET}, while another thread
     * may be inside {@link #poll} (each kernel report reaches one of them).
     *
     * @param kernelWaitUnderway whether a thread is inside {@link #poll}: the wake-up and timer
     *                           notifications are then left to it, so a harvest never swallows
     *                           the wake-up meant for it; otherwise they are consumed here
     * @throws org.kevent.KeventException if the kernel refuses for a reason other than EINTR
     */
    void harvest(boolean kernelWaitUnderway);

    /**
     * @return whether the last {@link #harvest} found the kernel wait set with nothing to report
     *         at all (no descriptor, no wake-up, no timer); false if unknown
     */
    default boolean lastHarvestEmpty() {
        return false;
    }

    /**
     * @return the kernel wait set's own descriptor, which a source may watch from elsewhere (an
     *         io_uring poll) to learn that {@link #harvest} has something to collect; -1 if none
     */
    default int waitSetFd() {
        return -1;
    }

    /** Result set of {@link #poll}, read by the polling thread once it holds the queue lock again. */
    int WAIT_SET = 0;
    /** Result set of {@link #harvest}, read by the lock holder that harvested. */
    int HARVEST_SET = 1;

    /**
     * Makes the ongoing or the next {@link #poll} return promptly. Safe from any thread, with or
     * without the queue lock.
     */
    void wakeup();

    /**
     * Arms the kernel timer to fire at an absolute monotonic deadline.
     *
     * @param deadlineNanos the deadline, or {@link org.kevent.internal.timer.TimerWheel#NO_DEADLINE} to disarm
     */
    void armTimer(long deadlineNanos);

    /**
     * Enables readiness tracking and returns the descriptor that is readable while the queue has
     * ready events (see {@link #setReadable}) or kernel activity that a {@code poll(0)} would collect
     * (a fired timer, a ready watched descriptor). Queues watch each other through it, so it must
     * not wrap the kernel wait set in one more epoll level: the kernel limits nesting depth, and
     * queues nest as deep as plain epoll instances (docs/SEMANTICS.md §1). It may fail for lack of
     * resources, never for nesting depth. Called again, it returns the same descriptor.
     *
     * @return the file descriptor
     */
    int exportFd();

    /**
     * Sets whether the exported descriptor reads as readable. Called only after {@link #exportFd},
     * on a change. While a blocking {@link #poll} is under way the poller may keep the descriptor
     * non-readable and apply the last value when the poll ends: a ready list that does not meet
     * the poller's {@code min} must not end its wait.
     *
     * @param readable whether the ready list is non-empty
     */
    void setReadable(boolean readable);

    /** {@link #ctlFd} operation: start watching (epoll's {@code EPOLL_CTL_ADD}). */
    int FD_ADD = 1;
    /** {@link #ctlFd} operation: stop watching ({@code EPOLL_CTL_DEL}). */
    int FD_DEL = 2;
    /** {@link #ctlFd} operation: change the events or re-arm ({@code EPOLL_CTL_MOD}). */
    int FD_MOD = 3;

    /**
     * Adds, changes or removes a descriptor in the kernel wait set. Called with the queue lock
     * held, possibly while another thread is in {@link #poll} (the kernel allows that).
     *
     * @param op     {@link #FD_ADD}, {@link #FD_MOD} or {@link #FD_DEL}
     * @param fd     the descriptor
     * @param events {@code EPOLL*} bits, including {@code EPOLLET}/{@code EPOLLONESHOT}
     * @param token  the word the kernel hands back with the descriptor's events; at least 2^32
     * @return 0, or {@code -errno}
     */
    int ctlFd(int op, int fd, int events, long token);

    /**
     * @param set {@link #WAIT_SET} or {@link #HARVEST_SET}
     * @return how many descriptor events the last call filling that set collected
     */
    int polledCount(int set);

    /**
     * @param set {@link #WAIT_SET} or {@link #HARVEST_SET}
     * @param k   index below {@link #polledCount(int)}
     * @return the token of the k-th collected event
     */
    long polledToken(int set, int k);

    /**
     * @param set {@link #WAIT_SET} or {@link #HARVEST_SET}
     * @param k   index below {@link #polledCount(int)}
     * @return the {@code EPOLL*} bits of the k-th collected event
     */
    int polledEvents(int set, int k);

    /** @return system calls made so far */
    long syscalls();

    /** Releases every kernel resource. Called exactly once. */
    void close();
}
