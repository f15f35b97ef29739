package org.kevent.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;

import org.kevent.KeventException;

/**
 * Binding for one io_uring instance: {@code io_uring_setup}, the submission and completion rings
 * mapped as bounds-checked segments, {@code io_uring_enter}, and the {@code io_uring_register}
 * calls we use (eventfd, opcode probe).
 *
 * <pre>
 *   SQ ring (mmap)     head (kernel) .. tail (us, store-release)   entries index the SQE array
 *   SQE array (mmap)   {@link IoUringSqe}s (64 bytes), written by us
 *   CQ ring (mmap)     head (us, store-release) .. tail (kernel, load-acquire), {@link IoUringCqe}s (16 bytes)
 * </pre>
 * Where each field lies in the mappings comes from the kernel, in {@link IoUringParams}. Every
 * acquire and release on the rings names the kernel access it pairs with (the kernel's own list:
 * the comment at the top of {@code io_uring/io_uring.c}).
 *
 * <p><b>Semantics.</b> {@code prep*} methods write one SQE and return false when the submission
 * ring is full (the caller submits, then retries); nothing reaches the kernel before
 * {@link #enter}. {@link #reap} hands each completion to a {@link CompletionSink}. Every call that
 * can fail returns {@code -errno}; {@link #open} throws a {@link KeventException} naming the call.
 * Buffers passed to {@code prepSend}/{@code prepRecv} must be direct; the caller keeps them
 * reachable until their completion is reaped.
 *
 * <p><b>Threading.</b> Not thread-safe: one owner at a time (the queue lock). With
 * {@link #SETUP_SINGLE_ISSUER} every submission must come from the thread that made the first one.
 *
 * <p><b>Caveats.</b> {@link #close} unmaps the rings: call it only once nothing is in flight (or
 * accept that the kernel cancels what is), and never twice (a second call does nothing).
 */
public final class IoUring implements AutoCloseable {
    // io_uring_setup flags (linux/io_uring.h)
    /** Clamp entries to the maximum instead of failing. */
    public static final int SETUP_CLAMP = 1 << 4;
    /** Created disabled: the task that enables it ({@link #enable}) is its single issuer. */
    public static final int SETUP_R_DISABLED = 1 << 6;
    /** {@code cq_entries} in the params is valid. */
    public static final int SETUP_CQSIZE = 1 << 3;
    /** Keep submitting a batch past a failed SQE. */
    public static final int SETUP_SUBMIT_ALL = 1 << 7;
    /** Do not interrupt a running task to post completions. */
    public static final int SETUP_COOP_TASKRUN = 1 << 8;
    /** Set {@link #SQ_TASKRUN} when completions wait for the task to enter the kernel. */
    public static final int SETUP_TASKRUN_FLAG = 1 << 9;
    /** One task submits. */
    public static final int SETUP_SINGLE_ISSUER = 1 << 12;
    /**
     * Run completion work only when the issuer asks for events; needs SINGLE_ISSUER. An issuer
     * asleep in epoll hears of such work only through a registered eventfd, which Linux 6.18
     * signals after an RCU grace period (~15 ms): the engine does not use it (issue 12).
     */
    public static final int SETUP_DEFER_TASKRUN = 1 << 13;
    /** No SQ index array: SQEs are consumed in ring order (6.6+). */
    public static final int SETUP_NO_SQARRAY = 1 << 16;

    // feature bits
    /** SQ and CQ rings share one mapping. */
    public static final int FEAT_SINGLE_MMAP = 1;
    /** Completions are never dropped when the CQ is full; they wait in an overflow list. */
    public static final int FEAT_NODROP = 1 << 1;
    /** {@code io_uring_enter} takes {@code IORING_ENTER_EXT_ARG}: a wait with a timeout (5.11). */
    public static final int FEAT_EXT_ARG = 1 << 8;

    // opcodes
    /** No operation. */
    public static final int OP_NOP = 0;
    /** poll(2) on one descriptor; multishot with {@code IORING_POLL_ADD_MULTI} (5.13). */
    public static final int OP_POLL_ADD = 6;
    /** Cancel requests. */
    public static final int OP_ASYNC_CANCEL = 14;
    /** send(2). */
    public static final int OP_SEND = 26;
    /** recv(2). */
    public static final int OP_RECV = 27;
    /** Highest opcode the probe asks about. */
    private static final int PROBE_OPS = 256;

    // SQ ring flags
    /** The CQ overflowed: completions wait in the kernel until an enter with GETEVENTS. */
    public static final int SQ_CQ_OVERFLOW = 1 << 1;
    /** Completion work waits for an enter with GETEVENTS. */
    public static final int SQ_TASKRUN = 1 << 2;

    // enter flags
    private static final int ENTER_GETEVENTS = 1;
    private static final int ENTER_EXT_ARG = 1 << 3;
    /** {@code len} of a POLL_ADD: stay armed, a completion per wake-up ({@code IORING_POLL_ADD_MULTI}). */
    private static final int POLL_ADD_MULTI = 1;
    /** Bytes of {@code struct io_uring_getevents_arg}: sigmask u64, sigmask_sz u32, min_wait_usec u32, ts u64. */
    private static final int GETEVENTS_ARG_SIZE = 24;

    // register opcodes
    private static final int REGISTER_EVENTFD = 4;
    private static final int REGISTER_PROBE = 8;
    private static final int REGISTER_ENABLE_RINGS = 12;
    private static final int REGISTER_PBUF_RING = 22;
    private static final int UNREGISTER_PBUF_RING = 23;

    // mmap
    private static final long OFF_SQ_RING = 0;
    private static final long OFF_CQ_RING = 0x8000000L;
    private static final long OFF_SQES = 0x10000000L;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;

    // syscall numbers (x86_64; the same on every arch since 5.1's unification)
    private static final long SYS_SETUP = 425;
    private static final long SYS_ENTER = 426;
    private static final long SYS_REGISTER = 427;

    private static final VarHandle INT = JAVA_INT.varHandle();

    /** Receives completions from {@link #reap}. */
    public interface CompletionSink {
        /**
         * One completion.
         *
         * @param userData the SQE's user data
         * @param result   bytes, or {@code -errno}
         * @param flags    {@code IORING_CQE_F_*}
         */
        void complete(long userData, int result, int flags);
    }

    private final int fd;
    private final int setupFlags;
    private final int features;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final long sqRingSize;
    private final long cqRingSize;
    private final long sqesSize;
    private final int sqMask;
    private final int sqEntries;
    private final int cqMask;
    private final long sqHeadOff;
    private final long sqTailOff;
    private final long sqFlagsOff;
    private final long cqHeadOff;
    private final long cqTailOff;
    private final long cqesOff;
    private final IoBuffers.AddressCache addresses = new IoBuffers.AddressCache();
    /** Our copy of the SQ tail: SQEs up to it are written; the kernel sees them after {@link #enter}. */
    private int sqTail;
    /** SQ tail as published to the kernel. */
    private int sqPublished;
    /** {@code io_uring_enter} calls of {@link #enter} (under its caller's lock). */
    private long enters;
    /** {@code io_uring_enter} calls of {@link #awaitCompletion} (the owner's thread only). */
    private long awaits;
    private int cqHead;
    private boolean closed;

    private IoUring(int fd, int setupFlags, int features, MemorySegment params, MemorySegment sqRing,
                    MemorySegment cqRing, MemorySegment sqes, long sqRingSize, long cqRingSize, long sqesSize) {
        this.fd = fd;
        this.setupFlags = setupFlags;
        this.features = features;
        this.sqRing = sqRing;
        this.cqRing = cqRing;
        this.sqes = sqes;
        this.sqRingSize = sqRingSize;
        this.cqRingSize = cqRingSize;
        this.sqesSize = sqesSize;
        this.sqHeadOff = IoUringParams.get(params, IoUringParams.SQ_HEAD_OFFSET);
        this.sqTailOff = IoUringParams.get(params, IoUringParams.SQ_TAIL_OFFSET);
        this.sqFlagsOff = IoUringParams.get(params, IoUringParams.SQ_FLAGS_OFFSET);
        this.sqMask = sqRing.get(JAVA_INT, IoUringParams.get(params, IoUringParams.SQ_RING_MASK_OFFSET));
        this.sqEntries = sqRing.get(JAVA_INT, IoUringParams.get(params, IoUringParams.SQ_RING_ENTRIES_OFFSET));
        this.cqHeadOff = IoUringParams.get(params, IoUringParams.CQ_HEAD_OFFSET);
        this.cqTailOff = IoUringParams.get(params, IoUringParams.CQ_TAIL_OFFSET);
        this.cqesOff = IoUringParams.get(params, IoUringParams.CQ_CQES_OFFSET);
        this.cqMask = cqRing.get(JAVA_INT, IoUringParams.get(params, IoUringParams.CQ_RING_MASK_OFFSET));
        // Both indices are 0 on a new ring, and no kernel side has run yet: the acquires pair
        // with nothing and only read what io_uring_setup wrote before the mmap.
        this.sqTail = (int) INT.getAcquire(sqRing, sqTailOff);
        this.sqPublished = sqTail;
        this.cqHead = (int) INT.getAcquire(cqRing, cqHeadOff);
        if ((setupFlags & SETUP_NO_SQARRAY) == 0) {
            // Identity mapping once: SQE k always sits in slot k, so the array never changes again.
            long array = IoUringParams.get(params, IoUringParams.SQ_ARRAY_OFFSET);
            for (int k = 0; k < sqEntries; k++) {
                sqRing.set(JAVA_INT, array + 4L * k, k);
            }
        }
    }

    /**
     * Creates an io_uring, dropping flags the kernel does not know (EINVAL) one group at a time:
     * NO_SQARRAY first, then SINGLE_ISSUER with DEFER_TASKRUN and R_DISABLED, then COOP_TASKRUN
     * with TASKRUN_FLAG, then SUBMIT_ALL.
     *
     * @param entries   submission ring size (a power of two; clamped by the kernel)
     * @param cqEntries completion ring size, at least {@code entries}
     * @param flags     {@code SETUP_*} flags wanted
     * @return the ring
     * @throws KeventException naming {@code io_uring_setup} ({@code ENOSYS}, {@code EPERM} when
     *                         {@code kernel.io_uring_disabled} refuses us, {@code ENOMEM}, ...),
     *                         {@code mmap} or {@code io_uring_register}
     */
    public static IoUring open(int entries, int cqEntries, int flags) {
        int[] drops = {SETUP_NO_SQARRAY, SETUP_DEFER_TASKRUN | SETUP_SINGLE_ISSUER | SETUP_R_DISABLED,
            SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG, SETUP_SUBMIT_ALL};
        int want = flags | SETUP_CQSIZE | SETUP_CLAMP;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(IoUringParams.LAYOUT);
            int ringFd;
            int d = 0;
            for (;;) {
                IoUringParams.prepare(params, want, cqEntries);
                ringFd = (int) syscall3(SYS_SETUP, entries, params.address(), 0);
                if (ringFd != -Errno.EINVAL || d == drops.length) {
                    break;
                }
                while (d < drops.length && (want & drops[d]) == 0) {
                    d++;
                }
                if (d == drops.length) {
                    break;
                }
                want &= ~drops[d++];
            }
            if (ringFd < 0) {
                throw Errno.exception("io_uring_setup", -ringFd, "flags 0x" + Integer.toHexString(want));
            }
            return map(ringFd, want, params);
        }
    }

    private static IoUring map(int ringFd, int flags, MemorySegment params) {
        int features = IoUringParams.get(params, IoUringParams.FEATURES_OFFSET);
        int sqEntries = IoUringParams.get(params, IoUringParams.SQ_ENTRIES_OFFSET);
        int cqEntries = IoUringParams.get(params, IoUringParams.CQ_ENTRIES_OFFSET);
        long sqSize = (flags & SETUP_NO_SQARRAY) != 0
                ? IoUringParams.get(params, IoUringParams.SQ_FLAGS_OFFSET) + 8L
                : IoUringParams.get(params, IoUringParams.SQ_ARRAY_OFFSET) + 4L * sqEntries;
        long cqSize = IoUringParams.get(params, IoUringParams.CQ_CQES_OFFSET) + IoUringCqe.SIZE * cqEntries;
        boolean single = (features & FEAT_SINGLE_MMAP) != 0;
        if (single) {
            sqSize = cqSize = Math.max(sqSize, cqSize);
        }
        MemorySegment sq = mmap(sqSize, ringFd, OFF_SQ_RING);
        if (sq == null) {
            Fd.close(ringFd);
            throw Errno.exception("mmap", Errno.ENOMEM, "io_uring SQ ring of " + sqSize + " bytes");
        }
        MemorySegment cq = single ? sq : mmap(cqSize, ringFd, OFF_CQ_RING);
        long sqesSize = IoUringSqe.SIZE * sqEntries;
        MemorySegment sqes = cq == null ? null : mmap(sqesSize, ringFd, OFF_SQES);
        if (cq == null || sqes == null) {
            munmap(sq, sqSize);
            if (cq != null && !single) {
                munmap(cq, cqSize);
            }
            Fd.close(ringFd);
            throw Errno.exception("mmap", Errno.ENOMEM, "io_uring rings");
        }
        return new IoUring(ringFd, flags, features, params, sq, cq, sqes, sqSize, single ? 0 : cqSize, sqesSize);
    }

    /** @return the ring's descriptor: readable (poll/epoll) while completions are waiting */
    public int fd() {
        return fd;
    }

    /** @return the setup flags the kernel accepted */
    public int setupFlags() {
        return setupFlags;
    }

    /** @return the kernel's {@code IORING_FEAT_*} bits */
    public int features() {
        return features;
    }

    /** @return submission ring size */
    public int sqEntries() {
        return sqEntries;
    }

    /**
     * Asks the kernel which opcodes it supports.
     *
     * @param opcodes the opcodes we need
     * @return 0 if all are supported, the first unsupported opcode + 1000, or {@code -errno}
     */
    public int probe(int... opcodes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(16 + 8L * PROBE_OPS, 8);
            int r = (int) syscall4(SYS_REGISTER, fd, REGISTER_PROBE, p.address(), PROBE_OPS);
            if (r < 0) {
                return r;
            }
            int opsLen = Byte.toUnsignedInt(p.get(JAVA_BYTE, 1));
            for (int op : opcodes) {
                if (op >= opsLen || (p.get(JAVA_SHORT, 16 + 8L * op + 2) & 1) == 0) {
                    return 1000 + op;
                }
            }
            return 0;
        }
    }

    /**
     * Enables a ring set up with {@link #SETUP_R_DISABLED}; with {@link #SETUP_SINGLE_ISSUER} the
     * calling thread becomes the only one allowed to submit (and, with DEFER_TASKRUN, to reap).
     *
     * @return 0 or {@code -errno}
     */
    public int enable() {
        return (int) syscall4(SYS_REGISTER, fd, REGISTER_ENABLE_RINGS, 0, 0);
    }

    /**
     * Turns every SQE written but not yet submitted that names {@code targetFd} into a no-op (its
     * user data kept, so it still completes, with 0): a descriptor about to be closed by a thread
     * that may not submit must not be reached through a stale SQE once its number is reused.
     *
     * @param targetFd the descriptor
     * @return how many SQEs were neutralized
     */
    public int neutralizePending(int targetFd) {
        int n = 0;
        for (int k = sqPublished; k != sqTail; k++) {
            long base = IoUringSqe.SIZE * (k & sqMask);
            int op = IoUringSqe.opcode(sqes, base);
            if (op != OP_ASYNC_CANCEL && op != OP_NOP && IoUringSqe.fd(sqes, base) == targetFd) {
                // Everything else zero: 6.x reads NOP flags from the op-flags word.
                IoUringSqe.set(sqes, base, OP_NOP, 0, 0, 0, 0, IoUringSqe.userData(sqes, base));
                n++;
            }
        }
        return n;
    }

    /**
     * Makes the kernel signal {@code eventFd} whenever a completion is posted — with
     * {@link #SETUP_DEFER_TASKRUN}, when completion work is queued, and then late (see there).
     *
     * @param eventFd an eventfd
     * @return 0 or {@code -errno}
     */
    public int registerEventFd(int eventFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(JAVA_INT);
            arg.set(JAVA_INT, 0, eventFd);
            return (int) syscall4(SYS_REGISTER, fd, REGISTER_EVENTFD, arg.address(), 1);
        }
    }

    // ------------------------------------------------------------------------------ submission

    /** @return SQEs written but not yet submitted */
    public int pending() {
        return sqTail - sqPublished;
    }

    /** @return free SQ slots */
    public int sqSpace() {
        // Acquire pairs with the kernel's smp_store_release of sq.head in io_commit_sqring(),
        // made once it has read the SQEs before the head: a slot the head has passed may be
        // rewritten, and our writes to it cannot move before this load.
        return sqEntries - (sqTail - (int) INT.getAcquire(sqRing, sqHeadOff));
    }

    /**
     * Writes one SQE — the fields every opcode we use needs, the rest zero — and counts it.
     *
     * @return false if the submission ring is full
     */
    private boolean prep(int opcode, int fd, long address, int length, int opFlags, long userData) {
        if (sqSpace() <= 0) {
            return false;
        }
        IoUringSqe.set(sqes, IoUringSqe.SIZE * (sqTail & sqMask), opcode, fd, address, length, opFlags, userData);
        sqTail++;
        return true;
    }

    /**
     * Queues a {@code send} of {@code length} bytes of a direct buffer from absolute index
     * {@code index}, which must lie at or after the buffer's position and end by its limit.
     *
     * @return false if the submission ring is full
     */
    public boolean prepSend(int sockFd, ByteBuffer buffer, int index, int length, int msgFlags, long userData) {
        return prepBufferOp(OP_SEND, sockFd, buffer, index, length, msgFlags, userData);
    }

    /**
     * Queues a {@code recv} into a direct buffer from absolute index {@code index} (bounds as
     * {@link #prepSend}).
     *
     * @return false if the submission ring is full
     */
    public boolean prepRecv(int sockFd, ByteBuffer buffer, int index, int length, int msgFlags, long userData) {
        return prepBufferOp(OP_RECV, sockFd, buffer, index, length, msgFlags, userData);
    }

    /**
     * Queues a multishot {@code recv}: it stays armed and posts a completion (flag
     * {@link IoUringCqe#F_MORE}) each time data arrives, in a buffer the kernel takes from provided
     * buffer group {@code group} ({@link IoUringCqe#F_BUFFER}); a completion without {@code F_MORE}
     * ends it ({@code -ENOBUFS} when the group ran dry, 0 at end of stream, {@code -errno}).
     *
     * @return false if the submission ring is full
     */
    public boolean prepRecvMultishot(int sockFd, int group, long userData) {
        if (!prep(OP_RECV, sockFd, 0, 0, 0, userData)) {
            return false;
        }
        IoUringSqe.selectBufferMultishot(sqes, IoUringSqe.SIZE * ((sqTail - 1) & sqMask), group);
        return true;
    }

    private boolean prepBufferOp(int op, int sockFd, ByteBuffer buffer, int index, int length, int msgFlags,
                                 long userData) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("io_uring needs a direct buffer");
        }
        // Bounds-checked against the buffer: the kernel must never reach past it.
        boolean queued = prep(op, sockFd, IoBuffers.address(addresses, buffer, index, length), length, msgFlags,
                userData);
        Reference.reachabilityFence(buffer);
        return queued;
    }

    /**
     * Queues a cancel of the request whose user data is {@code target}.
     *
     * @return false if the submission ring is full
     */
    public boolean prepCancel(long target, long userData) {
        return prep(OP_ASYNC_CANCEL, -1, target, 0, 0, userData);
    }

    /**
     * Queues a multishot poll of {@code pollFd}: it stays armed and posts a completion (flag
     * {@link IoUringCqe#F_MORE}, the ready mask as its result) each time the descriptor is woken
     * with one of {@code pollEvents} ready, and once at arming if it is ready then. A completion
     * without {@code F_MORE} ends it (the CQ overflowed, a cancel, an error, or a wake-up from
     * this ring's own completions when the ring's descriptor sits in {@code pollFd}'s epoll set).
     * Like any poll it reports wake-ups, not levels: readiness left over from before the last
     * completion does not post again.
     *
     * @return false if the submission ring is full
     */
    public boolean prepPollMultishot(int pollFd, int pollEvents, long userData) {
        return prep(OP_POLL_ADD, pollFd, 0, POLL_ADD_MULTI, pollEvents, userData);
    }

    /**
     * Queues a no-op.
     *
     * @return false if the submission ring is full
     */
    public boolean prepNop(long userData) {
        return prep(OP_NOP, 0, 0, 0, 0, userData);
    }

    /**
     * Hands the queued SQEs to the kernel, and with {@code getEvents} also runs pending
     * completion work (needed with DEFER_TASKRUN, TASKRUN_FLAG and after a CQ overflow) and waits
     * for {@code minComplete} completions.
     *
     * @param getEvents   whether to ask for completions
     * @param minComplete completions to wait for (with {@code getEvents})
     * @return SQEs consumed, or {@code -errno} ({@code -EBUSY}/{@code -EAGAIN}: reap first)
     */
    public int enter(boolean getEvents, int minComplete) {
        enters++;
        int toSubmit = sqTail - sqPublished;
        if (toSubmit > 0) {
            // Release pairs with the kernel's smp_load_acquire of sq.tail in io_sqring_entries()
            // (io_submit_sqes(), run by this enter): every SQE written before is seen whole.
            INT.setRelease(sqRing, sqTailOff, sqTail);
            sqPublished = sqTail;
        }
        int r;
        do {
            r = (int) enter(fd, toSubmit, minComplete, getEvents ? ENTER_GETEVENTS : 0);
            // An interrupted wait consumed nothing it reports: resubmitting 0 is harmless.
        } while (r == -Errno.EINTR && toSubmit == 0);
        return r;
    }

    /**
     * Sleeps in the ring until a completion is in the CQ ring, the timeout, or a signal; runs the
     * completion work that waits for this thread on the way. Submits nothing and touches no field
     * but its own counter (only the ring's owner waits here), so it may run without the lock that
     * guards the rings while other threads write SQEs (they are published by {@link #enter}, under
     * that lock).
     *
     * @param timeoutNanos negative: no limit; else at most this long (nanosecond resolution)
     * @return 0, or {@code -errno}: {@code -ETIME} (the timeout), {@code -EINTR} (a signal), and
     *         {@code -EBUSY}/{@code -EAGAIN} (reap first) are ordinary ends of the wait
     */
    public int awaitCompletion(long timeoutNanos) {
        awaits++;
        Native.Scratch s = Native.scratch();
        // struct io_uring_getevents_arg, then the timespec it points to, in the thread's scratch.
        MemorySegment arg = s.struct;
        arg.set(JAVA_LONG, 0, 0L);
        arg.set(JAVA_LONG, 8, 0L);
        if (timeoutNanos >= 0) {
            Timespec.set(arg, GETEVENTS_ARG_SIZE, timeoutNanos);
            arg.set(JAVA_LONG, 16, arg.address() + GETEVENTS_ARG_SIZE);
        } else {
            arg.set(JAVA_LONG, 16, 0L);
        }
        int flags = ENTER_GETEVENTS | ENTER_EXT_ARG;
        try {
            long r = (long) FastSyscall.HANDLE.invokeExact(SYS_ENTER, (long) fd, 0L, 1L, (long) flags,
                    arg.address(), (long) GETEVENTS_ARG_SIZE);
            if (r != -1) {
                return (int) r;
            }
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        // As in enter(): ask again, capturing errno and without waiting, to learn why (an
        // interrupted or timed-out wait then reads as -ETIME, an ordinary end).
        Timespec.set(arg, GETEVENTS_ARG_SIZE, 0);
        arg.set(JAVA_LONG, 16, arg.address() + GETEVENTS_ARG_SIZE);
        try {
            return (int) Native.result((long) Syscall.HANDLE.invokeExact(s.errno, SYS_ENTER, (long) fd, 0L, 1L,
                    (long) flags, arg.address(), (long) GETEVENTS_ARG_SIZE), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * @return calls of {@link #enter} and {@link #awaitCompletion} so far, one {@code io_uring_enter}
     *         each (a retry after {@code EINTR} or the errno look after a failure is not counted
     *         apart); a snapshot that may lag a call under way on another thread
     */
    public long enterCalls() {
        return enters + awaits;
    }

    /** @return the SQ ring's flags ({@link #SQ_CQ_OVERFLOW}, {@link #SQ_TASKRUN}) */
    public int sqFlags() {
        // The kernel sets these bits with atomic_or() and clears them with atomic_andnot(),
        // neither a release: nothing to pair with (liburing reads them with READ_ONCE). Acquire
        // only keeps the CQ reads that act on a flag from moving before it.
        return (int) INT.getAcquire(sqRing, sqFlagsOff);
    }

    // ------------------------------------------------------------------------------ completion

    /** @return completions waiting in the CQ ring */
    public int ready() {
        // Acquire pairs with the kernel's smp_store_release of cq.tail in io_commit_cqring().
        return (int) INT.getAcquire(cqRing, cqTailOff) - cqHead;
    }

    /**
     * Hands every completion now in the CQ ring to {@code sink}, oldest first, and frees their slots.
     *
     * @param sink where the completions go
     * @return how many
     */
    public int reap(CompletionSink sink) {
        int head = cqHead;
        // Acquire pairs with the kernel's smp_store_release of cq.tail in io_commit_cqring(),
        // which follows its CQE writes: every CQE before the tail read here is seen whole.
        int tail = (int) INT.getAcquire(cqRing, cqTailOff);
        int n = 0;
        while (head != tail) {
            long c = cqesOff + IoUringCqe.SIZE * (head & cqMask);
            long userData = IoUringCqe.userData(cqRing, c);
            int res = IoUringCqe.res(cqRing, c);
            int flags = IoUringCqe.flags(cqRing, c);
            head++;
            n++;
            // Free the slot before the sink runs: the sink may submit, and the kernel may post.
            cqHead = head;
            // Release pairs with the kernel's READ_ONCE of cq.head when it looks for a free slot
            // (io_cqe_cache_refill()), whose CQE write depends on that read (the control
            // dependency the kernel's own comment names): our reads of the slot come first.
            INT.setRelease(cqRing, cqHeadOff, head);
            sink.complete(userData, res, flags);
            if (head == tail) {
                // The same pairing as the first read of the tail above.
                tail = (int) INT.getAcquire(cqRing, cqTailOff);
            }
        }
        return n;
    }

    /** Unmaps the rings and closes the descriptor. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        munmap(sqes, sqesSize);
        if (cqRingSize != 0) {
            munmap(cqRing, cqRingSize);
        }
        munmap(sqRing, sqRingSize);
        Fd.close(fd);
    }

    // ------------------------------------------------------------------------------ provided buffers

    /**
     * Registers a ring of provided buffers ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19): the
     * {@code count} buffers of {@code size} bytes that tile {@code slab}, buffer {@code k} at
     * offset {@code k * size}, handed to the kernel later by {@link BufferRing#provide}.
     *
     * @param group the buffer group id SQEs name
     * @param slab  direct memory the caller keeps reachable for the ring's life
     * @param count buffers, a power of two up to 32768
     * @param size  bytes per buffer
     * @return the ring, or null if this kernel has no provided-buffer rings ({@code EINVAL})
     * @throws KeventException naming {@code io_uring_register} for any other refusal
     */
    public BufferRing registerBufferRing(int group, ByteBuffer slab, int count, int size) {
        if (Integer.bitCount(count) != 1 || count > 32768 || size <= 0 || !slab.isDirect()
                || (long) count * size > slab.capacity() || slab.position() != 0) {
            throw new IllegalArgumentException("buffer ring of " + count + " × " + size + " B in " + slab.capacity() + " B");
        }
        // The kernel wants the ring page-aligned; direct memory the collector frees keeps it valid
        // for as long as anyone holds this object, even past an unregister.
        // alignedSlice rounds both ends to the alignment: ask for whole pages plus one.
        int bytes = (BufferRing.ENTRY_SIZE * count + PAGE - 1) & -PAGE;
        ByteBuffer ringMemory = ByteBuffer.allocateDirect(bytes + PAGE).alignedSlice(PAGE);
        MemorySegment entries = MemorySegment.ofBuffer(ringMemory);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = arena.allocate(40, 8);
            reg.set(JAVA_LONG, 0, entries.address());
            reg.set(JAVA_INT, 8, count);
            reg.set(JAVA_SHORT, 12, (short) group);
            int r = (int) syscall4(SYS_REGISTER, fd, REGISTER_PBUF_RING, reg.address(), 1);
            if (r == -Errno.EINVAL) {
                return null;
            }
            if (r < 0) {
                throw Errno.exception("io_uring_register", -r, "IORING_REGISTER_PBUF_RING");
            }
        }
        return new BufferRing(this, group, ringMemory, entries, slab, count, size);
    }

    private static final int PAGE = 4096;

    /**
     * A registered ring of provided buffers: {@code count} entries of {@code struct io_uring_buf},
     * the tail sharing entry 0's last field ({@code struct io_uring_buf_ring}).
     *
     * <pre>
     *   entry k (16 B)   addr u64 @0 | len u32 @8 | bid u16 @12 | resv u16 @14 (entry 0: the tail)
     *   registration     io_uring_buf_reg: ring_addr u64 @0 | ring_entries u32 @8 | bgid u16 @12 | flags u16 @14 | resv
     * </pre>
     *
     * {@link #provide} writes an entry at our tail;
     * {@link #publish} makes every written entry visible to the kernel (store-release of the
     * tail, which lives in the first entry's last two bytes). Not thread-safe (the queue lock).
     */
    public static final class BufferRing {
        static final int ENTRY_SIZE = 16;
        private static final long TAIL = 14;
        private final IoUring ring;
        private final int group;
        @SuppressWarnings("unused") // keeps the ring's memory alive while the kernel may read it
        private final ByteBuffer memory;
        private final MemorySegment entries;
        /** Held so the collector cannot free the buffers' memory while the kernel may write it. */
        private final ByteBuffer slab;
        private final long slabBase;
        private final int mask;
        private final int size;
        private final int count;
        private int tail;
        private boolean registered = true;

        private BufferRing(IoUring ring, int group, ByteBuffer memory, MemorySegment entries, ByteBuffer slab,
                           int count, int size) {
            this.ring = ring;
            this.group = group;
            this.memory = memory;
            this.entries = entries;
            this.slab = slab;
            this.slabBase = MemorySegment.ofBuffer(slab).address();
            this.mask = count - 1;
            this.count = count;
            this.size = size;
        }

        /** @return the group id SQEs name */
        public int group() {
            return group;
        }

        /**
         * Queues buffer {@code id} for the kernel (visible after {@link #publish}).
         *
         * @throws IndexOutOfBoundsException unless {@code 0 <= id < count}
         */
        public void provide(int id) {
            java.util.Objects.checkIndex(id, count);
            long e = (long) ENTRY_SIZE * (tail & mask);
            // The tail shares entry 0's last two bytes: write only addr, len and bid.
            entries.set(JAVA_LONG, e, slabBase + (long) id * size);
            entries.set(JAVA_INT, e + 8, size);
            entries.set(JAVA_SHORT, e + 12, (short) id);
            tail++;
        }

        /** Makes every provided buffer visible to the kernel. */
        public void publish() {
            // Release pairs with the kernel's smp_load_acquire of this tail when it selects a
            // buffer (io_ring_buffer_select): the entries written above are seen whole.
            SHORT.setRelease(entries, TAIL, (short) tail);
        }

        /** Unregisters the ring (before the io_uring closes). Idempotent. */
        public void unregister() {
            if (!registered || ring.closed) {
                registered = false;
                return;
            }
            registered = false;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment reg = arena.allocate(40, 8);
                reg.set(JAVA_SHORT, 12, (short) group);
                syscall4(SYS_REGISTER, ring.fd, UNREGISTER_PBUF_RING, reg.address(), 1);
            }
        }
    }

    private static final VarHandle SHORT = JAVA_SHORT.varHandle();

    // ------------------------------------------------------------------------------ syscalls

    private static MemorySegment mmap(long size, int fd, long offset) {
        Native.Scratch s = Native.scratch();
        try {
            MemorySegment p = (MemorySegment) Mmap.HANDLE.invokeExact(s.errno, MemorySegment.NULL, size,
                    PROT_READ_WRITE, MAP_SHARED_POPULATE, fd, offset);
            if (p.address() == -1L || p.address() == 0) {
                return null;
            }
            return p.reinterpret(size);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static void munmap(MemorySegment segment, long size) {
        Native.Scratch s = Native.scratch();
        try {
            int r = (int) Munmap.HANDLE.invokeExact(s.errno, segment, size);
            assert r == 0;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static long syscall3(long nr, long a, long b, long c) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((long) Syscall.HANDLE.invokeExact(s.errno, nr, a, b, c, 0L, 0L, 0L), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static long syscall4(long nr, long a, long b, long c, long d) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((long) Syscall.HANDLE.invokeExact(s.errno, nr, a, b, c, d, 0L, 0L), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static long enter(int fd, int toSubmit, int minComplete, int flags) {
        // Without errno capture first: capturing costs a segment per call that C2 does not always
        // remove, on the path every loop turn takes. io_uring_enter fails only when it consumed
        // no SQE, so on -1 the same call can be made again, with capture and without waiting,
        // to learn the errno (an EINTR then reads as a short wait, as the caller expects).
        try {
            long r = (long) FastSyscall.HANDLE.invokeExact(SYS_ENTER, (long) fd, (long) toSubmit,
                    (long) minComplete, (long) flags, 0L, 0L);
            if (r != -1) {
                return r;
            }
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((long) Syscall.HANDLE.invokeExact(s.errno, SYS_ENTER, (long) fd, (long) toSubmit,
                    0L, (long) flags, 0L, 0L), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code long syscall(long nr, ...)}: six word arguments cover every call we make; may block. */
    private static final class Syscall {
        static final MethodHandle HANDLE = Native.variadicDowncall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                        JAVA_LONG), 1);
    }

    /** {@code long syscall(long nr, ...)} without errno capture, for {@code io_uring_enter}'s fast path. */
    private static final class FastSyscall {
        static final MethodHandle HANDLE = Native.LINKER.downcallHandle(Native.LIBC.findOrThrow("syscall"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                        JAVA_LONG), java.lang.foreign.Linker.Option.firstVariadicArg(1));
    }

    /** {@code void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)}. */
    private static final class Mmap {
        static final MethodHandle HANDLE = Native.downcall("mmap",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), false);
    }

    /** {@code int munmap(void *addr, size_t len)}. */
    private static final class Munmap {
        static final MethodHandle HANDLE = Native.downcall("munmap",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), true);
    }
}
