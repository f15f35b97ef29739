package org.kevent.internal.source.inode;

import java.util.Arrays;

import org.kevent.Kevent;

/**
 * The FIFO of events one INODE interest has not yet delivered: an interest sits on the ready list
 * at most once, so its pending events wait here and are handed out one per delivery. Fields live
 * in parallel arrays and names in one byte arena, so queueing an event allocates nothing once the
 * arrays have grown to the working size.
 *
 * <h2>Merging (docs/SEMANTICS.md §1)</h2>
 * A kernel record whose name (relative to the interest's root; "no name" counts as one name) has
 * an event still pending here is OR'ed into that event instead of being queued, so the event
 * keeps the FIFO position of the first change to that name. The event a record joins is the
 * <em>newest</em> pending one of its name (older ones of that name were closed to merging by one
 * of the rules below), and it must agree with the record on:
 * <ul>
 *   <li>ISDIR: a file and a directory under one name are two inodes, and one ISDIR bit cannot
 *       describe both;</li>
 *   <li>the rename cookie: an event carries one cookie, so a MOVED_FROM or MOVED_TO only joins an
 *       event that has no cookie or the same one (UNWATCHED's errno counts as a cookie: one word
 *       per event);</li>
 *   <li>order: a MOVED_TO only joins an event queued after every pending MOVED_FROM, so the
 *       MOVED_FROM that pairs with it can never come out after it. A MOVED_FROM may join an older
 *       event: its MOVED_TO comes later anyway.</li>
 * </ul>
 * Joining ORs the flags too (SCANNED, so data2 = 1, if any record of the event came from a scan)
 * and gives the event the record's cookie when the record has one (MOVED_*: data).
 * A record that cannot join becomes a new event, and the newest event of the name from then on.
 * A delivery {@linkplain #pop() pops} the head, so a delivered event takes nothing more and holds
 * no room: later changes start a new event. OVERFLOW and BROKEN events never merge, in either
 * direction.
 *
 * <p>The name index is an open-addressing table from name to the newest mergeable event of that
 * name, holding logical positions ({@code base + array index}) so compaction does not touch it.
 * Every indexed event is live, so the table holds at most {@link #size()} entries: it is bounded
 * by the interest's record cap, and like the arrays it only grows.
 *
 * <p>Live events are {@code [head, tail)}; their names are {@code names[nameStart[k] ..
 * + nameLength[k])} (length -1: no name), in order, so the live part of the arena starts at
 * {@code nameStart[head]}. Space before {@code head} is reclaimed by compaction once it is at
 * least half the arrays, so a steady stream costs amortised O(1) per record. Guarded by the
 * queue lock.
 */
final class InodeRecords {
    /** Event flag: found by a scan, not reported by the kernel (data2 = 1). */
    static final byte SCANNED = 1;
    /** Event flag: the source is gone; delivered with {@code RET_BROKEN}. */
    static final byte BROKEN = 2;
    /** Bits whose event carries a word in data: the rename cookie, or UNWATCHED's errno. */
    private static final int COOKIE_BITS = Kevent.INODE_MOVED_FROM | Kevent.INODE_MOVED_TO | Kevent.INODE_UNWATCHED;

    private int[] events = new int[8];
    private long[] data = new long[8];
    private byte[] flags = new byte[8];
    private int[] nameStart = new int[8];
    private int[] nameLength = new int[8];
    private int[] hashes = new int[8];
    private byte[] names = new byte[256];
    private int head;
    private int tail;
    private int namesEnd;

    /** Logical position of array index 0: compaction moves it with the arrays, so the index stays valid. */
    private long base;
    /** Name index: 1 + the logical position of an event, 0 for a free slot. */
    private long[] index = new long[16];
    private int indexed;
    /** Logical position of the last pending event holding MOVED_FROM, or -1. */
    private long lastFrom = -1;

    int size() {
        return tail - head;
    }

    boolean isEmpty() {
        return head == tail;
    }

    int headEvents() {
        return events[head];
    }

    long headData() {
        return data[head];
    }

    byte headFlags() {
        return flags[head];
    }

    int headNameLength() {
        return nameLength[head];
    }

    /** @return names in the merge index: never more than {@link #size()} (for tests) */
    int indexedNames() {
        return indexed;
    }

    /** Copies the head event's name into {@code dst} at {@code off}. */
    void copyHeadName(byte[] dst, int off) {
        int n = nameLength[head];
        if (n > 0) {
            System.arraycopy(names, nameStart[head], dst, off, n);
        }
    }

    /**
     * Drops the head event: it was handed out (copy its name first), or it is the one to drop.
     * Later changes of its name start a new event.
     */
    void pop() {
        unindex(head);
        head++;
        if (head == tail) {
            base += tail;
            head = tail = namesEnd = 0;
        }
    }

    /**
     * Merges a kernel (or scan) record whose name is {@code prefix + name[nameOff .. + nameLen)}
     * into the pending event of that name, or queues it as a new event if it cannot join one and
     * fewer than {@code cap} events are pending.
     *
     * @param prefix  bytes before the name ("sub/"), or null
     * @param name    the name's bytes, or null for a record without a name (the prefix is then ignored)
     * @param nameLen bytes of name; ignored when name is null
     * @param cap     pending events at which a new event is refused
     * @return false if the record needed a new event and {@code cap} events are pending (nothing
     *         changed: the caller reports OVERFLOW)
     */
    boolean add(int ev, long word, byte flag, byte[] prefix, byte[] name, int nameOff, int nameLen, int cap) {
        int prefixLen = prefix == null ? 0 : prefix.length;
        int length = name == null ? -1 : prefixLen + nameLen;
        int hash = hash(prefix, name, nameOff, nameLen);
        int slot = find(hash, length, prefix, name, nameOff, nameLen);
        if (slot >= 0) {
            long logical = index[slot] - 1;
            int k = (int) (logical - base);
            if (canJoin(k, logical, ev, word)) {
                events[k] |= ev;
                flags[k] |= flag;
                if ((ev & COOKIE_BITS) != 0) {
                    data[k] = word;
                }
                if ((ev & Kevent.INODE_MOVED_FROM) != 0) {
                    lastFrom = Math.max(lastFrom, logical);
                }
                return true;
            }
        }
        if (size() >= cap) {
            return false;
        }
        int k = append(ev, word, flag, prefix, name, nameOff, nameLen);
        hashes[k] = hash;
        long logical = base + k;
        if (slot >= 0) {
            index[slot] = logical + 1; // the same name: the new event is the one to join from now on
        } else {
            insert(logical);
        }
        if ((ev & Kevent.INODE_MOVED_FROM) != 0) {
            lastFrom = logical;
        }
        return true;
    }

    /** Queues an event that never merges (OVERFLOW, DELETE_SELF with BROKEN): no name, no cap. */
    void addUnmerged(int ev, byte flag) {
        append(ev, 0, flag, null, null, 0, 0);
    }

    /**
     * Keeps only events with bits in {@code keep}, those bits only (a MODIFY narrowed the mask);
     * BROKEN events always stay. An event left without MOVED_* loses its cookie.
     */
    void retain(int keep) {
        int oldTail = tail;
        int w = head;
        for (int k = head; k < tail; k++) {
            int ev = (flags[k] & BROKEN) != 0 ? events[k] : events[k] & keep;
            if ((ev & ~Kevent.INODE_ISDIR) != 0) {
                events[w] = ev;
                data[w] = (ev & COOKIE_BITS) != 0 || (flags[k] & BROKEN) != 0 ? data[k] : 0;
                flags[w] = flags[k];
                nameStart[w] = nameStart[k];
                nameLength[w] = nameLength[k];
                hashes[w] = hashes[k];
                w++;
            }
        }
        tail = w;
        if (head == tail) {
            base += oldTail;
            head = tail = namesEnd = 0;
        }
        // Positions moved: index the survivors again, in order, so each name maps to its newest.
        Arrays.fill(index, 0);
        indexed = 0;
        lastFrom = -1;
        for (int k = head; k < tail; k++) {
            long logical = base + k;
            if (mergeable(k)) {
                int slot = find(hashes[k], nameLength[k], k);
                if (slot >= 0) {
                    index[slot] = logical + 1;
                } else {
                    insert(logical);
                }
            }
            if ((events[k] & Kevent.INODE_MOVED_FROM) != 0) {
                lastFrom = logical;
            }
        }
    }

    // ---------------------------------------------------------------------------------- merging

    private boolean canJoin(int k, long logical, int ev, long word) {
        int old = events[k];
        if (((old ^ ev) & Kevent.INODE_ISDIR) != 0) {
            return false;
        }
        if ((old & COOKIE_BITS) != 0 && (ev & COOKIE_BITS) != 0 && data[k] != word) {
            return false;
        }
        return (ev & Kevent.INODE_MOVED_TO) == 0 || logical >= lastFrom;
    }

    private boolean mergeable(int k) {
        return (flags[k] & BROKEN) == 0 && events[k] != Kevent.INODE_OVERFLOW;
    }

    /** @return the index slot of the event named like the record, or -1 */
    private int find(int hash, int length, byte[] prefix, byte[] name, int nameOff, int nameLen) {
        int mask = index.length - 1;
        for (int j = mix(hash) & mask; index[j] != 0; j = (j + 1) & mask) {
            int k = (int) (index[j] - 1 - base);
            if (hashes[k] == hash && nameLength[k] == length && sameName(k, prefix, name, nameOff, nameLen)) {
                return j;
            }
        }
        return -1;
    }

    /** @return the index slot of the event named like the live event {@code other}, or -1 */
    private int find(int hash, int length, int other) {
        int mask = index.length - 1;
        for (int j = mix(hash) & mask; index[j] != 0; j = (j + 1) & mask) {
            int k = (int) (index[j] - 1 - base);
            if (hashes[k] == hash && nameLength[k] == length && (length <= 0
                    || Arrays.equals(names, nameStart[k], nameStart[k] + length,
                    names, nameStart[other], nameStart[other] + length))) {
                return j;
            }
        }
        return -1;
    }

    private boolean sameName(int k, byte[] prefix, byte[] name, int nameOff, int nameLen) {
        if (nameLength[k] <= 0) {
            return true; // both without a name (lengths are equal)
        }
        int at = nameStart[k];
        int prefixLen = prefix == null ? 0 : prefix.length;
        return (prefixLen == 0 || Arrays.equals(names, at, at + prefixLen, prefix, 0, prefixLen))
                && Arrays.equals(names, at + prefixLen, at + prefixLen + nameLen, name, nameOff, nameOff + nameLen);
    }

    private void insert(long logical) {
        if ((indexed + 1) * 2 > index.length) {
            growIndex();
        }
        int mask = index.length - 1;
        int j = mix(hashes[(int) (logical - base)]) & mask;
        while (index[j] != 0) {
            j = (j + 1) & mask;
        }
        index[j] = logical + 1;
        indexed++;
    }

    /** Removes the live event {@code k} from the index, if it is the entry of its name. */
    private void unindex(int k) {
        long want = base + k + 1;
        int mask = index.length - 1;
        int j = mix(hashes[k]) & mask;
        while (index[j] != 0 && index[j] != want) {
            j = (j + 1) & mask;
        }
        if (index[j] == 0) {
            return; // superseded by a newer event of its name, or never indexed
        }
        indexed--;
        // Backward shift: move later entries of the probe run into the hole, so no tombstones.
        int hole = j;
        for (int i = (hole + 1) & mask; index[i] != 0; i = (i + 1) & mask) {
            int home = mix(hashes[(int) (index[i] - 1 - base)]) & mask;
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                index[hole] = index[i];
                hole = i;
            }
        }
        index[hole] = 0;
    }

    private void growIndex() {
        long[] old = index;
        index = new long[old.length * 2];
        int mask = index.length - 1;
        for (long e : old) {
            if (e != 0) {
                int j = mix(hashes[(int) (e - 1 - base)]) & mask;
                while (index[j] != 0) {
                    j = (j + 1) & mask;
                }
                index[j] = e;
            }
        }
    }

    private static int hash(byte[] prefix, byte[] name, int nameOff, int nameLen) {
        if (name == null) {
            return -1;
        }
        int h = 1;
        if (prefix != null) {
            for (byte b : prefix) {
                h = 31 * h + b;
            }
        }
        for (int i = nameOff; i < nameOff + nameLen; i++) {
            h = 31 * h + name[i];
        }
        return h;
    }

    private static int mix(int h) {
        int x = h * 0x9E3779B9;
        return x ^ x >>> 16;
    }

    // ---------------------------------------------------------------------------------- storage

    /** Stores a new event at the tail. @return its array index */
    private int append(int ev, long word, byte flag, byte[] prefix, byte[] name, int nameOff, int nameLen) {
        int prefixLen = prefix == null ? 0 : prefix.length;
        int length = name == null ? -1 : prefixLen + nameLen;
        ensureRoom(Math.max(0, length));
        int k = tail++;
        events[k] = ev;
        data[k] = word;
        flags[k] = flag;
        nameStart[k] = namesEnd;
        nameLength[k] = length;
        hashes[k] = 0;
        if (length > 0) {
            if (prefixLen > 0) {
                System.arraycopy(prefix, 0, names, namesEnd, prefixLen);
            }
            System.arraycopy(name, nameOff, names, namesEnd + prefixLen, nameLen);
            namesEnd += length;
        }
        return k;
    }

    private void ensureRoom(int nameBytes) {
        if (tail < events.length && namesEnd + nameBytes <= names.length) {
            return;
        }
        if (head > 0 && head >= size()) {
            compact();
        }
        if (tail == events.length) {
            int n = events.length * 2;
            events = Arrays.copyOf(events, n);
            data = Arrays.copyOf(data, n);
            flags = Arrays.copyOf(flags, n);
            nameStart = Arrays.copyOf(nameStart, n);
            nameLength = Arrays.copyOf(nameLength, n);
            hashes = Arrays.copyOf(hashes, n);
        }
        if (namesEnd + nameBytes > names.length) {
            names = Arrays.copyOf(names, Math.max(names.length * 2, namesEnd + nameBytes));
        }
    }

    private void compact() {
        int live = size();
        int shift = nameStart[head];
        System.arraycopy(names, shift, names, 0, namesEnd - shift);
        namesEnd -= shift;
        System.arraycopy(events, head, events, 0, live);
        System.arraycopy(data, head, data, 0, live);
        System.arraycopy(flags, head, flags, 0, live);
        System.arraycopy(nameLength, head, nameLength, 0, live);
        System.arraycopy(hashes, head, hashes, 0, live);
        for (int k = 0; k < live; k++) {
            nameStart[k] = nameStart[head + k] - shift;
        }
        // Logical positions stay: the index needs no change.
        base += head;
        head = 0;
        tail = live;
    }
}
