package org.kevent.internal.queue;

/**
 * Where one delivery puts events: a caller's {@link EventSlots} ({@code getEvents}) or the queue's
 * {@link Ring}. The delivery loop is one, for both; only the writing differs.
 */
interface EventSink {
    /**
     * Writes the event of {@code i} (the common fields, then its kind's extras) at the next
     * position.
     *
     * @return the position written, for {@link #delivered}
     */
    long put(Interest i);

    /**
     * The trigger mode of {@code i} was applied after its event was written at {@code position}.
     *
     * @param generation the interest's generation when it was written: if its delivery removed it
     *                   (ONESHOT, BROKEN), the generation has moved on since
     */
    void delivered(long position, Interest i, int generation);
}
