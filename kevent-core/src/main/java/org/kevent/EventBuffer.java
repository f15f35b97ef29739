package org.kevent;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.kevent.internal.sys.Inotify;
import org.kevent.internal.queue.EventSlots;

/**
 * A caller-owned, reusable buffer that {@link KeventQueue#getEvents} fills with delivered events.
 *
 * <p>Each event is read by index through primitive accessors, so taking events allocates nothing:
 * <pre>{@code
 * EventBuffer events = new EventBuffer(64);
 * int n = queue.getEvents(1, 64, 100, TimeUnit.MILLISECONDS, events);
 * for (int i = 0; i < n; i++) {
 *     if (events.type(i) == EventType.TIMER) { ... events.id(i), events.data(i) ... }
 * }
 * }</pre>
 *
 * <p>Fields of event {@code i} ({@code 0 <= i < size()}):
 * <ul>
 *   <li>{@link #type}, {@link #id}: which interest;</li>
 *   <li>{@link #events}: the event bits that happened (within the interest's mask);</li>
 *   <li>{@link #flags}: return flags, {@link Kevent#RET_DONE} always, {@link Kevent#RET_BROKEN}
 *       when the source died (the interest is then removed);</li>
 *   <li>{@link #data}, {@link #data2}: the two return words, meaning per type (see {@link EventType});</li>
 *   <li>{@link #cookie}, {@link #attachment}: the caller's, untouched;</li>
 *   <li>{@link #buffer}: a NAIO request's buffer, apart from the attachment.</li>
 * </ul>
 *
 * <p><b>Threading:</b> not thread-safe; one buffer per consuming thread. The contents stay valid
 * until the buffer is passed to the next call.
 */
public final class EventBuffer {
    /**
     * The largest capacity: 2^20 events, as the largest {@link EventRing}. A buffer costs about
     * 60 bytes per event (60 MiB at the cap) whether or not a call fills it, and a wait hands out
     * what is ready now, so a larger batch buys nothing but memory.
     */
    public static final int MAX_CAPACITY = 1 << 20;

    final EventSlots slots;

    /**
     * Creates a buffer.
     *
     * @param capacity how many events one call can hand out; from 1 to {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if capacity is below 1 or above {@link #MAX_CAPACITY}
     */
    public EventBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event buffer capacity must be at least 1, got " + capacity);
        }
        if (capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("event buffer capacity " + capacity + " is above the cap "
                    + MAX_CAPACITY + " (EventBuffer.MAX_CAPACITY)");
        }
        slots = new EventSlots(capacity);
    }

    /** @return how many events one call can hand out */
    public int capacity() {
        return slots.capacity();
    }

    /** @return how many events the last call handed out */
    public int size() {
        return slots.size;
    }

    /** @param i event index @return the source type of event {@code i} */
    public EventType type(int i) {
        return EventType.ofOrdinal(slots.types[check(i)]);
    }

    /** @param i event index @return the interest id of event {@code i} */
    public long id(int i) {
        return slots.ids[check(i)];
    }

    /** @param i event index @return the event bits of event {@code i} */
    public int events(int i) {
        return slots.events[check(i)];
    }

    /** @param i event index @return the return flags of event {@code i} */
    public int flags(int i) {
        return slots.flags[check(i)];
    }

    /** @param i event index @return the first return word: expirations (TIMER), coalesced triggers (USER) */
    public long data(int i) {
        return slots.data[check(i)];
    }

    /** @param i event index @return the second return word: fire time in monotonic ns (TIMER), 0 (USER) */
    public long data2(int i) {
        return slots.data2[check(i)];
    }

    /** @param i event index @return the cookie of event {@code i} */
    public long cookie(int i) {
        return slots.cookies[check(i)];
    }

    /**
     * Returns the attachment of event {@code i}: the caller's object, as given to the record
     * ({@link Ukevent#withAttachment}) or to the network AIO call that made the request.
     *
     * @param i event index
     * @return the attachment, or null
     */
    public Object attachment(int i) {
        return slots.attachments[check(i)];
    }

    /**
     * Returns the buffer of NAIO event {@code i}: the caller's buffer of an {@code aioSend} or
     * {@code aioRecv} (its position moved by the bytes transferred), or, for a
     * {@link Kevent#NAIO_RECV_MULTISHOT} arrival, a view of the buffer the queue lends, holding
     * the bytes received from position 0 to its limit (give it back with
     * {@link KeventQueue#aioReleaseBuffer}). The attachment stays the caller's own
     * (docs/SEMANTICS.md §7).
     *
     * @param i event index
     * @return the buffer; null for an {@code aioSendfile}, the last event of a multishot request,
     *         and events of other types
     */
    public ByteBuffer buffer(int i) {
        return slots.buffers[check(i)];
    }

    /**
     * Returns the length in bytes of event {@code i}'s entry name (INODE): the name relative to
     * the watched path, {@code "sub/file"} under a recursive interest.
     *
     * @param i event index
     * @return bytes of the name, or -1 when the event has none (an event on the watched inode
     *         itself, OVERFLOW, DELETE_SELF, another type)
     */
    public int nameLength(int i) {
        check(i);
        return slots.types[i] == EventType.INODE.ordinal() ? slots.nameLengths[i] : -1;
    }

    /**
     * Copies event {@code i}'s entry name, as the kernel's bytes, without allocating.
     *
     * @param i   event index
     * @param dst where the bytes go; room for {@link #nameLength(int)} bytes from {@code off}
     * @param off where in {@code dst}
     * @return bytes copied, or -1 when the event has no name (nothing is copied)
     * @throws IndexOutOfBoundsException if the name does not fit
     */
    public int copyName(int i, byte[] dst, int off) {
        int n = nameLength(i);
        if (n > 0) {
            System.arraycopy(slots.names, slots.nameOffsets[i], dst, off, n);
        }
        return n;
    }

    /**
     * Returns event {@code i}'s entry name as a string (allocates), decoded as the JDK decodes
     * file names.
     *
     * @param i event index
     * @return the name relative to the watched path, or null when the event has none
     */
    public String name(int i) {
        int n = nameLength(i);
        return n < 0 ? null : new String(slots.names, slots.nameOffsets[i], n, Inotify.FILE_NAME_CHARSET);
    }

    /**
     * Returns the path event {@code i} is about (allocates): the watched path resolved with the
     * entry name, or the watched path itself for an event without a name.
     *
     * @param i event index
     * @return the path, or null for an event of another type than INODE
     */
    public Path path(int i) {
        check(i);
        if (slots.types[i] != EventType.INODE.ordinal()) {
            return null;
        }
        String name = name(i);
        Path base = slots.nameBases[i];
        return name == null ? base : base.resolve(name);
    }

    private int check(int i) {
        if (i < 0 || i >= slots.size) {
            throw new IndexOutOfBoundsException("event index " + i + " outside the " + slots.size + " events delivered");
        }
        return i;
    }

    @Override
    public String toString() {
        return "EventBuffer[" + slots.size + "/" + slots.capacity() + "]";
    }
}
