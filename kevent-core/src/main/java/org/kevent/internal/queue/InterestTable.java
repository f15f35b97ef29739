package org.kevent.internal.queue;

import java.util.Arrays;
import java.util.function.Consumer;

import org.kevent.EventType;

/**
 * All interests of a queue by (type, id): open addressing with linear probing and backward-shift
 * deletion, so lookups never box and removals leave no tombstones behind.
 *
 * <p>Keys live in one {@code long[]}, two words a slot (the id, then the type's ordinal + 1, with 0
 * for an empty slot), so probing and the backward shift read one contiguous array and never touch
 * an {@link Interest} object: with a million interests those objects are scattered over the heap
 * and each one read is a cache miss.
 *
 * <p>Small non-negative ids — file descriptors, which POLL and SOCKET interests use as ids, and
 * counters, which callers commonly use for timers and user events — go to a directly indexed array
 * per type instead (libev keeps its fds the same way): no hashing, and neighbouring ids sit in
 * neighbouring memory. The array only grows to cover an id while at least half of it would be in
 * use, so sparse or huge ids cost no memory there; they stay in the hash part. Invariant: an id
 * inside a type's direct range is never in the hash part. Guarded by the queue lock.
 */
final class InterestTable {
    private static final int MIN_CAPACITY = 16;
    /** Largest direct array: 4 Mi references per type. */
    private static final int DIRECT_MAX = 1 << 22;
    private static final int DIRECT_SLACK = 1024;

    private final Interest[][] direct = new Interest[EventType.values().length][];
    private final int[] directCount = new int[EventType.values().length];
    private int directTotal;

    private long[] keys;
    private Interest[] values;
    private int mask;
    private int size;
    /** Interests freed for reuse, linked through {@code freeNext}: a registration allocates only at first. */
    private Interest freeList;

    InterestTable() {
        keys = new long[MIN_CAPACITY * 2];
        values = new Interest[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
        for (int t = 0; t < direct.length; t++) {
            direct[t] = new Interest[0];
        }
    }

    int size() {
        return size + directTotal;
    }

    Interest get(EventType type, long id) {
        Interest[] d = direct[type.ordinal()];
        if (id >= 0 && id < d.length) {
            return d[(int) id];
        }
        int slot = find(type.ordinal() + 1, id);
        return slot < 0 ? null : values[slot];
    }

    /** Inserts an interest whose (type, id) the caller checked is absent. */
    void insert(Interest interest) {
        int t = interest.type.ordinal();
        long id = interest.id;
        if (id >= 0 && (id < direct[t].length || growDirect(t, id))) {
            direct[t][(int) id] = interest;
            directCount[t]++;
            directTotal++;
            return;
        }
        if ((size + 1) * 2 > values.length) {
            grow();
        }
        place(keys, values, mask, interest);
        size++;
    }

    /** Grows type t's direct array to cover id if it stays at least half used; moves hash entries in. */
    private boolean growDirect(int t, long id) {
        if (id >= DIRECT_MAX || id >= 2L * (directCount[t] + DIRECT_SLACK)) {
            return false;
        }
        Interest[] old = direct[t];
        int n = Math.max(64, Integer.highestOneBit((int) id) << 1);
        Interest[] grown = java.util.Arrays.copyOf(old, n);
        direct[t] = grown;
        // Keep the invariant: ids now inside the direct range leave the hash part.
        int typeKey = t + 1;
        for (int i = 0; i < values.length; i++) {
            Interest e = values[i];
            if (e != null && keys[2 * i + 1] == typeKey && e.id >= old.length && e.id < n) {
                removeHashed(e);
                grown[(int) e.id] = e;
                directCount[t]++;
                directTotal++;
                i--; // the backward shift may have pulled another entry into slot i
            }
        }
        return true;
    }

    boolean remove(Interest interest) {
        int t = interest.type.ordinal();
        long id = interest.id;
        Interest[] d = direct[t];
        if (id >= 0 && id < d.length) {
            if (d[(int) id] != interest) {
                return false;
            }
            d[(int) id] = null;
            directCount[t]--;
            directTotal--;
            return true;
        }
        return removeHashed(interest);
    }

    private boolean removeHashed(Interest interest) {
        int slot = find(interest.type.ordinal() + 1, interest.id);
        if (slot < 0 || values[slot] != interest) {
            return false;
        }
        long[] k = keys;
        Interest[] v = values;
        int m = mask;
        // Backward-shift: pull later members of the probe run into the hole so get() can stop at
        // the first empty slot without tombstones.
        int hole = slot;
        for (int j = (hole + 1) & m; k[2 * j + 1] != 0; j = (j + 1) & m) {
            int home = hash((int) k[2 * j + 1], k[2 * j]) & m;
            if (((j - home) & m) >= ((j - hole) & m)) {
                k[2 * hole] = k[2 * j];
                k[2 * hole + 1] = k[2 * j + 1];
                v[hole] = v[j];
                hole = j;
            }
        }
        k[2 * hole] = 0;
        k[2 * hole + 1] = 0;
        v[hole] = null;
        size--;
        return true;
    }

    /** Calls {@code action} for every interest; the action must not change the table. */
    void forEach(Consumer<Interest> action) {
        for (Interest e : values) {
            if (e != null) {
                action.accept(e);
            }
        }
        for (Interest[] d : direct) {
            for (Interest e : d) {
                if (e != null) {
                    action.accept(e);
                }
            }
        }
    }

    /** @return a cleared interest from the pool, or a new one */
    Interest allocate() {
        Interest i = freeList;
        if (i == null) {
            return new Interest();
        }
        freeList = i.freeNext;
        i.freeNext = null;
        return i;
    }

    /** Clears an interest that left the table and keeps it for {@link #allocate}. */
    void free(Interest i) {
        i.clear();
        i.freeNext = freeList;
        freeList = i;
    }

    void clear() {
        Arrays.fill(keys, 0);
        Arrays.fill(values, null);
        size = 0;
        for (int t = 0; t < direct.length; t++) {
            direct[t] = new Interest[0];
            directCount[t] = 0;
        }
        directTotal = 0;
        freeList = null;
    }

    private int find(int typeKey, long id) {
        long[] k = keys;
        int m = mask;
        for (int i = hash(typeKey, id) & m; ; i = (i + 1) & m) {
            long t = k[2 * i + 1];
            if (t == 0) {
                return -1;
            }
            if (t == typeKey && k[2 * i] == id) {
                return i;
            }
        }
    }

    private void grow() {
        Interest[] old = values;
        int n = old.length * 2;
        long[] k = new long[n * 2];
        Interest[] v = new Interest[n];
        for (Interest e : old) {
            if (e != null) {
                place(k, v, n - 1, e);
            }
        }
        keys = k;
        values = v;
        mask = n - 1;
    }

    private static void place(long[] k, Interest[] v, int m, Interest e) {
        int typeKey = e.type.ordinal() + 1;
        int i = hash(typeKey, e.id) & m;
        while (k[2 * i + 1] != 0) {
            i = (i + 1) & m;
        }
        k[2 * i] = e.id;
        k[2 * i + 1] = typeKey;
        v[i] = e;
    }

    private static int hash(int typeKey, long id) {
        // Murmur3 finaliser: sequential ids (the common case) spread over the whole table.
        long h = id * 0x9E3779B97F4A7C15L + typeKey;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) h;
    }
}
