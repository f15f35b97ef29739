package org.kevent.internal.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Descriptor of {@code struct io_uring_params} ({@code linux/io_uring.h}), the 120 bytes that
 * {@code io_uring_setup} reads the wanted sizes and flags from and writes back what it granted,
 * with the mmap offsets of every ring field. The same on every architecture (only 32- and 64-bit
 * fields, naturally aligned):
 * <pre>
 *  0           4           8       12              16               20         24      28        40
 * +-----------+-----------+-------+---------------+----------------+----------+-------+---------+
 * | sq_entries| cq_entries| flags | sq_thread_cpu | sq_thread_idle | features | wq_fd | resv[3] |
 * +-----------+-----------+-------+---------------+----------------+----------+-------+---------+
 *  40                                     80                                     120
 * +--------------------------------------+--------------------------------------+
 * | sq_off (struct io_sqring_offsets)    | cq_off (struct io_cqring_offsets)    |
 * +--------------------------------------+--------------------------------------+
 *
 * io_sqring_offsets (40 bytes)                      io_cqring_offsets (40 bytes)
 *  0 head | 4 tail | 8 ring_mask | 12 ring_entries   0 head | 4 tail | 8 ring_mask | 12 ring_entries
 * 16 flags | 20 dropped | 24 array | 28 resv1       16 overflow | 20 cqes | 24 flags | 28 resv1
 * 32 user_addr (u64)                                32 user_addr (u64)
 * </pre>
 * The {@code *_off} fields are byte offsets into the mapped SQ or CQ ring, not into this struct.
 * {@code user_addr} (6.5+) is only read with {@code IORING_SETUP_NO_MMAP}, which we do not use;
 * the kernel refuses ({@code EINVAL}) a call whose reserved words are not zero, so a struct is
 * always zeroed before it is filled.
 *
 * <p><b>Threading.</b> Stateless; the accessors are as thread-safe as the segment they touch.
 */
public final class IoUringParams {

    /** Layout of {@code struct io_sqring_offsets}. */
    public static final MemoryLayout SQ_OFFSETS_LAYOUT = ringOffsets("io_sqring_offsets", "flags", "dropped", "array");

    /** Layout of {@code struct io_cqring_offsets}. */
    public static final MemoryLayout CQ_OFFSETS_LAYOUT = ringOffsets("io_cqring_offsets", "overflow", "cqes", "flags");

    /** Layout of {@code struct io_uring_params}. */
    public static final MemoryLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("sq_entries"),
            ValueLayout.JAVA_INT.withName("cq_entries"),
            ValueLayout.JAVA_INT.withName("flags"),
            ValueLayout.JAVA_INT.withName("sq_thread_cpu"),
            ValueLayout.JAVA_INT.withName("sq_thread_idle"),
            ValueLayout.JAVA_INT.withName("features"),
            ValueLayout.JAVA_INT.withName("wq_fd"),
            MemoryLayout.sequenceLayout(3, ValueLayout.JAVA_INT).withName("resv"),
            SQ_OFFSETS_LAYOUT.withName("sq_off"),
            CQ_OFFSETS_LAYOUT.withName("cq_off"))
            .withName("io_uring_params");

    /** Bytes of the struct: 120. */
    public static final long SIZE = LAYOUT.byteSize();

    /** Offset of {@code sq_entries}: SQ size wanted, then granted (a power of two). */
    public static final long SQ_ENTRIES_OFFSET = LAYOUT.byteOffset(groupElement("sq_entries"));
    /** Offset of {@code cq_entries}: CQ size wanted (with {@code IORING_SETUP_CQSIZE}), then granted. */
    public static final long CQ_ENTRIES_OFFSET = LAYOUT.byteOffset(groupElement("cq_entries"));
    /** Offset of the {@code IORING_SETUP_*} flags. */
    public static final long FLAGS_OFFSET = LAYOUT.byteOffset(groupElement("flags"));
    /** Offset of the {@code IORING_FEAT_*} bits the kernel writes back. */
    public static final long FEATURES_OFFSET = LAYOUT.byteOffset(groupElement("features"));
    /** Offset of {@code sq_off}, the SQ ring's {@code struct io_sqring_offsets}. */
    public static final long SQ_OFF_OFFSET = LAYOUT.byteOffset(groupElement("sq_off"));
    /** Offset of {@code cq_off}, the CQ ring's {@code struct io_cqring_offsets}. */
    public static final long CQ_OFF_OFFSET = LAYOUT.byteOffset(groupElement("cq_off"));

    /** Offset of {@code sq_off.head}: where in the SQ ring the kernel's consumer index is. */
    public static final long SQ_HEAD_OFFSET = sq("head");
    /** Offset of {@code sq_off.tail}: where in the SQ ring our producer index is. */
    public static final long SQ_TAIL_OFFSET = sq("tail");
    /** Offset of {@code sq_off.ring_mask}: where in the SQ ring its index mask is. */
    public static final long SQ_RING_MASK_OFFSET = sq("ring_mask");
    /** Offset of {@code sq_off.ring_entries}: where in the SQ ring its size is. */
    public static final long SQ_RING_ENTRIES_OFFSET = sq("ring_entries");
    /** Offset of {@code sq_off.flags}: where in the SQ ring the {@code IORING_SQ_*} flags are. */
    public static final long SQ_FLAGS_OFFSET = sq("flags");
    /** Offset of {@code sq_off.array}: where in the SQ ring the index array starts (none with NO_SQARRAY). */
    public static final long SQ_ARRAY_OFFSET = sq("array");
    /** Offset of {@code cq_off.head}: where in the CQ ring our consumer index is. */
    public static final long CQ_HEAD_OFFSET = cq("head");
    /** Offset of {@code cq_off.tail}: where in the CQ ring the kernel's producer index is. */
    public static final long CQ_TAIL_OFFSET = cq("tail");
    /** Offset of {@code cq_off.ring_mask}: where in the CQ ring its index mask is. */
    public static final long CQ_RING_MASK_OFFSET = cq("ring_mask");
    /** Offset of {@code cq_off.cqes}: where in the CQ ring the CQE array starts. */
    public static final long CQ_CQES_OFFSET = cq("cqes");

    private IoUringParams() {
    }

    /**
     * The two ring offset structs differ only in their words at 16, 20 and 24: the kernel keeps
     * head, tail, mask and size where both rings have them.
     */
    private static MemoryLayout ringOffsets(String name, String at16, String at20, String at24) {
        return MemoryLayout.structLayout(
                ValueLayout.JAVA_INT.withName("head"),
                ValueLayout.JAVA_INT.withName("tail"),
                ValueLayout.JAVA_INT.withName("ring_mask"),
                ValueLayout.JAVA_INT.withName("ring_entries"),
                ValueLayout.JAVA_INT.withName(at16),
                ValueLayout.JAVA_INT.withName(at20),
                ValueLayout.JAVA_INT.withName(at24),
                ValueLayout.JAVA_INT.withName("resv1"),
                ValueLayout.JAVA_LONG.withName("user_addr"))
                .withName(name);
    }

    private static long sq(String field) {
        return LAYOUT.byteOffset(groupElement("sq_off"), groupElement(field));
    }

    private static long cq(String field) {
        return LAYOUT.byteOffset(groupElement("cq_off"), groupElement(field));
    }

    /**
     * Zeroes the struct, reserved words included, and writes what {@code io_uring_setup} reads.
     *
     * @param params    at least {@link #SIZE} bytes
     * @param flags     {@code IORING_SETUP_*}
     * @param cqEntries CQ size wanted (read with {@code IORING_SETUP_CQSIZE})
     */
    static void prepare(MemorySegment params, int flags, int cqEntries) {
        params.asSlice(0, SIZE).fill((byte) 0);
        params.set(ValueLayout.JAVA_INT, FLAGS_OFFSET, flags);
        params.set(ValueLayout.JAVA_INT, CQ_ENTRIES_OFFSET, cqEntries);
    }

    /**
     * Reads one 32-bit field at {@code offset}: one of this class's {@code *_OFFSET} constants.
     *
     * @param params a struct the kernel filled
     * @param offset which field
     * @return its value
     */
    static int get(MemorySegment params, long offset) {
        return params.get(ValueLayout.JAVA_INT, offset);
    }
}
