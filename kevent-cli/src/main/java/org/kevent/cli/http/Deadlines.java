package org.kevent.cli.http;

/**
 * The deadlines of one worker's connections: when each is closed unless the client does its part.
 *
 * <p><b>Semantics</b>: a connection is in one of two lists. {@link #awaitRequest}: it owes a request
 * (it is new, or a head or a body it sends is under way) and has the request timeout from the
 * start of that wait; bytes that do not complete a request do not extend it, so a client sending
 * one byte a second (slowloris) is closed like one that sends nothing. {@link #awaitClient}: it
 * owes nothing but is kept open (keep-alive between requests, or answers waiting for the client
 * to read them) and has the idle timeout from its last progress. Each list is in the order its
 * connections entered it with one timeout for all, so its deadlines only grow from head to tail:
 * the expired ones are found at the heads, in O(1) each, and so is the connection whose deadline
 * comes first, the one to close when the worker is full.
 *
 * <p><b>Threading</b>: the worker's thread only. Nothing is allocated: the links live in
 * {@link HttpConnection}.
 */
final class Deadlines {
    static final byte NONE = 0;
    static final byte REQUEST = 1;
    static final byte CLIENT = 2;

    private final long requestNanos;
    private final long idleNanos;
    /** Per list ({@link #REQUEST}, {@link #CLIENT}): its first and last connection. */
    private final HttpConnection[] heads = new HttpConnection[3];
    private final HttpConnection[] tails = new HttpConnection[3];

    /**
     * @param requestNanos how long a request may take to arrive, > 0
     * @param idleNanos    how long a connection may sit without progress otherwise, > 0
     */
    Deadlines(long requestNanos, long idleNanos) {
        this.requestNanos = requestNanos;
        this.idleNanos = idleNanos;
    }

    /**
     * The connection owes a request. Its deadline runs from {@code now} if it did not owe one
     * before or if a request was completed since ({@code progressed}); otherwise it stays.
     */
    void awaitRequest(HttpConnection c, long now, boolean progressed) {
        if (c.dueList != REQUEST || progressed) {
            move(c, REQUEST, now);
        }
    }

    /**
     * The connection owes nothing, or waits for the client to read. Its deadline runs from
     * {@code now} if it was in the other list or made progress; otherwise it stays.
     */
    void awaitClient(HttpConnection c, long now, boolean progressed) {
        if (c.dueList != CLIENT || progressed) {
            move(c, CLIENT, now);
        }
    }

    /** Takes the connection out (it closes). */
    void remove(HttpConnection c) {
        int list = c.dueList;
        if (list == NONE) {
            return;
        }
        HttpConnection p = c.duePrev;
        HttpConnection n = c.dueNext;
        if (p != null) {
            p.dueNext = n;
        } else {
            heads[list] = n;
        }
        if (n != null) {
            n.duePrev = p;
        } else {
            tails[list] = p;
        }
        c.duePrev = c.dueNext = null;
        c.dueList = NONE;
    }

    /** Appends at the tail: {@code now} never decreases, so the list stays in deadline order. */
    private void move(HttpConnection c, byte list, long now) {
        remove(c);
        c.dueList = list;
        c.dueSince = now;
        HttpConnection last = tails[list];
        c.duePrev = last;
        if (last != null) {
            last.dueNext = c;
        } else {
            heads[list] = c;
        }
        tails[list] = c;
    }

    /** @return the connection's deadline ({@link System#nanoTime()} clock) */
    long deadline(HttpConnection c) {
        return c.dueSince + (c.dueList == REQUEST ? requestNanos : idleNanos);
    }

    /** @return the connection whose deadline comes first, or null if there is none */
    HttpConnection first() {
        HttpConnection r = heads[REQUEST];
        HttpConnection i = heads[CLIENT];
        if (r == null || i == null) {
            return r == null ? i : r;
        }
        return deadline(r) - deadline(i) <= 0 ? r : i;
    }

    /** @return a connection whose deadline is {@code now} or earlier, or null */
    HttpConnection expired(long now) {
        HttpConnection c = first();
        return c != null && deadline(c) - now <= 0 ? c : null;
    }
}
