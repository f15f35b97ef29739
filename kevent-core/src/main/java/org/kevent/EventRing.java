package org.kevent;

import java.util.concurrent.TimeUnit;
import org.kevent.internal.queue.Engine;
import org.kevent.internal.queue.Ring;
import org.kevent.internal.queue.RingDescriptor;


/**
 * Ring delivery (the seed's {@code kevent_wait}/{@code kevent_commit}, docs/SEMANTICS.md §6): events are
 * copied once into slots that the consumer reads in place and releases in bulk.
 *
 * <pre>{@code
 * EventRing ring = queue.openRing(1024);
 * long end = ring.await(1, 100, TimeUnit.MILLISECONDS);
 * for (long seq = ring.readPosition(); seq < end; seq++) {
 *     if (ring.isRemoved(seq)) continue;     // its interest was removed after the copy
 *     handle(ring.type(seq), ring.id(seq), ring.data(seq));
 * }
 * ring.commit(end);
 * }</pre>
 *
 * <h2>Semantics</h2>
 * Slots are numbered by 64-bit sequences that only grow. {@link #await} fills free slots from the
 * ready list (each event placed counts as delivered: its trigger mode is applied) and returns the
 * end of the readable range {@code [readPosition(), end)}. {@link #commit} releases slots; a full
 * ring can be released in one commit. No slot is overwritten before it is committed, so an event
 * is lost by nothing: not a consumer exception (the slots stay readable), not a full ring (events
 * wait on the ready list). If an interest is removed after its event was copied into a slot that
 * is not yet committed, the slot reads as {@linkplain #isRemoved removed}.
 *
 * <h2>Threading</h2>
 * One consuming thread: {@code await} from two threads at once throws
 * {@link IllegalStateException}. Other threads may add, remove, trigger and wake up meanwhile.
 * Reading allocates nothing.
 */
public final class EventRing {
    private final Engine engine;
    private final Ring ring;

    EventRing(Engine engine, Ring ring) {
        this.engine = engine;
        this.ring = ring;
    }

    /** @return the number of slots */
    public int capacity() {
        return ring.capacity();
    }

    /**
     * Fills free slots with ready events and waits until at least {@code min} slots are readable,
     * the timeout passes, a wake-up, or the calling thread is interrupted (its status stays set),
     * with the waiting rules of {@link KeventQueue#getEvents(int, int, long, TimeUnit, EventBuffer)}.
     *
     * @param min     readable slots to wait for, {@code 0 <= min <= capacity()}
     * @param timeout how long to wait; negative for no limit, 0 for no wait
     * @param unit    the timeout's unit
     * @return the end (exclusive) of the readable range that starts at {@link #readPosition()}
     * @throws IllegalArgumentException if {@code min} is out of range
     * @throws IllegalStateException    if another thread is in {@code await}
     * @throws QueueClosedException     if the queue is closed, also while waiting
     */
    public long await(int min, long timeout, TimeUnit unit) {
        if (min < 0 || min > ring.capacity()) {
            throw new IllegalArgumentException("min must be in [0, " + ring.capacity() + "], got " + min);
        }
        return engine.ringAwait(min, engine.deadlineAfter(timeout, unit));
    }

    /**
     * Releases every slot before {@code upTo}.
     *
     * @param upTo a sequence in {@code [readPosition(), end]}
     * @throws IllegalArgumentException if it is outside the readable range
     */
    public void commit(long upTo) {
        engine.ringCommit(upTo);
    }

    /** @return the first slot not yet committed */
    public long readPosition() {
        return ring.committed();
    }

    /** @param seq a readable sequence @return whether its interest was removed after the slot was filled */
    public boolean isRemoved(long seq) {
        return RingDescriptor.removed(ring.metaAcquire(check(seq)));
    }

    /** @param seq a readable sequence @return the source type */
    public EventType type(long seq) {
        return EventType.ofOrdinal(RingDescriptor.type(ring.metaAcquire(check(seq))));
    }

    /** @param seq a readable sequence @return the interest id */
    public long id(long seq) {
        return ring.word(check(seq), RingDescriptor.ID_OFFSET);
    }

    /** @param seq a readable sequence @return the event bits */
    public int events(long seq) {
        return RingDescriptor.events(ring.metaAcquire(check(seq)));
    }

    /** @param seq a readable sequence @return the return flags */
    public int flags(long seq) {
        return RingDescriptor.flags(ring.metaAcquire(check(seq)));
    }

    /** @param seq a readable sequence @return the first return word */
    public long data(long seq) {
        return ring.word(check(seq), RingDescriptor.DATA_OFFSET);
    }

    /** @param seq a readable sequence @return the second return word */
    public long data2(long seq) {
        return ring.word(check(seq), RingDescriptor.DATA2_OFFSET);
    }

    /** @param seq a readable sequence @return the cookie */
    public long cookie(long seq) {
        return ring.word(check(seq), RingDescriptor.COOKIE_OFFSET);
    }

    /** @param seq a readable sequence @return the attachment, or null */
    public Object attachment(long seq) {
        return ring.attachment(check(seq));
    }

    /**
     * Returns a NAIO event's buffer, as {@link EventBuffer#buffer} does.
     *
     * @param seq a readable sequence
     * @return the request's buffer or a multishot arrival's lent view; null otherwise
     */
    public java.nio.ByteBuffer buffer(long seq) {
        return ring.buffer(check(seq));
    }

    private long check(long seq) {
        if (seq < ring.committed() || seq >= ring.end()) {
            throw new IndexOutOfBoundsException("sequence " + seq + " outside the readable range ["
                    + ring.committed() + ", " + ring.end() + ")");
        }
        return seq;
    }
}
