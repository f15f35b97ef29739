package org.kevent.internal.queue;

/**
 * A queue's ready list (the seed's {@code kevent_user.ready_list}): the interests with an event to
 * hand out, FIFO, linked through the interests themselves so that queueing allocates nothing and
 * taking one out of the middle (a REMOVE, a MODIFY that filtered its event away) is O(1).
 *
 * <h2>Threading</h2>
 * Not thread-safe: the queue's lock guards it.
 */
final class ReadyList {
    private Interest head;
    private Interest tail;
    private int size;

    /** Appends an interest that is not on the list. */
    void add(Interest i) {
        i.onReady = true;
        i.readyPrev = tail;
        i.readyNext = null;
        if (tail == null) {
            head = i;
        } else {
            tail.readyNext = i;
        }
        tail = i;
        size++;
    }

    /** Takes an interest off the list; nothing if it is not on it. */
    void unlink(Interest i) {
        if (!i.onReady) {
            return;
        }
        if (i.readyPrev == null) {
            head = i.readyNext;
        } else {
            i.readyPrev.readyNext = i.readyNext;
        }
        if (i.readyNext == null) {
            tail = i.readyPrev;
        } else {
            i.readyNext.readyPrev = i.readyPrev;
        }
        i.readyPrev = null;
        i.readyNext = null;
        i.onReady = false;
        size--;
    }

    /** @return the oldest ready interest, or null */
    Interest head() {
        return head;
    }

    /** @return interests on the list */
    int size() {
        return size;
    }

    /** Forgets every interest (the queue is closing; the interests are cleared one by one). */
    void clear() {
        head = tail = null;
        size = 0;
    }
}
