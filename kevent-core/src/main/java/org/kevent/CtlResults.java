package org.kevent;

import java.util.Arrays;

/**
 * One result per record of a {@link KeventQueue#ctl} batch: the seed's in-place return flags,
 * kept beside the records so the records can stay immutable.
 *
 * <p>Reusable: pass the same instance to every call of
 * {@link KeventQueue#ctl(CtlOp, Ukevent[], int, int, CtlResults)} and the control path allocates
 * nothing. Not thread-safe; one per calling thread.
 */
public final class CtlResults {
    private final int[] flags;
    private final String[] errorNames;
    private final String[] messages;
    private int count;
    private int failures;

    /**
     * Creates a results buffer.
     *
     * @param capacity the largest batch it can describe; at least 1
     * @throws IllegalArgumentException if capacity is below 1
     */
    public CtlResults(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        flags = new int[capacity];
        errorNames = new String[capacity];
        messages = new String[capacity];
    }

    /** @return the largest batch this buffer describes */
    public int capacity() {
        return flags.length;
    }

    /** @return how many records the last call processed */
    public int count() {
        return count;
    }

    /** @return how many of them failed */
    public int failures() {
        return failures;
    }

    /**
     * @param i record index in the batch, {@code 0 <= i < count()}
     * @return whether record {@code i} took effect
     */
    public boolean ok(int i) {
        return (flags[check(i)] & Kevent.RET_BROKEN) == 0;
    }

    /**
     * @param i record index in the batch
     * @return the return flags of record {@code i}: {@link Kevent#RET_DONE}, plus {@link Kevent#RET_BROKEN} on failure
     */
    public int flags(int i) {
        return flags[check(i)];
    }

    /**
     * @param i record index in the batch
     * @return the symbolic error of record {@code i} ({@code "EEXIST"}), or null if it took effect
     */
    public String errorName(int i) {
        return errorNames[check(i)];
    }

    /**
     * @param i record index in the batch
     * @return why record {@code i} failed, in words, or null if it took effect
     */
    public String message(int i) {
        return messages[check(i)];
    }

    /**
     * Throws for the first failed record, if any.
     *
     * @param op the operation, for the message
     * @throws KeventException naming the operation, the record index and the error
     */
    public void throwIfFailed(CtlOp op) {
        for (int i = 0; i < count; i++) {
            if (errorNames[i] != null) {
                throw new KeventException("kevent_ctl " + op + " record " + i, errorNames[i], messages[i]);
            }
        }
    }

    void reset(int n) {
        if (n > flags.length) {
            throw new IllegalArgumentException("batch of " + n + " records exceeds results capacity " + flags.length);
        }
        Arrays.fill(errorNames, 0, count, null);
        Arrays.fill(messages, 0, count, null);
        count = n;
        failures = 0;
    }

    void done(int i) {
        flags[i] = Kevent.RET_DONE;
    }

    void fail(int i, String errorName, String message) {
        flags[i] = Kevent.RET_DONE | Kevent.RET_BROKEN;
        errorNames[i] = errorName;
        messages[i] = message;
        failures++;
    }

    private int check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("result index " + i + " outside the last batch of " + count);
        }
        return i;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CtlResults[").append(count).append(" records, ")
                .append(failures).append(" failed");
        for (int i = 0; i < count; i++) {
            if (errorNames[i] != null) {
                sb.append("; #").append(i).append(' ').append(errorNames[i]).append(": ").append(messages[i]);
            }
        }
        return sb.append(']').toString();
    }
}
