package org.kevent;

import org.kevent.internal.engine.EventSlots;

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
 *   <li>{@link #cookie}, {@link #attachment}: the caller's, untouched.</li>
 * </ul>
 *
 * <p><b>Threading:</b> not thread-safe; one buffer per consuming thread. The contents stay valid
 * until the buffer is passed to the next call.
 */
public final class EventBuffer {
    final EventSlots slots;

    /**
     * Creates a buffer.
     *
     * @param capacity how many events one call can hand out; at least 1
     * @throws IllegalArgumentException if capacity is below 1
     */
    public EventBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event buffer capacity must be at least 1, got " + capacity);
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

    /** @param i event index @return the attachment of event {@code i}, or null */
    public Object attachment(int i) {
        return slots.attachments[check(i)];
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
