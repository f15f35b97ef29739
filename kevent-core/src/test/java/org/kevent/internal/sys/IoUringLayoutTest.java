package org.kevent.internal.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

/**
 * The io_uring structs have the kernel's sizes and offsets ({@code include/uapi/linux/io_uring.h}:
 * {@code sizeof(struct io_uring_sqe) == 64}, {@code io_uring_cqe == 16} without CQE32,
 * {@code io_uring_params == 120}), the same on every Linux ABI; the accessors write exactly the
 * fields they name.
 */
class IoUringLayoutTest {

    @Test
    void anSqeIsSixtyFourBytesWithEveryFieldWhereTheKernelReadsIt() {
        assertThat(IoUringSqe.SIZE).isEqualTo(64);
        assertThat(IoUringSqe.OPCODE_OFFSET).isZero();
        assertThat(IoUringSqe.FLAGS_OFFSET).isEqualTo(1);
        assertThat(IoUringSqe.IOPRIO_OFFSET).isEqualTo(2);
        assertThat(IoUringSqe.FD_OFFSET).isEqualTo(4);
        assertThat(IoUringSqe.LAYOUT.byteOffset(groupElement("off"))).isEqualTo(8);
        assertThat(IoUringSqe.ADDR_OFFSET).isEqualTo(16);
        assertThat(IoUringSqe.LEN_OFFSET).isEqualTo(24);
        assertThat(IoUringSqe.OP_FLAGS_OFFSET).isEqualTo(28);
        assertThat(IoUringSqe.USER_DATA_OFFSET).isEqualTo(32);
        assertThat(IoUringSqe.BUF_GROUP_OFFSET).isEqualTo(40);
        assertThat(IoUringSqe.LAYOUT.byteOffset(groupElement("personality"))).isEqualTo(42);
        assertThat(IoUringSqe.LAYOUT.byteOffset(groupElement("splice_fd_in"))).isEqualTo(44);
        assertThat(IoUringSqe.LAYOUT.byteOffset(groupElement("addr3"))).isEqualTo(48);
        assertThat(IoUringSqe.IOSQE_BUFFER_SELECT).isEqualTo(32);
        assertThat(IoUringSqe.RECV_MULTISHOT).isEqualTo(2);
    }

    @Test
    void aCqeIsSixteenBytesOfUserDataResultAndFlags() {
        assertThat(IoUringCqe.SIZE).isEqualTo(16);
        assertThat(IoUringCqe.USER_DATA_OFFSET).isZero();
        assertThat(IoUringCqe.RES_OFFSET).isEqualTo(8);
        assertThat(IoUringCqe.FLAGS_OFFSET).isEqualTo(12);
        assertThat(IoUringCqe.F_BUFFER).isEqualTo(1);
        assertThat(IoUringCqe.F_MORE).isEqualTo(2);
        assertThat(IoUringCqe.BUFFER_SHIFT).isEqualTo(16);
    }

    @Test
    void paramsAreOneHundredTwentyBytesWithBothRingOffsetStructsAfterTheReservedWords() {
        assertThat(IoUringParams.SIZE).isEqualTo(120);
        assertThat(IoUringParams.SQ_ENTRIES_OFFSET).isZero();
        assertThat(IoUringParams.CQ_ENTRIES_OFFSET).isEqualTo(4);
        assertThat(IoUringParams.FLAGS_OFFSET).isEqualTo(8);
        assertThat(IoUringParams.FEATURES_OFFSET).isEqualTo(20);
        assertThat(IoUringParams.LAYOUT.byteOffset(groupElement("wq_fd"))).isEqualTo(24);
        assertThat(IoUringParams.LAYOUT.byteOffset(groupElement("resv"))).isEqualTo(28);
        assertThat(IoUringParams.SQ_OFF_OFFSET).isEqualTo(40);
        assertThat(IoUringParams.CQ_OFF_OFFSET).isEqualTo(80);
        assertThat(IoUringParams.SQ_OFFSETS_LAYOUT.byteSize()).isEqualTo(40);
        assertThat(IoUringParams.CQ_OFFSETS_LAYOUT.byteSize()).isEqualTo(40);
    }

    @Test
    void theRingFieldOffsetsSitWhereIoSqringAndIoCqringOffsetsPutThem() {
        assertThat(IoUringParams.SQ_HEAD_OFFSET).isEqualTo(40);
        assertThat(IoUringParams.SQ_TAIL_OFFSET).isEqualTo(44);
        assertThat(IoUringParams.SQ_RING_MASK_OFFSET).isEqualTo(48);
        assertThat(IoUringParams.SQ_RING_ENTRIES_OFFSET).isEqualTo(52);
        assertThat(IoUringParams.SQ_FLAGS_OFFSET).isEqualTo(56);
        assertThat(IoUringParams.SQ_ARRAY_OFFSET).isEqualTo(64);
        assertThat(IoUringParams.CQ_HEAD_OFFSET).isEqualTo(80);
        assertThat(IoUringParams.CQ_TAIL_OFFSET).isEqualTo(84);
        assertThat(IoUringParams.CQ_RING_MASK_OFFSET).isEqualTo(88);
        assertThat(IoUringParams.CQ_CQES_OFFSET).isEqualTo(100);
        assertThat(IoUringParams.SQ_OFFSETS_LAYOUT.byteOffset(groupElement("dropped"))).isEqualTo(20);
        assertThat(IoUringParams.CQ_OFFSETS_LAYOUT.byteOffset(groupElement("overflow"))).isEqualTo(16);
        assertThat(IoUringParams.CQ_OFFSETS_LAYOUT.byteOffset(groupElement("flags"))).isEqualTo(24);
        assertThat(IoUringParams.CQ_OFFSETS_LAYOUT.byteOffset(groupElement("user_addr"))).isEqualTo(32);
    }

    @Test
    void preparingParamsZeroesTheReservedWordsTheKernelRefusesOtherwise() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(IoUringParams.LAYOUT);
            params.fill((byte) 0xFF);
            IoUringParams.prepare(params, 0x1234, 4096);
            assertThat(IoUringParams.get(params, IoUringParams.FLAGS_OFFSET)).isEqualTo(0x1234);
            assertThat(IoUringParams.get(params, IoUringParams.CQ_ENTRIES_OFFSET)).isEqualTo(4096);
            for (long b = 0; b < IoUringParams.SIZE; b++) {
                if (b < IoUringParams.CQ_ENTRIES_OFFSET || b >= IoUringParams.FLAGS_OFFSET + 4) {
                    assertThat(params.get(ValueLayout.JAVA_BYTE, b)).as("byte %d", b).isZero();
                }
            }
        }
    }

    @Test
    void writingAnSqeLeavesNoByteOfThePreviousOneBehind() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sqes = arena.allocate(IoUringSqe.SIZE * 2);
            sqes.fill((byte) 0xA5);
            IoUringSqe.set(sqes, IoUringSqe.SIZE, IoUring.OP_SEND, 7, 0x1122334455667788L, 300, 0x4000,
                    0xDEADBEEF_CAFEBABEL);

            long at = IoUringSqe.SIZE;
            assertThat(IoUringSqe.opcode(sqes, at)).isEqualTo(IoUring.OP_SEND);
            assertThat(IoUringSqe.fd(sqes, at)).isEqualTo(7);
            assertThat(sqes.get(ValueLayout.JAVA_LONG, at + 16)).isEqualTo(0x1122334455667788L);
            assertThat(sqes.get(ValueLayout.JAVA_INT, at + 24)).isEqualTo(300);
            assertThat(sqes.get(ValueLayout.JAVA_INT, at + 28)).isEqualTo(0x4000);
            assertThat(IoUringSqe.userData(sqes, at)).isEqualTo(0xDEADBEEF_CAFEBABEL);
            assertThat(sqes.get(ValueLayout.JAVA_BYTE, at + 1)).as("flags").isZero();
            assertThat(sqes.get(ValueLayout.JAVA_SHORT, at + 2)).as("ioprio").isZero();
            assertThat(sqes.get(ValueLayout.JAVA_LONG, at + 8)).as("off").isZero();
            for (long b = 40; b < 64; b++) {
                assertThat(sqes.get(ValueLayout.JAVA_BYTE, at + b)).as("byte %d", b).isZero();
            }
            assertThat(sqes.get(ValueLayout.JAVA_BYTE, IoUringSqe.SIZE - 1)).as("the SQE before")
                    .isEqualTo((byte) 0xA5);
        }
    }

    @Test
    void aMultishotReceiveSelectsItsBufferGroupInFlagsIoprioAndBufGroup() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sqes = arena.allocate(IoUringSqe.SIZE);
            IoUringSqe.set(sqes, 0, IoUring.OP_RECV, 3, 0, 0, 0, 9);
            IoUringSqe.selectBufferMultishot(sqes, 0, 0xBEEF);
            assertThat(sqes.get(ValueLayout.JAVA_BYTE, 1)).isEqualTo((byte) (1 << 5));
            assertThat(sqes.get(ValueLayout.JAVA_SHORT, 2)).isEqualTo((short) (1 << 1));
            assertThat(Short.toUnsignedInt(sqes.get(ValueLayout.JAVA_SHORT, 40))).isEqualTo(0xBEEF);
            assertThat(IoUringSqe.userData(sqes, 0)).isEqualTo(9);
        }
    }

    @Test
    void anOpcodeAboveOneHundredTwentySevenReadsBackUnsigned() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sqes = arena.allocate(IoUringSqe.SIZE);
            IoUringSqe.set(sqes, 0, 200, -1, 0, 0, 0, 0);
            assertThat(IoUringSqe.opcode(sqes, 0)).isEqualTo(200);
            assertThat(IoUringSqe.fd(sqes, 0)).isEqualTo(-1);
        }
    }

    @Test
    void anSqeOrCqePastTheEndOfItsArrayIsRefusedNotWritten() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sqes = arena.allocate(IoUringSqe.SIZE);
            assertThatThrownBy(() -> IoUringSqe.set(sqes, IoUringSqe.SIZE, IoUring.OP_NOP, 0, 0, 0, 0, 1))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> IoUringSqe.userData(sqes, IoUringSqe.SIZE - 4))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            MemorySegment cqes = arena.allocate(IoUringCqe.SIZE);
            assertThatThrownBy(() -> IoUringCqe.flags(cqes, IoUringCqe.SIZE))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void aCqeReadsBackItsThreeFieldsAndTheBufferIdFromTheUpperHalfOfItsFlags() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cqes = arena.allocate(IoUringCqe.SIZE * 2);
            long at = IoUringCqe.SIZE;
            cqes.set(ValueLayout.JAVA_LONG, at, -2L);
            cqes.set(ValueLayout.JAVA_INT, at + 8, -Errno.ENOBUFS);
            cqes.set(ValueLayout.JAVA_INT, at + 12, 0xFFFF_0000 | IoUringCqe.F_BUFFER | IoUringCqe.F_MORE);
            assertThat(IoUringCqe.userData(cqes, at)).isEqualTo(-2L);
            assertThat(IoUringCqe.res(cqes, at)).isEqualTo(-Errno.ENOBUFS);
            int flags = IoUringCqe.flags(cqes, at);
            assertThat(flags & IoUringCqe.F_MORE).isNotZero();
            assertThat(IoUringCqe.bufferId(flags)).isEqualTo(65535);
            assertThat(IoUringCqe.bufferId(7 << IoUringCqe.BUFFER_SHIFT | IoUringCqe.F_BUFFER)).isEqualTo(7);
        }
    }
}
