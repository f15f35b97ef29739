package org.kevent.internal.engine;

import java.util.Arrays;

import org.kevent.Kevent;

/**
 * The FIFO of records one INODE interest has not yet delivered: an interest sits on the ready
 * list at most once, so its kernel records wait here and are handed out one per delivery. Fields
 * live in parallel arrays and names in one byte arena, so queueing a record allocates nothing
 * once the arrays have grown to the working size.
 *
 * <p>Live records are {@code [head, tail)}; their names are {@code names[nameStart[k] ..
 * + nameLength[k])} (length -1: no name), in order, so the live part of the arena starts at
 * {@code nameStart[head]}. Space before {@code head} is reclaimed by compaction once it is at
 * least half the arrays, so a steady stream costs amortised O(1) per record. Guarded by the
 * queue lock.
 */
final class InodeRecords {
    /** Record flag: found by a scan, not reported by the kernel (data2 = 1). */
    static final byte SCANNED = 1;
    /** Record flag: the source is gone; delivered with {@code RET_BROKEN}. */
    static final byte BROKEN = 2;

    private int[] events = new int[8];
    private long[] data = new long[8];
    private byte[] flags = new byte[8];
    private int[] nameStart = new int[8];
    private int[] nameLength = new int[8];
    private byte[] names = new byte[256];
    private int head;
    private int tail;
    private int namesEnd;

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

    /** Copies the head record's name into {@code dst} at {@code off}. */
    void copyHeadName(byte[] dst, int off) {
        int n = nameLength[head];
        if (n > 0) {
            System.arraycopy(names, nameStart[head], dst, off, n);
        }
    }

    /** Drops the head record. */
    void pop() {
        head++;
        if (head == tail) {
            head = tail = namesEnd = 0;
        }
    }

    /**
     * Queues a record whose name is {@code prefix + name[nameOff .. + nameLen)}.
     *
     * @param prefix  bytes before the name ("sub/"), or null
     * @param name    the name's bytes, or null for a record without a name (the prefix is then ignored)
     * @param nameLen bytes of name; ignored when name is null
     */
    void append(int ev, long word, byte flag, byte[] prefix, byte[] name, int nameOff, int nameLen) {
        int prefixLen = prefix == null ? 0 : prefix.length;
        int length = name == null ? -1 : prefixLen + nameLen;
        ensureRoom(Math.max(0, length));
        int k = tail++;
        events[k] = ev;
        data[k] = word;
        flags[k] = flag;
        nameStart[k] = namesEnd;
        nameLength[k] = length;
        if (length > 0) {
            if (prefixLen > 0) {
                System.arraycopy(prefix, 0, names, namesEnd, prefixLen);
            }
            System.arraycopy(name, nameOff, names, namesEnd + prefixLen, nameLen);
            namesEnd += length;
        }
    }

    /**
     * Keeps only records with bits in {@code keep}, those bits only (a MODIFY narrowed the mask);
     * BROKEN records always stay.
     */
    void retain(int keep) {
        int w = head;
        for (int k = head; k < tail; k++) {
            int ev = (flags[k] & BROKEN) != 0 ? events[k] : events[k] & keep;
            if ((ev & ~Kevent.INODE_ISDIR) != 0) {
                events[w] = ev;
                data[w] = data[k];
                flags[w] = flags[k];
                nameStart[w] = nameStart[k];
                nameLength[w] = nameLength[k];
                w++;
            }
        }
        tail = w;
        if (head == tail) {
            head = tail = namesEnd = 0;
        }
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
        for (int k = 0; k < live; k++) {
            nameStart[k] = nameStart[head + k] - shift;
        }
        head = 0;
        tail = live;
    }
}
