package org.kevent.internal.engine;

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
 * and each one read is a cache miss. Guarded by the queue lock.
 */
final class InterestTable {
    private static final int MIN_CAPACITY = 16;

    private long[] keys;
    private Interest[] values;
    private int mask;
    private int size;

    InterestTable() {
        keys = new long[MIN_CAPACITY * 2];
        values = new Interest[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
    }

    int size() {
        return size;
    }

    Interest get(EventType type, long id) {
        int slot = find(type.ordinal() + 1, id);
        return slot < 0 ? null : values[slot];
    }

    /** Inserts an interest whose (type, id) the caller checked is absent. */
    void insert(Interest interest) {
        if ((size + 1) * 2 > values.length) {
            grow();
        }
        place(keys, values, mask, interest);
        size++;
    }

    boolean remove(Interest interest) {
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
    }

    void clear() {
        Arrays.fill(keys, 0);
        Arrays.fill(values, null);
        size = 0;
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
