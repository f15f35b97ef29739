package org.kevent.internal.source.inode;

/**
 * Watches of one inotify instance by watch descriptor: open addressing with linear probing and
 * backward-shift deletion, so looking up the watch of a kernel record allocates nothing (a
 * {@code HashMap<Integer, ...>} would box every wd above 127). Guarded by the queue lock.
 */
final class InodeWatchTable {
    private int[] keys = new int[16];
    private InodeWatch[] values = new InodeWatch[16];
    private int size;

    int size() {
        return size;
    }

    InodeWatch get(int wd) {
        int mask = keys.length - 1;
        for (int k = mix(wd) & mask; values[k] != null; k = (k + 1) & mask) {
            if (keys[k] == wd) {
                return values[k];
            }
        }
        return null;
    }

    void put(InodeWatch w) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int k = mix(w.wd) & mask;
        while (values[k] != null && keys[k] != w.wd) {
            k = (k + 1) & mask;
        }
        if (values[k] == null) {
            size++;
        }
        keys[k] = w.wd;
        values[k] = w;
    }

    void remove(int wd) {
        int mask = keys.length - 1;
        int k = mix(wd) & mask;
        while (values[k] != null && keys[k] != wd) {
            k = (k + 1) & mask;
        }
        if (values[k] == null) {
            return;
        }
        size--;
        // Backward shift: move later entries of the probe run into the hole, so no tombstones.
        int hole = k;
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = mix(keys[j]) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
    }

    private void grow() {
        int[] oldKeys = keys;
        InodeWatch[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new InodeWatch[oldKeys.length * 2];
        size = 0;
        for (int k = 0; k < oldKeys.length; k++) {
            if (oldValues[k] != null) {
                put(oldValues[k]);
            }
        }
    }

    private static int mix(int wd) {
        return wd * 0x9E3779B9 >>> 7 ^ wd;
    }
}
