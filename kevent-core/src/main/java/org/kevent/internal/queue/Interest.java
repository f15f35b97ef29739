package org.kevent.internal.queue;

import org.kevent.EventType;
import org.kevent.internal.timer.TimerNode;

/**
 * A registered interest (the seed's {@code struct kevent}): the caller's record plus the engine's
 * state for it. It is its own storage entry for timers and user events, whose sources have exactly
 * one interest each; it extends {@link TimerNode} so a timer costs no second object in the wheel.
 *
 * <p>Objects are pooled by the engine: {@link #generation} changes on every reuse, so a stale
 * reference (a ring slot written before a removal) can tell it no longer owns the object.
 * Guarded by the queue lock.
 */
public final class Interest extends TimerNode implements FdWatchers.Watcher {
    EventType type;
    public long id;
    public int events;
    public int flags;
    public long cookie;
    Object attachment;

    /** False while a DISPATCH interest waits for MODIFY or enable after its delivery. */
    public boolean enabled;
    /** Event bits seen and not yet delivered; an interest is on the ready list only with some. */
    public int readyEvents;
    /** Return flags to add on delivery: {@code RET_BROKEN} when the source died. */
    public int retFlags;
    /** First return word: coalesced triggers (USER), expirations (TIMER), revents (POLL), ... */
    public long pending;
    /** Second return word: fire time (TIMER), ... */
    public long data2;
    /** TIMER: period in ns, 0 for a single expiry. */
    public long period;

    /** fd sources: the watched descriptor and the token of its registration, see {@link Engine#watchFd}. */
    public int fd = -1;
    public long token;
    /** Whatever a {@link SourceKind} keeps per interest. */
    public Object sourceState;
    /** The kind serving this interest, of every type (TIMER and USER are kinds too); null while pooled. */
    public SourceKind kind;

    boolean onReady;
    Interest readyPrev;
    Interest readyNext;

    /** The delivery call that last handed this interest out (see Engine.deliver). */
    long deliveredEpoch;

    /** Whether one delivery call may hand this interest out more than once (distinct records). */
    boolean manyPerCall() {
        return kind != null && kind.manyPerCall();
    }

    /** Ring slots, not yet committed, that name this interest. */
    int ringRefs;
    public int generation;
    /** Next free object in the engine's pool. */
    Interest freeNext;

    /** The interest is its own descriptor watcher, so registering a descriptor allocates nothing. */
    @Override
    public void onFdEvents(int epollEvents) {
        kind.onFdEvents(this, epollEvents);
    }

    void clear() {
        type = null;
        attachment = null;
        readyEvents = 0;
        retFlags = 0;
        pending = 0;
        data2 = 0;
        period = 0;
        fd = -1;
        token = 0;
        sourceState = null;
        kind = null;
        ringRefs = 0;
        generation++;
    }
}
