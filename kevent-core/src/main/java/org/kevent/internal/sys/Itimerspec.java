package org.kevent.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;

/**
 * Descriptor of {@code struct itimerspec} ({@code time.h}): two {@link Timespec}s.
 * <pre>
 *  0                                 16                                32
 * +---------------------------------+---------------------------------+
 * | it_interval (timespec)          | it_value (timespec)             |
 * | tv_sec        | tv_nsec         | tv_sec        | tv_nsec         |
 * +---------------------------------+---------------------------------+
 * </pre>
 * A zero {@code it_value} disarms the timer, whatever {@code it_interval} says; a zero
 * {@code it_interval} makes it fire once.
 *
 * <p><b>Threading.</b> Stateless.
 */
public final class Itimerspec {

    /** Layout of one {@code struct itimerspec}. */
    public static final MemoryLayout LAYOUT = MemoryLayout.structLayout(
            Timespec.LAYOUT.withName("it_interval"),
            Timespec.LAYOUT.withName("it_value"))
            .withName("itimerspec");

    /** Bytes of one {@code struct itimerspec}: 32. */
    public static final long SIZE = LAYOUT.byteSize();

    /** Offset of {@code it_interval}, the period after the first expiry. */
    public static final long IT_INTERVAL_OFFSET =
            LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("it_interval"));

    /** Offset of {@code it_value}, the first expiry. */
    public static final long IT_VALUE_OFFSET =
            LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("it_value"));

    private Itimerspec() {
    }

    /**
     * Writes both fields from nanoseconds.
     *
     * @param segment        where the struct is
     * @param offset         offset of the struct in {@code segment}
     * @param valueNanos     first expiry ({@code 0} disarms)
     * @param intervalNanos  period ({@code 0} for one shot)
     */
    static void set(MemorySegment segment, long offset, long valueNanos, long intervalNanos) {
        Timespec.set(segment, offset + IT_INTERVAL_OFFSET, intervalNanos);
        Timespec.set(segment, offset + IT_VALUE_OFFSET, valueNanos);
    }
}
