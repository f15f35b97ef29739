package org.kevent;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.kevent.internal.queue.EventSlots;
import org.kevent.internal.source.inode.FileNames;

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
 *   <li>{@link #data}, {@link #data2}: the two return words, meaning per type (see {@link EventType}),
 *       also read by name per type: {@link #expirations}, {@link #fireTime} (TIMER),
 *       {@link #triggers} (USER), {@link #socketError} (SOCKET), {@link #renameCookie},
 *       {@link #unwatchedErrno}, {@link #foundByScan} (INODE), {@link #aioResult},
 *       {@link #aioTransferred}, {@link #lentBufferId} (NAIO). These are plain array reads like
 *       the raw words, plus a check of the event's type: one for another type throws
 *       {@link IllegalArgumentException};</li>
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

    /**
     * Returns the first return word of event {@code i}, whose meaning depends on the type
     * ({@link EventType}); the typed accessors below read it by name.
     *
     * @param i event index
     * @return expirations (TIMER), coalesced triggers (USER), the bits seen (POLL, SOCKET), the
     *         rename cookie or the errno of UNWATCHED (INODE), bytes or the negative errno (NAIO)
     */
    public long data(int i) {
        return slots.data[check(i)];
    }

    /**
     * Returns the second return word of event {@code i}, whose meaning depends on the type
     * ({@link EventType}); the typed accessors below read it by name.
     *
     * @param i event index
     * @return fire time in monotonic ns (TIMER), the socket's errno on ERR (SOCKET), 1 for a
     *         CREATE found by a scan (INODE), bytes before a failure, in all or the lent buffer's
     *         id (NAIO), else 0
     */
    public long data2(int i) {
        return slots.data2[check(i)];
    }

    /**
     * TIMER: expirations since the last delivery, at least 1 (a periodic timer read late counts
     * every period that passed; docs/SEMANTICS.md §2).
     *
     * @param i index of a TIMER event
     * @return the expirations ({@code data})
     * @throws IllegalArgumentException if event {@code i} is not a TIMER event
     */
    public long expirations(int i) {
        return slots.data[of(i, EventType.TIMER, "expirations")];
    }

    /**
     * TIMER: when it fired, on {@link System#nanoTime()}'s clock.
     *
     * @param i index of a TIMER event
     * @return the fire time in ns ({@code data2})
     * @throws IllegalArgumentException if event {@code i} is not a TIMER event
     */
    public long fireTime(int i) {
        return slots.data2[of(i, EventType.TIMER, "fireTime")];
    }

    /**
     * USER: how many {@link KeventQueue#trigger} calls were coalesced into this event.
     *
     * @param i index of a USER event
     * @return the triggers since the last delivery ({@code data})
     * @throws IllegalArgumentException if event {@code i} is not a USER event
     */
    public long triggers(int i) {
        return slots.data[of(i, EventType.USER, "triggers")];
    }

    /**
     * PROC: the exit status of the process of an {@link Kevent#PROC_EXIT} event: 0–255 as
     * {@link Process#exitValue()} reports it (128 + the signal's number when a signal killed it),
     * or {@link Kevent#PROC_STATUS_UNKNOWN} when the record did not name a {@link Process} of this
     * JVM (docs/SEMANTICS.md §2).
     *
     * @param i index of a PROC event
     * @return the status ({@code data})
     * @throws IllegalArgumentException if event {@code i} is not a PROC event
     */
    public int exitStatus(int i) {
        return (int) slots.data[of(i, EventType.PROC, "exitStatus")];
    }

    /**
     * SOCKET: the socket's error ({@code SO_ERROR}) carried by {@link Kevent#SOCKET_ERR}, e.g. 111
     * for {@code ECONNREFUSED}.
     *
     * @param i index of a SOCKET event
     * @return the errno, 0 for an event without ERR ({@code data2})
     * @throws IllegalArgumentException if event {@code i} is not a SOCKET event
     */
    public int socketError(int i) {
        return (int) slots.data2[of(i, EventType.SOCKET, "socketError")];
    }

    /**
     * INODE: the cookie that pairs a {@link Kevent#INODE_MOVED_FROM} with its
     * {@link Kevent#INODE_MOVED_TO} (both halves of a rename carry it).
     *
     * @param i index of an INODE event
     * @return the cookie ({@code data}), 0 for an event without MOVED_FROM or MOVED_TO
     * @throws IllegalArgumentException if event {@code i} is not an INODE event
     */
    public long renameCookie(int i) {
        of(i, EventType.INODE, "renameCookie");
        return (slots.events[i] & (Kevent.INODE_MOVED_FROM | Kevent.INODE_MOVED_TO)) != 0 ? slots.data[i] : 0;
    }

    /**
     * INODE: why a directory of a recursive interest's tree could not be watched
     * ({@link Kevent#INODE_UNWATCHED}), e.g. 13 for {@code EACCES}.
     *
     * @param i index of an INODE event
     * @return the errno ({@code data}), 0 for an event without UNWATCHED
     * @throws IllegalArgumentException if event {@code i} is not an INODE event
     */
    public int unwatchedErrno(int i) {
        of(i, EventType.INODE, "unwatchedErrno");
        return (slots.events[i] & Kevent.INODE_UNWATCHED) != 0 ? (int) slots.data[i] : 0;
    }

    /**
     * INODE: whether the event holds a CREATE found by a scan of a new or re-listed directory
     * rather than reported by the kernel (docs/SEMANTICS.md §1).
     *
     * @param i index of an INODE event
     * @return {@code data2 == 1}
     * @throws IllegalArgumentException if event {@code i} is not an INODE event
     */
    public boolean foundByScan(int i) {
        return slots.data2[of(i, EventType.INODE, "foundByScan")] == 1;
    }

    /**
     * NAIO: the request's result: bytes transferred (a multishot arrival: bytes in it; a
     * multishot request's last event: 0 at end of stream), or the negative errno
     * ({@code -ECANCELED} when cancelled).
     *
     * @param i index of a NAIO event
     * @return the result ({@code data})
     * @throws IllegalArgumentException if event {@code i} is not a NAIO event
     */
    public long aioResult(int i) {
        return slots.data[of(i, EventType.NAIO, "aioResult")];
    }

    /**
     * NAIO: the bytes the event accounts for, whatever the result: those of a completed request or
     * of an arrival, those moved before a failure or a cancel, and for a multishot request's last
     * event those it received in all.
     *
     * @param i index of a NAIO event
     * @return bytes transferred ({@code data} or {@code data2}, as the event says)
     * @throws IllegalArgumentException if event {@code i} is not a NAIO event
     */
    public long aioTransferred(int i) {
        of(i, EventType.NAIO, "aioTransferred");
        long result = slots.data[i];
        boolean multishotEnd = (slots.events[i] & Kevent.NAIO_RECV_MULTISHOT) != 0
                && (slots.flags[i] & Kevent.RET_MORE) == 0;
        return multishotEnd || result < 0 ? slots.data2[i] : result;
    }

    /**
     * NAIO: the id of the buffer a {@link Kevent#NAIO_RECV_MULTISHOT} arrival lends, for
     * {@link KeventQueue#aioReleaseBuffer}; its bytes are {@link #buffer(int)}.
     *
     * @param i index of a NAIO event
     * @return the buffer id ({@code data2}), -1 for an event that lends none (without
     *         {@link Kevent#RET_MORE})
     * @throws IllegalArgumentException if event {@code i} is not a NAIO event
     */
    public int lentBufferId(int i) {
        of(i, EventType.NAIO, "lentBufferId");
        return (slots.flags[i] & Kevent.RET_MORE) != 0 ? (int) slots.data2[i] : -1;
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
        return n < 0 ? null : new String(slots.names, slots.nameOffsets[i], n, FileNames.CHARSET);
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

    /** Checks that event {@code i} exists and is of {@code type}, for a typed accessor. */
    private int of(int i, EventType type, String accessor) {
        if (slots.types[check(i)] != type.ordinal()) {
            throw new IllegalArgumentException("event " + i + " is a " + type(i) + " event; " + accessor
                    + " reads " + type + " events");
        }
        return i;
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
