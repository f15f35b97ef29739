package org.kevent.internal.queue;

import org.kevent.EventType;

/**
 * What a source kind may ask of its queue (the seed's storage talking to its {@code kevent_user}):
 * report activity, register descriptors in the queue's kernel wait set, take the queue's lock.
 * The kinds see this and not the {@link Engine}: they cannot control, wait or deliver, and the
 * queue room depends on no kind.
 *
 * <h2>Threading</h2>
 * Every method but {@link #runLocked}, {@link #lockOpen} and {@link #unlock} is called with the
 * queue's lock held: from a kind's {@code attach}/{@code detach}/{@code onFdEvents}, or inside
 * {@link #runLocked} / {@link #lockOpen}.
 */
public interface SourceContext {
    /**
     * Queues an interest whose source reported activity (its {@code readyEvents} set), unless it is
     * disabled or already queued.
     *
     * @param i the interest
     */
    void ready(Interest i);

    /**
     * Takes an interest off the ready list because its source has nothing left to report (a
     * MODIFY filtered away everything it had queued): an interest on the ready list must have an
     * event to hand out.
     *
     * @param i the interest
     */
    void notReady(Interest i);

    /**
     * After a MODIFY changed what an interest asks for: left with no event bits, it leaves the
     * ready list (it would come out empty); with some, and enabled, it is queued if it was not (a
     * DISPATCH interest's event held while it was disabled).
     *
     * @param i the interest
     */
    void requeue(Interest i);

    /**
     * Makes an interest for a source that is not registered by ctl (a NAIO request).
     *
     * @return the registered interest
     */
    Interest newInterest(EventType type, long id, int events, int flags, long cookie, Object attachment);

    /** @return the interest registered as (type, id), or null */
    Interest lookup(EventType type, long id);

    /**
     * Takes an interest out of the (type, id) table while it stays registered otherwise: it keeps
     * its place on the ready list for a last delivery (a closed socket's BROKEN), after which the
     * queue frees it as usual, but its id is free for a new interest at once.
     *
     * @param i the interest
     */
    void releaseKey(Interest i);

    /** @return interests registered now, requests included */
    int registeredLocked();

    /** @return the per-queue registration cap ({@code KeventQueue.Builder.maxInterests}) */
    int maxInterests();

    /** Counts a loss of events at a source (inotify overflow, ...). */
    void countOverflow();

    /**
     * Adds a descriptor to the queue's kernel wait set on behalf of a source.
     *
     * @param fd      the descriptor
     * @param events  {@code EPOLL*} bits, with {@code EPOLLET}/{@code EPOLLONESHOT} as the mode needs
     * @param watcher what to tell when the kernel reports the descriptor
     * @return a token (positive) for {@link #rewatchFd} and {@link #unwatchFd}, or {@code -errno}
     */
    long watchFd(int fd, int events, FdWatchers.Watcher watcher);

    /**
     * Changes the events of a watched descriptor, or re-arms an {@code EPOLLONESHOT} one.
     *
     * @return 0 or {@code -errno}
     */
    int rewatchFd(long token, int fd, int events);

    /**
     * Removes a descriptor from the kernel wait set; its events already collected are dropped.
     * Errors are ignored: a descriptor closed by its owner has left the set already.
     */
    void unwatchFd(long token, int fd);

    /** @return the queue's clock reading, monotonic nanoseconds */
    long now();

    /**
     * Puts an interest on the queue's timer wheel, to expire at {@code deadline} through the TIMER
     * kind's handler; a deadline already past expires now.
     *
     * @param now the clock reading the deadline was computed from
     */
    void schedule(Interest i, long deadline, long now);

    /** Takes an interest off the timer wheel, if it is on it. */
    void unschedule(Interest i);

    /** Makes a thread waiting in the kernel come back and run the kinds' before-wait work. */
    void nudgeKernelWait();

    /** @return whether a thread is waiting in the kernel right now (it will not submit before it wakes) */
    boolean kernelWaitUnderway();

    /** @return whether the calling thread is the one that last took events (it will wait again) */
    boolean callerIsLoopThread();

    /** @return whether the readiness fd was handed out (someone may watch the queue from outside) */
    boolean readinessExported();

    /** @return the queue's epoll descriptor (its kernel wait set), or -1 if the backend has none */
    int waitSetFd();

    /**
     * @return whether the calling thread may sleep in a system call of its own: false for a
     *         virtual thread (it would pin its carrier) and for a queue whose tests make every
     *         wait park
     */
    boolean callerMayBlockInKernel();

    /** @return whether no thread but the caller is inside a wait on the queue (poller or parked) */
    boolean callerWaitsAlone();

    /** @return whether close has begun */
    boolean isClosedLocked();

    /**
     * Runs a source's action under this queue's lock, for a thread that is in no call of this
     * queue: a socket closed through the library marks its interests here broken. Does nothing
     * once the queue is closed (its interests are gone).
     *
     * @param action what to do with the lock held
     */
    void runLocked(Runnable action);

    /**
     * Takes the queue's lock for a call a kind serves itself (a network AIO request), and
     * refuses a closed queue. Pair with {@link #unlock} in a {@code finally}.
     *
     * @param what the call, for the closed queue's message
     * @throws org.kevent.QueueClosedException if the queue is closed (the lock is not held then)
     */
    void lockOpen(String what);

    /** Releases the lock {@link #lockOpen} took. */
    void unlock();
}
