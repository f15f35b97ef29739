package org.kevent.internal.engine;

import org.kevent.EventType;

/**
 * A registered interest (the seed's {@code struct kevent}): the caller's record plus the engine's
 * state for it. It is its own storage entry for timers and user events, whose sources have exactly
 * one interest each; it extends {@link TimerNode} so a timer costs no second object in the wheel.
 *
 * <p>Objects are pooled by the engine: {@link #generation} changes on every reuse, so a stale
 * reference (a ring slot written before a removal) can tell it no longer owns the object.
 * Guarded by the queue lock.
 */
final class Interest extends TimerNode {
    EventType type;
    long id;
    int events;
    int flags;
    long cookie;
    Object attachment;

    /** False while a DISPATCH interest waits for MODIFY or enable after its delivery. */
    boolean enabled;
    /** Activity not yet delivered: coalesced triggers (USER) or expirations (TIMER). */
    long pending;
    /** TIMER: monotonic time at which the latest expiry was observed. */
    long fireTime;
    /** TIMER: period in ns, 0 for one-shot. */
    long period;

    boolean onReady;
    Interest readyPrev;
    Interest readyNext;

    /** Ring slots, not yet committed, that name this interest. */
    int ringRefs;
    int generation;
    /** Next free object in the engine's pool. */
    Interest freeNext;

    void clear() {
        type = null;
        attachment = null;
        pending = 0;
        period = 0;
        fireTime = 0;
        ringRefs = 0;
        generation++;
    }
}
