package org.kevent.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Descriptor of {@code struct inotify_event} ({@code sys/inotify.h}), the variable-length record
 * an inotify descriptor reads as. The same on every architecture:
 * <pre>
 *  0          4          8          12         16                       16 + len
 * +----------+----------+----------+----------+------------------------+
 * | wd (i32) | mask u32 | cookie   | len u32  | name[len], NUL-padded  |
 * +----------+----------+----------+----------+------------------------+
 * </pre>
 * {@code len} counts the name with its padding (0 when the record has no name: events on the
 * watched inode itself, {@code IN_Q_OVERFLOW}, {@code IN_IGNORED}); the next record starts at
 * {@code 16 + len}. Records are only ever read in place from the buffer the kernel filled.
 *
 * <p><b>Threading.</b> Stateless; the accessors are as thread-safe as the segment they read.
 */
public final class InotifyEvent {
    /** Layout of the fixed header. */
    public static final MemoryLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("wd"),
            ValueLayout.JAVA_INT.withName("mask"),
            ValueLayout.JAVA_INT.withName("cookie"),
            ValueLayout.JAVA_INT.withName("len")).withName("inotify_event");

    /** Bytes of the fixed header: 16. */
    public static final long SIZE = LAYOUT.byteSize();
    /** Offset of the watch descriptor (-1 for {@code IN_Q_OVERFLOW}). */
    public static final long WD_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("wd"));
    /** Offset of the {@code IN_*} mask. */
    public static final long MASK_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("mask"));
    /** Offset of the cookie pairing {@code IN_MOVED_FROM} with {@code IN_MOVED_TO}. */
    public static final long COOKIE_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("cookie"));
    /** Offset of the name length, padding included. */
    public static final long LEN_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("len"));
    /** Offset of the name. */
    public static final long NAME_OFFSET = SIZE;
    /** Largest record: the header plus {@code NAME_MAX} (255) bytes and a NUL. */
    public static final int MAX_SIZE = (int) SIZE + 255 + 1;

    private InotifyEvent() {
    }

    /** @param buf records @param at a record's offset @return its watch descriptor */
    public static int wd(MemorySegment buf, long at) {
        return buf.get(ValueLayout.JAVA_INT, at + WD_OFFSET);
    }

    /** @param buf records @param at a record's offset @return its {@code IN_*} mask */
    public static int mask(MemorySegment buf, long at) {
        return buf.get(ValueLayout.JAVA_INT, at + MASK_OFFSET);
    }

    /** @param buf records @param at a record's offset @return its rename cookie, as unsigned */
    public static long cookie(MemorySegment buf, long at) {
        return Integer.toUnsignedLong(buf.get(ValueLayout.JAVA_INT, at + COOKIE_OFFSET));
    }

    /** @param buf records @param at a record's offset @return its name field's length, padding included */
    public static int len(MemorySegment buf, long at) {
        return buf.get(ValueLayout.JAVA_INT, at + LEN_OFFSET);
    }

    /** @param buf records @param at a record's offset @return where the next record starts */
    public static long next(MemorySegment buf, long at) {
        return at + SIZE + len(buf, at);
    }

    /**
     * Returns the length of a record's name without its NUL padding.
     *
     * @param buf records
     * @param at  a record's offset
     * @return bytes before the first NUL; 0 for a record without a name
     */
    public static int nameLength(MemorySegment buf, long at) {
        int len = len(buf, at);
        long start = at + NAME_OFFSET;
        int n = 0;
        while (n < len && buf.get(ValueLayout.JAVA_BYTE, start + n) != 0) {
            n++;
        }
        return n;
    }

    /**
     * Copies a record's name (without padding) into a byte array.
     *
     * @param buf    records
     * @param at     a record's offset
     * @param length the name's length, from {@link #nameLength}
     * @param dst    where it goes
     * @param dstOff where in {@code dst}
     */
    public static void copyName(MemorySegment buf, long at, int length, byte[] dst, int dstOff) {
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, at + NAME_OFFSET, dst, dstOff, length);
    }
}
