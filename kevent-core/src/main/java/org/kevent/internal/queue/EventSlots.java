package org.kevent.internal.queue;

import java.util.Arrays;

/**
 * The storage behind a caller's {@code EventBuffer}: one array per field, so delivery writes
 * primitives and never allocates an object per event. The engine fills it under the queue lock;
 * the caller reads it afterwards from its own thread.
 */
public final class EventSlots implements EventSink {
    public final int[] types;
    public final int[] events;
    public final int[] flags;
    public final long[] ids;
    public final long[] data;
    public final long[] data2;
    public final long[] cookies;
    public final Object[] attachments;
    /**
     * NAIO: the request's buffer (send, recv) or the lent view (a multishot arrival); else null.
     * Written only through {@link #setBuffer}: a fill of other events stores nothing here.
     */
    public final java.nio.ByteBuffer[] buffers;
    /** Whether a fill since the last clearing wrote a buffer: the next fill clears them first. */
    private boolean buffersWritten;
    /** Events written by the last fill. */
    public int size;

    /**
     * Entry names (INODE) of the last fill, as bytes in one growable arena so a name costs no
     * object: event {@code i}'s name is {@code names[nameOffsets[i] .. + nameLengths[i])};
     * a length of -1 means the event has no name.
     */
    public byte[] names = new byte[0];
    public final int[] nameOffsets;
    public final int[] nameLengths;
    /** The watched path event {@code i}'s name is relative to (INODE), for {@code EventBuffer.path}. */
    public final java.nio.file.Path[] nameBases;
    public int namesUsed;
    /** Events written so far by the fill under way. */
    private int filling;

    public EventSlots(int capacity) {
        types = new int[capacity];
        events = new int[capacity];
        flags = new int[capacity];
        ids = new long[capacity];
        data = new long[capacity];
        data2 = new long[capacity];
        cookies = new long[capacity];
        attachments = new Object[capacity];
        buffers = new java.nio.ByteBuffer[capacity];
        nameOffsets = new int[capacity];
        nameLengths = new int[capacity];
        nameBases = new java.nio.file.Path[capacity];
    }

    public int capacity() {
        return types.length;
    }

    /** Starts a fill: the events of the last one are forgotten as this one writes. */
    void beginFill() {
        namesUsed = 0;
        filling = 0;
        if (buffersWritten) {
            Arrays.fill(buffers, null);
            buffersWritten = false;
        }
    }

    /**
     * Sets the buffer of event {@code n} of the fill under way (a kind's {@code fill}).
     *
     * @param n      the event's index
     * @param buffer its buffer, or null
     */
    public void setBuffer(int n, java.nio.ByteBuffer buffer) {
        buffers[n] = buffer;
        buffersWritten = true;
    }

    @Override
    public long put(Interest i) {
        int n = filling++;
        types[n] = i.type.ordinal();
        ids[n] = i.id;
        events[n] = i.readyEvents;
        flags[n] = org.kevent.Kevent.RET_DONE | i.retFlags;
        data[n] = i.pending;
        data2[n] = i.data2;
        cookies[n] = i.cookie;
        attachments[n] = i.attachment;
        if (i.kind != null && i.kind.extras) {
            i.kind.fill(i, this, n);
        }
        return n;
    }

    @Override
    public void delivered(long position, Interest i, int generation) {
    }

    /**
     * Ends a fill; attachment references past it are dropped, so a buffer does not keep old
     * objects alive.
     *
     * @return events written
     */
    int endFill() {
        int n = filling;
        if (size > n) {
            Arrays.fill(attachments, n, size, null);
        }
        size = n;
        return n;
    }
}
