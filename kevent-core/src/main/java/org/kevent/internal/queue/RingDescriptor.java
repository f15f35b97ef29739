package org.kevent.internal.queue;

/**
 * Layout of one ring slot in the ring's {@code long[]} word array (docs/SEMANTICS.md §6).
 *
 * <pre>
 *   word  0        ID        the interest id
 *   word  1        DATA      first return word (expirations, coalesced triggers, ...)
 *   word  2        DATA2     second return word (fire time, ...)
 *   word  3        COOKIE    the caller's cookie
 *   word  4        META      bits  0..7   type ordinal
 *                            bits  8..15  return flags
 *                            bit  16      REMOVED: the interest was removed after the slot was written
 *                            bits 32..63  event bits
 * </pre>
 * The attachment object and a NAIO event's buffer, which a primitive array cannot hold, sit in
 * parallel arrays at the slot index. A slot of sequence {@code s} starts at word {@code (s & (capacity-1)) * SLOT_WORDS}.
 */
public final class RingDescriptor {
    private RingDescriptor() {
    }

    public static final int ID_OFFSET = 0;
    public static final int DATA_OFFSET = 1;
    public static final int DATA2_OFFSET = 2;
    public static final int COOKIE_OFFSET = 3;
    public static final int META_OFFSET = 4;
    public static final int SLOT_WORDS = 5;

    public static final long REMOVED = 1L << 16;

    static long meta(int type, int events, int flags) {
        return (type & 0xffL) | (flags & 0xffL) << 8 | (events & 0xffffffffL) << 32;
    }

    public static int type(long meta) {
        return (int) (meta & 0xff);
    }

    public static int flags(long meta) {
        return (int) (meta >>> 8 & 0xff);
    }

    public static int events(long meta) {
        return (int) (meta >>> 32);
    }

    public static boolean removed(long meta) {
        return (meta & REMOVED) != 0;
    }
}
