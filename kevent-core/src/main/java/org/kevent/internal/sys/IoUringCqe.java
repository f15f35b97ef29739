package org.kevent.internal.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Descriptor of {@code struct io_uring_cqe} ({@code linux/io_uring.h}), one completion queue
 * entry: 16 bytes on every architecture (we never set {@code IORING_SETUP_CQE32}, which appends
 * 16 more).
 * <pre>
 *  0                          8              12             16
 * +--------------------------+--------------+--------------+
 * | user_data (u64)          | res (s32)    | flags (u32)  |
 * +--------------------------+--------------+--------------+
 * </pre>
 * {@code res} is the operation's result: bytes, or {@code -errno}. {@code flags} holds
 * {@link #F_BUFFER} and {@link #F_MORE} in its low bits and, with {@code F_BUFFER}, the provided
 * buffer's id in its upper 16 ({@link #bufferId}).
 *
 * <p><b>Threading.</b> Stateless; the accessors are as thread-safe as the segment they read.
 */
public final class IoUringCqe {

    /** Layout of the struct. */
    public static final MemoryLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("user_data"),
            ValueLayout.JAVA_INT.withName("res"),
            ValueLayout.JAVA_INT.withName("flags"))
            .withName("io_uring_cqe");

    /** Bytes of one CQE: 16. */
    public static final long SIZE = LAYOUT.byteSize();
    /** Offset of the user data the SQE carried. */
    public static final long USER_DATA_OFFSET = LAYOUT.byteOffset(groupElement("user_data"));
    /** Offset of the result: bytes, or {@code -errno}. */
    public static final long RES_OFFSET = LAYOUT.byteOffset(groupElement("res"));
    /** Offset of the {@code IORING_CQE_F_*} flags. */
    public static final long FLAGS_OFFSET = LAYOUT.byteOffset(groupElement("flags"));

    /** {@code IORING_CQE_F_BUFFER}: the completion used provided buffer {@link #bufferId}. */
    public static final int F_BUFFER = 1;
    /** {@code IORING_CQE_F_MORE}: a multishot request goes on; without it, it ended. */
    public static final int F_MORE = 1 << 1;
    /** {@code IORING_CQE_BUFFER_SHIFT}: where in {@code flags} the buffer id starts. */
    public static final int BUFFER_SHIFT = 16;

    private IoUringCqe() {
    }

    /**
     * Returns the provided buffer a completion used.
     *
     * @param flags a completion's flags, with {@link #F_BUFFER} set
     * @return the buffer's id, {@code 0..65535}
     */
    public static int bufferId(int flags) {
        return flags >>> BUFFER_SHIFT;
    }

    /** @param cqes the CQ ring @param at a CQE's byte offset @return its user data */
    static long userData(MemorySegment cqes, long at) {
        return cqes.get(ValueLayout.JAVA_LONG, at + USER_DATA_OFFSET);
    }

    /** @param cqes the CQ ring @param at a CQE's byte offset @return its result */
    static int res(MemorySegment cqes, long at) {
        return cqes.get(ValueLayout.JAVA_INT, at + RES_OFFSET);
    }

    /** @param cqes the CQ ring @param at a CQE's byte offset @return its flags */
    static int flags(MemorySegment cqes, long at) {
        return cqes.get(ValueLayout.JAVA_INT, at + FLAGS_OFFSET);
    }
}
