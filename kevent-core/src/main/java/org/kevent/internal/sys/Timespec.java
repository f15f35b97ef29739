package org.kevent.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Descriptor of {@code struct timespec} ({@code time.h}) on 64-bit Linux:
 * <pre>
 *  0                 8                 16
 * +-----------------+-----------------+
 * | tv_sec (s64)    | tv_nsec (s64)   |
 * +-----------------+-----------------+
 * </pre>
 * The kernel rejects a {@code tv_nsec} outside {@code [0, 999 999 999]} with {@code EINVAL}, so
 * {@link #set} splits nanoseconds with floor division: a negative duration keeps a valid
 * {@code tv_nsec} and is refused by the kernel for its negative {@code tv_sec} instead.
 *
 * <p><b>Threading.</b> Stateless.
 */
public final class Timespec {

    /** Layout of one {@code struct timespec}. */
    public static final MemoryLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"),
            ValueLayout.JAVA_LONG.withName("tv_nsec"))
            .withName("timespec");

    /** Bytes of one {@code struct timespec}: 16. */
    public static final long SIZE = LAYOUT.byteSize();

    /** Offset of {@code tv_sec}. */
    public static final long TV_SEC_OFFSET =
            LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("tv_sec"));

    /** Offset of {@code tv_nsec}. */
    public static final long TV_NSEC_OFFSET =
            LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("tv_nsec"));

    /** Nanoseconds in a second, the range bound of {@code tv_nsec}. */
    static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Timespec() {
    }

    /**
     * Writes a duration or instant given in nanoseconds.
     *
     * @param segment where the struct is
     * @param offset  offset of the struct in {@code segment}
     * @param nanos   nanoseconds
     */
    static void set(MemorySegment segment, long offset, long nanos) {
        segment.set(ValueLayout.JAVA_LONG, offset + TV_SEC_OFFSET,
                Math.floorDiv(nanos, NANOS_PER_SECOND));
        segment.set(ValueLayout.JAVA_LONG, offset + TV_NSEC_OFFSET,
                Math.floorMod(nanos, NANOS_PER_SECOND));
    }

    /**
     * Reads the struct as nanoseconds, saturating at {@link Long#MAX_VALUE}.
     *
     * @param segment where the struct is
     * @param offset  offset of the struct in {@code segment}
     * @return nanoseconds
     */
    static long get(MemorySegment segment, long offset) {
        long seconds = segment.get(ValueLayout.JAVA_LONG, offset + TV_SEC_OFFSET);
        long nanos = segment.get(ValueLayout.JAVA_LONG, offset + TV_NSEC_OFFSET);
        if (seconds >= Long.MAX_VALUE / NANOS_PER_SECOND) {
            return Long.MAX_VALUE;
        }
        return seconds * NANOS_PER_SECOND + nanos;
    }
}
