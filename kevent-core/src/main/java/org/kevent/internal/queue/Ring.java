package org.kevent.internal.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * The storage of an event ring (the seed's {@code kevent_wait}/{@code kevent_commit} area), with the
 * layout of {@link RingDescriptor}: a power-of-two number of slots addressed by 64-bit sequence
 * numbers that only grow, so wrap-around never needs an (index, wrap-count) pair.
 *
 * <pre>
 *   committed            end                      committed + capacity
 *       |  readable slots  |   free slots             |
 *   ----+------------------+--------------------------+----
 * </pre>
 *
 * <p>Slots are written by the consumer thread itself (inside {@code await}, under the queue lock),
 * so the consumer reads them with plain loads. The one cross-thread write is a removal from another
 * thread marking a slot {@link RingDescriptor#REMOVED}: written with release semantics under the
 * lock and read by the consumer with acquire semantics.
 */
public final class Ring implements EventSink {
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    final long[] words;
    final Object[] attachments;
    final ByteBuffer[] buffers;
    final Interest[] owners;
    final int[] ownerGenerations;
    final int mask;
    long committed;
    long end;
    Thread consumer;

    Ring(int capacity) {
        words = new long[capacity * RingDescriptor.SLOT_WORDS];
        attachments = new Object[capacity];
        buffers = new ByteBuffer[capacity];
        owners = new Interest[capacity];
        ownerGenerations = new int[capacity];
        mask = capacity - 1;
    }

    public int capacity() {
        return mask + 1;
    }

    public long committed() {
        return committed;
    }

    public long end() {
        return end;
    }

    int free() {
        return capacity() - (int) (end - committed);
    }

    /** Base word index of the slot holding {@code seq}. */
    public int base(long seq) {
        return (int) (seq & mask) * RingDescriptor.SLOT_WORDS;
    }

    public long word(long seq, int offset) {
        return words[base(seq) + offset];
    }

    public long metaAcquire(long seq) {
        return (long) WORDS.getAcquire(words, base(seq) + RingDescriptor.META_OFFSET);
    }

    public Object attachment(long seq) {
        return attachments[(int) (seq & mask)];
    }

    /** @return the NAIO buffer of the slot of {@code seq} (see {@link EventSlots#buffers}), or null */
    public ByteBuffer buffer(long seq) {
        return buffers[(int) (seq & mask)];
    }

    /** Sets the NAIO buffer of a slot {@link #put} just wrote (which cleared it). */
    public void putBuffer(long seq, ByteBuffer buffer) {
        buffers[(int) (seq & mask)] = buffer;
    }

    public void put(long seq, Interest owner, int type, int events, int flags, long id, long data, long data2,
             long cookie, Object attachment) {
        int b = base(seq);
        words[b + RingDescriptor.ID_OFFSET] = id;
        words[b + RingDescriptor.DATA_OFFSET] = data;
        words[b + RingDescriptor.DATA2_OFFSET] = data2;
        words[b + RingDescriptor.COOKIE_OFFSET] = cookie;
        words[b + RingDescriptor.META_OFFSET] = RingDescriptor.meta(type, events, flags);
        int slot = (int) (seq & mask);
        attachments[slot] = attachment;
        buffers[slot] = null;
        owners[slot] = owner;
        ownerGenerations[slot] = owner == null ? 0 : owner.generation;
    }

    /** Writes {@code i}'s event at the end of the readable range. */
    @Override
    public long put(Interest i) {
        long seq = end++;
        put(seq, i, i.type.ordinal(), i.readyEvents, org.kevent.Kevent.RET_DONE | i.retFlags, i.id, i.pending,
                i.data2, i.cookie, i.attachment);
        if (i.kind != null && i.kind.extras) {
            i.kind.fillRing(i, this, seq);
        }
        return seq;
    }

    /**
     * Lets the slot of {@code seq} track {@code i} if it is still the same registration: removal
     * by its own delivery (ONESHOT, BROKEN) must not tombstone the slot that delivery just filled;
     * the slot only tracks an interest that lives on.
     */
    @Override
    public void delivered(long seq, Interest i, int generation) {
        adopt(seq, i, generation);
    }

    /** Lets the slot of {@code seq} track {@code interest} if it is still the same registration. */
    void adopt(long seq, Interest interest, int generation) {
        int slot = (int) (seq & mask);
        if (interest.generation == generation) {
            interest.ringRefs++;
        } else {
            owners[slot] = null;
        }
    }

    /** Marks every readable slot still owned by {@code interest} as removed. */
    void tombstone(Interest interest) {
        for (long seq = committed; seq < end && interest.ringRefs > 0; seq++) {
            int slot = (int) (seq & mask);
            if (owners[slot] == interest && ownerGenerations[slot] == interest.generation) {
                int m = base(seq) + RingDescriptor.META_OFFSET;
                // Release pairs with the consumer's getAcquire in metaAcquire(): once this removal
                // returns, a consumer reading the slot sees REMOVED.
                WORDS.setRelease(words, m, words[m] | RingDescriptor.REMOVED);
                owners[slot] = null;
                interest.ringRefs--;
            }
        }
    }

    void release(long upTo) {
        for (long seq = committed; seq < upTo; seq++) {
            int slot = (int) (seq & mask);
            Interest owner = owners[slot];
            if (owner != null && ownerGenerations[slot] == owner.generation) {
                owner.ringRefs--;
            }
            owners[slot] = null;
            attachments[slot] = null;
            buffers[slot] = null;
        }
        committed = upTo;
    }
}
