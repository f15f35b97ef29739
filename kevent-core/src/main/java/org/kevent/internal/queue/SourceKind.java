package org.kevent.internal.queue;

import org.kevent.Ukevent;

/**
 * What one event type means to the engine (the seed's per-type {@code kevent_callbacks}): how an
 * interest starts and stops watching its source, and what happens after a delivery. Timers and
 * user events are built into {@link Engine}; every source backed by a file descriptor (POLL,
 * INODE, SOCKET) is a kind.
 *
 * <p>Every method runs with the queue lock held. A kind reports activity by setting the interest's
 * {@code readyEvents} (and {@code pending}, {@code data2}) and calling {@link Engine#ready}.
 */
public abstract class SourceKind {
    protected final Engine engine;

    protected SourceKind(Engine engine) {
        this.engine = engine;
    }

    /**
     * Starts watching the source for a newly added interest (already in the queue's table).
     *
     * @return null, or why it cannot be watched (the engine then drops the interest)
     */
    public abstract CtlError attach(Interest i, Ukevent r);

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
