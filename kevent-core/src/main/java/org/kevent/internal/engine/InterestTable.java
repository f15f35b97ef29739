package org.kevent.internal.engine;

import org.kevent.EventType;

/**
 * All interests of a queue by (type, id): open addressing with linear probing and backward-shift
 * deletion, so lookups never box and removals leave no tombstones behind. Guarded by the queue lock.
 */
final class InterestTable {
    private static final int MIN_CAPACITY = 16;

    private Interest[] slots;
    private int mask;
    private int size;

    InterestTable() {
        slots = new Interest[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
    }

    int size() {
        return size;
    }

    Interest get(EventType type, long id) {
        Interest[] s = slots;
        int m = mask;
        for (int i = hash(type, id) & m; ; i = (i + 1) & m) {
            Interest e = s[i];
            if (e == null || (e.id == id && e.type == type)) {
                return e;
            }
        }
    }

    /** Inserts an interest whose (type, id) the caller checked is absent. */
    void insert(Interest interest) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        place(slots, mask, interest);
        size++;
    }

    boolean remove(Interest interest) {
        Interest[] s = slots;
        int m = mask;
        int i = hash(interest.type, interest.id) & m;
        while (s[i] != interest) {
            if (s[i] == null) {
                return false;
            }
            i = (i + 1) & m;
        }
        // Backward-shift: pull later members of the probe run into the hole so get() can stop at
        // the first null without tombstones.
        int hole = i;
        for (int j = (hole + 1) & m; s[j] != null; j = (j + 1) & m) {
            int home = hash(s[j].type, s[j].id) & m;
            if (((j - home) & m) >= ((j - hole) & m)) {
                s[hole] = s[j];
                hole = j;
            }
        }
        s[hole] = null;
        size--;
        return true;
    }

    /** Calls {@code action} for every interest; the action must not change the table. */
    void forEach(java.util.function.Consumer<Interest> action) {
        for (Interest e : slots) {
            if (e != null) {
                action.accept(e);
            }
        }
    }

    void clear() {
        java.util.Arrays.fill(slots, null);
        size = 0;
    }

    private void grow() {
        Interest[] old = slots;
        Interest[] bigger = new Interest[old.length * 2];
        int m = bigger.length - 1;
        for (Interest e : old) {
            if (e != null) {
                place(bigger, m, e);
            }
        }
        slots = bigger;
        mask = m;
    }

    private static void place(Interest[] s, int m, Interest e) {
        int i = hash(e.type, e.id) & m;
        while (s[i] != null) {
            i = (i + 1) & m;
        }
        s[i] = e;
    }

    private static int hash(EventType type, long id) {
        // Murmur3 finaliser: sequential ids (the common case) spread over the whole table.
        long h = id * 0x9E3779B97F4A7C15L + type.ordinal();
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) h;
    }
}
