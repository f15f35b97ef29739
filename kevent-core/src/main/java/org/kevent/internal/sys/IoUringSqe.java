package org.kevent.internal.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Descriptor of {@code struct io_uring_sqe} ({@code linux/io_uring.h}), one submission queue
 * entry: 64 bytes on every architecture (we never set {@code IORING_SETUP_SQE128}).
 * <pre>
 *  0        1       2        4         8                16               24      28          32
 * +--------+-------+--------+---------+----------------+----------------+-------+-----------+
 * | opcode | flags | ioprio | fd (s32)| off / addr2    | addr           | len   | op_flags  |
 * +--------+-------+--------+---------+----------------+----------------+-------+-----------+
 *  32                40                  42            44                48               64
 * +-----------------+-------------------+-------------+-----------------+----------------+
 * | user_data (u64) | buf_index /       | personality | splice_fd_in /  | addr3, pad     |
 * |                 | buf_group (u16)   | (u16)       | file_index      | (2 × u64)      |
 * +-----------------+-------------------+-------------+-----------------+----------------+
 * </pre>
 * Most fields are unions the kernel reads according to the opcode: {@code op_flags} is
 * {@code rw_flags}, {@code msg_flags} for SEND/RECV, {@code cancel_flags}, ...; {@code ioprio}
 * carries {@code IORING_RECV_MULTISHOT} for a receive. An SQE is zeroed whole before it is filled,
 * because the kernel reads fields we do not name (6.x NOP reads its flags from {@code op_flags}).
 *
 * <p><b>Threading.</b> Stateless; the accessors are as thread-safe as the segment they touch
 * (the SQE array belongs to the ring's one owner).
 */
public final class IoUringSqe {

    /** Layout of the struct. */
    public static final MemoryLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("opcode"),
            ValueLayout.JAVA_BYTE.withName("flags"),
            ValueLayout.JAVA_SHORT.withName("ioprio"),
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_LONG.withName("off"),
            ValueLayout.JAVA_LONG.withName("addr"),
            ValueLayout.JAVA_INT.withName("len"),
            ValueLayout.JAVA_INT.withName("op_flags"),
            ValueLayout.JAVA_LONG.withName("user_data"),
            ValueLayout.JAVA_SHORT.withName("buf_index"),
            ValueLayout.JAVA_SHORT.withName("personality"),
            ValueLayout.JAVA_INT.withName("splice_fd_in"),
            ValueLayout.JAVA_LONG.withName("addr3"),
            ValueLayout.JAVA_LONG.withName("pad2"))
            .withName("io_uring_sqe");

    /** Bytes of one SQE: 64. */
    public static final long SIZE = LAYOUT.byteSize();
    /** Offset of the {@code IORING_OP_*} opcode (u8). */
    public static final long OPCODE_OFFSET = LAYOUT.byteOffset(groupElement("opcode"));
    /** Offset of the {@code IOSQE_*} flags (u8). */
    public static final long FLAGS_OFFSET = LAYOUT.byteOffset(groupElement("flags"));
    /** Offset of {@code ioprio} (u16), which receives read as {@code IORING_RECV_*} flags. */
    public static final long IOPRIO_OFFSET = LAYOUT.byteOffset(groupElement("ioprio"));
    /** Offset of the descriptor the request works on. */
    public static final long FD_OFFSET = LAYOUT.byteOffset(groupElement("fd"));
    /** Offset of {@code addr}: the buffer, or a cancel's target user data. */
    public static final long ADDR_OFFSET = LAYOUT.byteOffset(groupElement("addr"));
    /** Offset of {@code len}: the buffer's length. */
    public static final long LEN_OFFSET = LAYOUT.byteOffset(groupElement("len"));
    /** Offset of the opcode's flags word ({@code msg_flags} for SEND/RECV). */
    public static final long OP_FLAGS_OFFSET = LAYOUT.byteOffset(groupElement("op_flags"));
    /** Offset of the user data the completion carries back. */
    public static final long USER_DATA_OFFSET = LAYOUT.byteOffset(groupElement("user_data"));
    /** Offset of {@code buf_group} (u16, a union with {@code buf_index}): the provided-buffer group. */
    public static final long BUF_GROUP_OFFSET = LAYOUT.byteOffset(groupElement("buf_index"));

    /** {@code IOSQE_BUFFER_SELECT}: the kernel picks the buffer from group {@code buf_group}. */
    static final int IOSQE_BUFFER_SELECT = 1 << 5;
    /** {@code IORING_RECV_MULTISHOT} in a receive's {@code ioprio}: a completion per arrival. */
    static final int RECV_MULTISHOT = 1 << 1;

    private static final long WORDS = SIZE / Long.BYTES;

    private IoUringSqe() {
    }

    /**
     * Zeroes the SQE at {@code at} and writes the fields every opcode we use reads.
     *
     * @param sqes     the SQE array
     * @param at       the SQE's byte offset in {@code sqes}
     * @param opcode   {@code IORING_OP_*}
     * @param fd       the descriptor
     * @param addr     the buffer's address, or a cancel's target
     * @param len      the buffer's length
     * @param opFlags  the opcode's flags word
     * @param userData what the completion carries back
     * @throws IndexOutOfBoundsException if the SQE does not lie wholly in {@code sqes}
     */
    static void set(MemorySegment sqes, long at, int opcode, int fd, long addr, int len, int opFlags, long userData) {
        // Eight words rather than a slice's fill(): no segment object per SQE.
        for (long w = 0; w < WORDS; w++) {
            sqes.set(ValueLayout.JAVA_LONG, at + w * Long.BYTES, 0L);
        }
        sqes.set(ValueLayout.JAVA_BYTE, at + OPCODE_OFFSET, (byte) opcode);
        sqes.set(ValueLayout.JAVA_INT, at + FD_OFFSET, fd);
        sqes.set(ValueLayout.JAVA_LONG, at + ADDR_OFFSET, addr);
        sqes.set(ValueLayout.JAVA_INT, at + LEN_OFFSET, len);
        sqes.set(ValueLayout.JAVA_INT, at + OP_FLAGS_OFFSET, opFlags);
        sqes.set(ValueLayout.JAVA_LONG, at + USER_DATA_OFFSET, userData);
    }

    /**
     * Makes the receive SQE at {@code at} multishot on provided-buffer group {@code group}.
     *
     * @param sqes  the SQE array
     * @param at    the SQE's byte offset, written by {@link #set} with {@code IORING_OP_RECV}
     * @param group the buffer group (u16)
     */
    static void selectBufferMultishot(MemorySegment sqes, long at, int group) {
        sqes.set(ValueLayout.JAVA_BYTE, at + FLAGS_OFFSET, (byte) IOSQE_BUFFER_SELECT);
        sqes.set(ValueLayout.JAVA_SHORT, at + IOPRIO_OFFSET, (short) RECV_MULTISHOT);
        sqes.set(ValueLayout.JAVA_SHORT, at + BUF_GROUP_OFFSET, (short) group);
    }

    /** @param sqes the SQE array @param at an SQE's byte offset @return its opcode, unsigned */
    static int opcode(MemorySegment sqes, long at) {
        return Byte.toUnsignedInt(sqes.get(ValueLayout.JAVA_BYTE, at + OPCODE_OFFSET));
    }

    /** @param sqes the SQE array @param at an SQE's byte offset @return its descriptor */
    static int fd(MemorySegment sqes, long at) {
        return sqes.get(ValueLayout.JAVA_INT, at + FD_OFFSET);
    }

    /** @param sqes the SQE array @param at an SQE's byte offset @return its user data */
    static long userData(MemorySegment sqes, long at) {
        return sqes.get(ValueLayout.JAVA_LONG, at + USER_DATA_OFFSET);
    }
}
