package org.kevent.internal.portable;

import java.util.Arrays;

/**
 * An int-keyed map with open addressing: a lookup by descriptor number boxes nothing, so a level
 * re-check ({@code FD_MOD}) on the portable engine allocates nothing.
 *
 * <p><b>Threading:</b> not thread-safe; each user guards it with its own lock.
 *
 * @param <V> the values
 */
final class NumberMap<V> {
    private static final int EMPTY = Integer.MIN_VALUE;

    private int[] keys;
    private Object[] values;
    private int size;

    NumberMap() {
        keys = new int[16];
        values = new Object[16];
        Arrays.fill(keys, EMPTY);
    }

    /** @return the value of {@code key}, or null */
    @SuppressWarnings("unchecked")
    V get(int key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    /** Maps {@code key} (never {@link Integer#MIN_VALUE}) to a non-null {@code value}, replacing any. */
    void put(int key, V value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            if (keys[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
        }
    }

    /** @return the value removed, or null */
    @SuppressWarnings("unchecked")
    V remove(int key) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] != key) {
            if (keys[i] == EMPTY) {
                return null;
            }
            i = (i + 1) & mask;
        }
        V old = (V) values[i];
        keys[i] = EMPTY;
        values[i] = null;
        size--;
        // Backward-shift deletion: re-place the rest of the run so no lookup stops early at the hole.
        for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int k = keys[j];
            Object v = values[j];
            keys[j] = EMPTY;
            values[j] = null;
            size--;
            put(k, unchecked(v));
        }
        return old;
    }

    /** @return entries held */
    int size() {
        return size;
    }

    /** Calls {@code action} on every value. */
    void forEach(java.util.function.Consumer<? super V> action) {
        for (Object v : values.clone()) {
            if (v != null) {
                action.accept(unchecked(v));
            }
        }
    }

    /** Removes every entry. */
    void clear() {
        Arrays.fill(keys, EMPTY);
        Arrays.fill(values, null);
        size = 0;
    }

    @SuppressWarnings("unchecked")
    private static <V> V unchecked(Object v) {
        return (V) v;
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void grow() {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], unchecked(oldValues[i]));
            }
        }
    }
}
