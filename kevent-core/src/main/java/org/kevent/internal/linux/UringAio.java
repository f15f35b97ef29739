package org.kevent.internal.linux;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.IoUring;
import org.kevent.internal.sys.IoUringCqe;
import org.kevent.internal.sys.Sockets;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.SourceKind;
import org.kevent.internal.queue.FdWatchers;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.source.aio.Aio;
import org.kevent.internal.source.aio.AioBackend;
import org.kevent.internal.source.aio.AioOp;
import org.kevent.internal.source.aio.AioSocket;
import org.kevent.internal.source.aio.RecvPool;

/**
 * Network AIO on io_uring: {@code IORING_OP_SEND}/{@code RECV} on the caller's direct buffer (or
 * a staging buffer for heap ones), multishot {@code RECV} on a provided-buffer ring, and sendfile
 * as {@code sendfile(2)} — zero-copy from the page cache — resumed by an edge of the queue's epoll
 * whenever the socket's buffer was full.
 *
 * <h2>Semantics</h2>
 * SQEs are written under the queue lock. Those made by the thread that last took events from the
 * queue (an event loop) reach the kernel in one batch right before that thread waits again, so a
 * loop that answers 64 events submits 64 requests with one {@code io_uring_enter}; any other
 * thread's go at once, as do all while a thread already waits in the kernel, while the queue's
 * readiness fd is exported, and when the ring is full. The ring's descriptor sits in the queue's epoll set: completions wake
 * the waiting thread itself, no extra thread (an owner that waits in the ring itself takes it
 * out, below). A user data word is {@code id << 1} for a request's
 * operation, 1 for our own cancels (whose results say nothing), 3 for the poll of the epoll set.
 *
 * <p>Every ring is {@code SUBMIT_ALL}. A single-issuer queue's ring is also
 * {@code SINGLE_ISSUER | R_DISABLED | COOP_TASKRUN | TASKRUN_FLAG}: created disabled, it is
 * enabled by its owner's first submission, which makes that thread the one that submits; the
 * kernel runs completion work on it at its next system call instead of interrupting it, and a
 * sleeping owner is woken at once, as the kernel wakes it for the work. Any other queue's ring has
 * none of those flags: any thread may wait. A kernel that refuses a flag (before 6.0 for
 * SINGLE_ISSUER) gets the ring without it ({@link IoUring#open}), and the queue behaves as one
 * without a single issuer.
 *
 * <h2>Waiting in the ring</h2>
 * The owner of a single-issuer ring, a platform thread waiting alone on a queue whose readiness fd
 * was never exported, waits in the ring instead ({@link #kernelWait}: {@code io_uring_enter} with
 * {@code GETEVENTS | EXT_ARG}, one completion, the wait's timeout), so a loop turn is one system
 * call, as in a C io_uring loop. Everything else that ends a queue's wait goes through epoll (the
 * wake-up eventfd that {@code wakeup()}, interrupts and close write; the timerfd; watched
 * descriptors), so the ring holds a multishot {@code POLL_ADD} of the epoll descriptor. While it
 * does, the ring's own descriptor is out of the epoll set: each completion would wake that poll
 * through it, and the kernel ends a poll woken by its own ring ({@code EPOLL_URING_WAKE}). A
 * harvest asks epoll ({@code epoll_wait(0)}) only when the poll fired since a harvest found the
 * set empty: a poll reports wake-ups, not levels, and once an empty answer is seen every later
 * readiness (a callback, an ADD or MOD that finds the descriptor ready) wakes it; a non-empty
 * answer may leave a level descriptor, or the rest of a full batch, in epoll's ready list with no
 * new wake-up, so the next harvest asks again; and the owner sleeps in the ring only while the
 * last harvest found the set empty and the poll has not fired since ({@link #kernelWait}): a poll
 * completion reaped after that harvest is a wake-up already spent. Exporting the readiness fd ends this for good (the
 * descriptor goes back, the poll is cancelled): an outside watcher must see completions in epoll.
 * A kernel without {@code EXT_ARG} (5.11) or a poll it refuses keeps the epoll wait.
 *
 * <h2>Caveats</h2>
 * No {@code DEFER_TASKRUN}: with it completion work waits until the owner enters the ring, and an
 * owner asleep in epoll (a virtual thread, an exported queue: see above) learns of it only through
 * a registered eventfd, which Linux 6.18 signals for such work only after an RCU grace period —
 * one request at a time then took ~15 ms (issue 12; docs/DESIGN.md §4). If the kernel does not let go of a request within
 * {@link #SHUTDOWN_WAIT_NANOS} of the queue's close, its buffer is kept reachable for the life of
 * the JVM rather than freed under the kernel.
 */
public final class UringAio extends AioBackend implements FdWatchers.Watcher, IoUring.CompletionSink {
    private static final int ENTRIES = 256;
    private static final int CQ_ENTRIES = 4096;
    private static final int STAGE_SIZE = 64 * 1024;
    private static final int MAX_STAGES = 64;
    private static final long CANCEL_DATA = 1;
    /** User data of the ring's multishot poll of the queue's epoll set: odd, and no cancel's. */
    private static final long EPOLL_DATA = 3;
    private static final long SHUTDOWN_WAIT_NANOS = 10_000_000_000L;
    private static final List<Object> KEPT_FOREVER = new ArrayList<>();
    /**
     * Fault injection for tests: an errno number that {@code io_uring_setup} is taken to have
     * returned, as under {@code kernel.io_uring_disabled} (EPERM) or seccomp (ENOSYS) — a global
     * sysctl a test must not flip on a shared machine.
     */
    static final String SIMULATED_REFUSAL = "kevent.test.ioUringSetupErrno";
    /**
     * Test switch: behave as a kernel without provided-buffer rings (before 5.19), so multishot
     * receives run as one-shot receives into pool buffers.
     */
    static final String NO_BUFFER_RING = "kevent.test.noBufferRing";
    /**
     * Test and measurement switch: the owner of a single-issuer ring waits in epoll, as before
     * it could wait in the ring (docs/DESIGN.md §4).
     */
    static final String NO_RING_WAIT = "kevent.test.noRingWait";
    private static final int BUFFER_GROUP = 0;

    private final IoUring ring;
    /** The ring's descriptor's token in the queue's epoll set; -1 while the owner waits in the ring instead. */
    private long token;
    /**
     * Whether the owner may wait in the ring: single issuer, a kernel with EXT_ARG and POLL_ADD,
     * the readiness fd never exported, the epoll poll never refused.
     */
    private boolean ringWaits;
    /** The ring's multishot poll of the epoll set is armed, or queued to be with the next submission. */
    private boolean epollArmed;
    /** A harvest found the epoll set empty since the poll was armed, and the poll has not fired since. */
    private boolean epollQuiet;
    /** SINGLE_ISSUER took: one owner submits (and, by our rule, waits and reaps). */
    private final boolean singleIssuer;
    /** The kernel flags waiting completion work in the SQ ring ({@code IORING_SQ_TASKRUN}). */
    private final boolean taskrunFlag;
    /** The thread that enabled the ring (single-issuer mode), or null. */
    private Thread owner;
    private final ArrayDeque<ByteBuffer> stages = new ArrayDeque<>();
    /** Requests with an operation in the kernel. */
    private int inKernel;
    private RecvPool pool;
    /** The pool's free buffers as the kernel's provided-buffer ring; null where the kernel has none. */
    private IoUring.BufferRing bufferRing;
    /** Buffers in {@link #bufferRing} the kernel has not consumed. */
    private int inRing;

    private UringAio(SourceContext context, Aio aio, IoUring ring) {
        super(context, aio);
        this.ring = ring;
        this.singleIssuer = (ring.setupFlags() & IoUring.SETUP_SINGLE_ISSUER) != 0;
        this.taskrunFlag = (ring.setupFlags() & IoUring.SETUP_TASKRUN_FLAG) != 0;
        this.ringWaits = singleIssuer && (ring.features() & IoUring.FEAT_EXT_ARG) != 0
                && ring.probe(IoUring.OP_POLL_ADD) == 0 && !Boolean.getBoolean(NO_RING_WAIT);
    }

    /**
     * Sets up the ring and checks the kernel has every operation we use.
     *
     * @throws KeventException naming what the kernel refused
     */
    public static UringAio open(SourceContext context, Aio aio, int cqEntries, boolean singleIssuer) {
        int refusal = Integer.getInteger(SIMULATED_REFUSAL, 0);
        if (refusal > 0) {
            throw Errno.exception("io_uring_setup", refusal, "refused on purpose (-D" + SIMULATED_REFUSAL + ")");
        }
        int cq = cqEntries > 0 ? cqEntries : CQ_ENTRIES;
        int flags = IoUring.SETUP_SUBMIT_ALL;
        if (singleIssuer) {
            // Disabled until its owner's first submission, which makes that thread the issuer. Not
            // DEFER_TASKRUN: its completions reach a sleeping owner late (class comment).
            flags |= IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_R_DISABLED | IoUring.SETUP_COOP_TASKRUN
                    | IoUring.SETUP_TASKRUN_FLAG;
        }
        IoUring ring = IoUring.open(Math.min(ENTRIES, cq), cq, flags);
        int probe = ring.probe(IoUring.OP_SEND, IoUring.OP_RECV, IoUring.OP_ASYNC_CANCEL);
        if (probe != 0) {
            ring.close();
            throw probe < 0 ? Errno.exception("io_uring_register", -probe, "IORING_REGISTER_PROBE")
                    : new KeventException("io_uring_register", "EOPNOTSUPP",
                            "the kernel's io_uring lacks opcode " + (probe - 1000));
        }
        if ((ring.features() & IoUring.FEAT_NODROP) == 0) {
            ring.close();
            throw new KeventException("io_uring_setup", "EOPNOTSUPP",
                    "the kernel's io_uring may drop completions (no IORING_FEAT_NODROP, before 5.5)");
        }
        UringAio uring = new UringAio(context, aio, ring);
        long token = context.watchFd(ring.fd(), Epoll.EPOLLIN, uring);
        if (token < 0) {
            ring.close();
            throw Errno.exception("epoll_ctl", (int) -token, "adding the io_uring to the queue");
        }
        uring.token = token;
        return uring;
    }

    @Override
    public String name() {
        return "io_uring";
    }

    /** @return whether SINGLE_ISSUER is in force */
    boolean singleIssuer() {
        return singleIssuer;
    }

    @Override
    public void onFdEvents(int epollEvents) {
        if (taskrunFlag && onOwner() && workWaits()) {
            // Completion work for this thread waits for its next system call: make one, then
            // collect. The flag is clear when the work already ran, which saves the call.
            ring.enter(true, 0);
        }
        reapAll();
    }

    /**
     * In single-issuer mode, only the owner (the first thread to submit) may submit and reap.
     *
     * @throws IllegalStateException naming both threads, if the caller is not the owner
     */
    @Override
    public void checkIssuer(String what) {
        if (singleIssuer && owner != null && owner != Thread.currentThread()) {
            throw new IllegalStateException(what + " on a single-issuer queue from " + Thread.currentThread().getName()
                    + ": only " + owner.getName() + ", which made its first network AIO request, may do that");
        }
    }

    /** @return whether completion work may be waiting for the owner (always, if the kernel does not flag it) */
    private boolean workWaits() {
        return !taskrunFlag || (ring.sqFlags() & IoUring.SQ_TASKRUN) != 0;
    }

    private boolean onOwner() {
        return !singleIssuer || owner == null || owner == Thread.currentThread();
    }

    // ------------------------------------------------------------------------------ waiting in the ring

    /**
     * Whether the calling thread's waits go to the ring: it is the owner, a thread that may block
     * in a system call, nobody outside watches the queue, and no other thread is in a wait (one
     * that began before the owner was known: once the ring's descriptor left the epoll set, only
     * the owner may wait, {@link #checkIssuer}).
     */
    private boolean ringMode() {
        return ringWaits && owner == Thread.currentThread() && !context.readinessExported()
                && context.callerMayBlockInKernel() && context.callerWaitsAlone();
    }

    /**
     * Takes the ring's descriptor out of the epoll set, where each completion would wake the poll
     * of that set (a loop the kernel breaks by ending the poll), and arms the poll if it is not.
     */
    private void enterRingMode() {
        if (token >= 0) {
            context.unwatchFd(token, ring.fd());
            token = -1;
        }
        if (!epollArmed) {
            while (!ring.prepPollMultishot(context.waitSetFd(), Epoll.EPOLLIN, EPOLL_DATA)) {
                submitNow();
            }
            epollArmed = true;
            epollQuiet = false;
        }
    }

    /** For good: completions go back to the epoll set, the poll of it is cancelled. */
    private void leaveRingMode() {
        ringWaits = false;
        epollQuiet = false;
        watchRing();
        if (epollArmed) {
            epollArmed = false;
            while (!ring.prepCancel(EPOLL_DATA, CANCEL_DATA)) {
                submitNow();
            }
            submitNow();
        }
    }

    /** Puts the ring's descriptor back in the epoll set if the ring took it out. */
    private void watchRing() {
        if (token < 0) {
            long t = context.watchFd(ring.fd(), Epoll.EPOLLIN, this);
            if (t < 0) {
                throw Errno.exception("epoll_ctl", (int) -t, "adding the io_uring to the queue");
            }
            token = t;
        }
    }

    @Override
    public int epollState() {
        if (!epollArmed || !ringMode()) {
            return SourceKind.EPOLL_UNWATCHED;
        }
        return epollQuiet ? SourceKind.EPOLL_QUIET : SourceKind.EPOLL_MAYBE;
    }

    @Override
    public void epollHarvested(boolean empty) {
        // The poll was armed (submitted by beforeWait) before this epoll_wait: anything added to
        // the set after an empty answer wakes the poll. A non-empty answer may leave a level
        // descriptor (or more than one batch) in epoll's ready list without a new wake-up.
        epollQuiet = empty && epollArmed;
    }

    @Override
    public boolean takesKernelWait() {
        return epollArmed && ring.pending() == 0 && ringMode();
    }

    @Override
    public void kernelWait(long timeoutNanos) {
        if (!epollQuiet) {
            // epoll may hold what no new wake-up will report: the rest of a full batch, or what
            // the poll reported in a completion reaped after the last harvest (by this wait's own
            // beforeWait, or a submission). The poll fired for it already; a sleep here would
            // last until the next unrelated event. Return: the wait harvests, then comes back.
            return;
        }
        int r = ring.awaitCompletion(timeoutNanos);
        if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR && r != -Errno.EBUSY && r != -Errno.EAGAIN) {
            throw Errno.exception("io_uring_enter", -r, "waiting for completions");
        }
    }

    @Override
    public void readinessExported() {
        if (ringWaits) {
            leaveRingMode();
        }
    }

    /** A completion of the poll of the epoll set: it has something, or the poll ended. */
    private void epollPolled(int result, int flags) {
        epollQuiet = false;
        if ((flags & IoUringCqe.F_MORE) != 0 || !epollArmed) {
            // Still armed; or a poll cancelled by leaveRingMode, ending.
            return;
        }
        epollArmed = false;
        if (result < 0 && result != -Errno.ECANCELED) {
            // The kernel will not poll the set (this should not happen where the probe passed):
            // wait in epoll instead, rather than re-arm a poll that fails at once forever.
            leaveRingMode();
        }
        // Otherwise (the CQ overflowed, ...) beforeWait arms it again before the next wait.
    }

    // ------------------------------------------------------------------------------ submission

    @Override
    public void start(AioOp op) {
        if (op.op == Kevent.NAIO_SENDFILE) {
            driveSendfile(op);
        } else if (op.multishot()) {
            submitMultishot(op);
        } else {
            submitBuffer(op);
        }
    }

    /**
     * Arms a multishot receive: one SQE whose completions each carry a buffer of the provided
     * ring, or — without provided rings — a one-shot receive into a pool buffer, re-armed per
     * arrival. With no free buffer the request waits for one to come back.
     */
    private void submitMultishot(AioOp op) {
        int fd = op.socket.socket.fd();
        if (fd < 0) {
            aio.end(op, -Errno.EBADF);
            return;
        }
        long userData = op.id << 1;
        if (bufferRing != null) {
            if (inRing == 0) {
                starve(op);
                return;
            }
            while (!ring.prepRecvMultishot(fd, bufferRing.group(), userData)) {
                submitNow();
            }
        } else {
            int id = pool.take();
            if (id < 0) {
                starve(op);
                return;
            }
            op.bufferId = id;
            while (!ring.prepRecv(fd, pool.slab, id * pool.size, pool.size, 0, userData)) {
                submitNow();
            }
        }
        inKernel(op);
    }

    @Override
    public void poolReady(RecvPool p) {
        pool = p;
        IoUring.BufferRing br = Boolean.getBoolean(NO_BUFFER_RING) ? null
                : ring.registerBufferRing(BUFFER_GROUP, p.slab, p.count, p.size);
        if (br == null) {
            p.stockAll();
            return;
        }
        for (int k = 0; k < p.count; k++) {
            br.provide(k);
        }
        br.publish();
        inRing = p.count;
        bufferRing = br;
    }

    @Override
    public void bufferFreed(int id) {
        if (bufferRing != null) {
            bufferRing.provide(id);
            bufferRing.publish();
            inRing++;
        } else {
            pool.push(id);
        }
        resumeStarved();
    }

    @Override
    public int freeBuffers() {
        return bufferRing != null ? inRing : pool.available();
    }

    @Override
    public void resumeMultishot(AioOp op) {
        submitMultishot(op);
    }

    private void submitBuffer(AioOp op) {
        int fd = op.socket.socket.fd();
        if (fd < 0) {
            aio.end(op, -Errno.EBADF);
            return;
        }
        boolean send = op.op == Kevent.NAIO_SEND;
        ByteBuffer target;
        int index;
        int length;
        try {
            if (op.buffer.isDirect()) {
                target = op.buffer;
                index = op.start + (int) op.done;
                length = (int) op.remaining();
            } else {
                if (op.stage == null) {
                    op.stage = takeStage();
                }
                target = op.stage;
                index = 0;
                length = (int) Math.min(op.remaining(), STAGE_SIZE);
                if (send) {
                    target.put(0, op.buffer, op.start + (int) op.done, length);
                }
            }
            int msgFlags = (send ? Sockets.MSG_NOSIGNAL : 0) | (op.partial() ? 0 : Sockets.MSG_WAITALL);
            long userData = op.id << 1;
            while (!(send ? ring.prepSend(fd, target, index, length, msgFlags, userData)
                    : ring.prepRecv(fd, target, index, length, msgFlags, userData))) {
                submitNow();
            }
        } catch (IndexOutOfBoundsException moved) {
            // The caller moved the buffer's position or limit under its request.
            aio.end(op, -Errno.EFAULT);
            return;
        }
        inKernel(op);
    }

    /**
     * sendfile(2) as far as the socket takes it, then an edge of the queue's epoll for room to go
     * on. sendfile is no ring operation, so the ring has nothing to add: a ring poll per full
     * socket buffer cost two more {@code io_uring_enter} per wake-up (arm, then run its
     * completion) and measured 6–13 % fewer bytes per CPU-second than this.
     */
    private void driveSendfile(AioOp op) {
        if (transferNow(op) == BLOCKED) {
            AioSocket s = op.socket;
            if (s.watchFd < 0) {
                watch(s, op, Epoll.EPOLLOUT | Epoll.EPOLLET, events -> resumeSendfile(s));
            }
        }
    }

    /** The socket has room: go on with the sendfile at the head of its send side, if one waits. */
    private void resumeSendfile(AioSocket s) {
        AioOp head = s.sendHead;
        if (head != null && head.op == Kevent.NAIO_SENDFILE && head.state == AioOp.ACTIVE && !head.inKernel) {
            driveSendfile(head);
        }
    }

    private void inKernel(AioOp op) {
        op.inKernel = true;
        inKernel++;
        if (!context.callerIsLoopThread() || context.kernelWaitUnderway() || context.readinessExported()) {
            // Only an event loop's own requests wait for its next wait, to go to the kernel in
            // one batch; anyone else's would wait for a wait that may never come.
            submitNow();
        }
    }

    private void submitNow() {
        if (!onOwner()) {
            // Another thread (closing a socket) may not submit: the owner does at its next wait.
            context.nudgeKernelWait();
            return;
        }
        if (singleIssuer && owner == null) {
            int r = ring.enable();
            if (r < 0) {
                throw Errno.exception("io_uring_register", -r, "IORING_REGISTER_ENABLE_RINGS");
            }
            owner = Thread.currentThread();
        }
        for (;;) {
            int r = ring.enter(taskrunFlag, 0);
            if (r >= 0 || r == -Errno.EINTR) {
                return;
            }
            if (r == -Errno.EBUSY || r == -Errno.EAGAIN) {
                // Completions back up in the kernel: make room, then retry.
                ring.enter(true, 0);
                reapAll();
                continue;
            }
            throw Errno.exception("io_uring_enter", -r, "submitting network AIO");
        }
    }

    @Override
    public void beforeWait() {
        // Reaping can queue new SQEs (a resumed sendfile's poll, the rest of a send), and a
        // submission can complete at once: go round until neither is left, or the thread would
        // sleep on SQEs the kernel never saw. For a wait in the ring, also until the poll of the
        // epoll set is armed (reaping may find that it ended).
        for (;;) {
            boolean inRing = ringWaits && ringMode();
            if (inRing) {
                enterRingMode();
            } else if (token < 0) {
                // Not expected (only the owner waits once the descriptor left), but a wait in
                // epoll must see completions.
                watchRing();
            }
            if (ring.pending() > 0 || (taskrunFlag && onOwner() && workWaits())) {
                // One enter submits and runs the completion work that waits.
                submitNow();
            }
            if (ring.ready() > 0 || (ring.sqFlags() & IoUring.SQ_CQ_OVERFLOW) != 0) {
                reapAll();
            }
            if (ring.pending() == 0 && (!inRing || epollArmed)) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------ completion

    void reapAll() {
        for (;;) {
            ring.reap(this);
            if ((ring.sqFlags() & IoUring.SQ_CQ_OVERFLOW) != 0) {
                // The CQ was full: the kernel kept the rest (FEAT_NODROP); an enter flushes them in.
                ring.enter(true, 0);
                continue;
            }
            if (ring.ready() == 0) {
                return;
            }
        }
    }

    @Override
    public void complete(long userData, int result, int flags) {
        if (userData == EPOLL_DATA) {
            epollPolled(result, flags);
            return;
        }
        if ((userData & CANCEL_DATA) != 0) {
            return;
        }
        Interest i = context.lookup(EventType.NAIO, userData >>> 1);
        if (i == null || !(i.sourceState instanceof AioOp op) || !op.inKernel) {
            throw new IllegalStateException("io_uring completion for no request under way: user data " + userData);
        }
        if (op.multishot()) {
            completeMultishot(op, result, flags);
            return;
        }
        op.inKernel = false;
        inKernel--;
        if (result > 0) {
            if (op.stage != null && op.op == Kevent.NAIO_RECV) {
                op.buffer.put(op.start + (int) op.done, op.stage, 0, result);
            }
            op.done += result;
        }
        if (op.cancelRequested) {
            aio.end(op, op.done == op.total ? op.done : -Errno.ECANCELED);
        } else if (result == -Errno.EINTR || result == -Errno.EAGAIN) {
            submitBuffer(op);
        } else if (result < 0) {
            aio.end(op, result);
        } else if (result == 0 || op.done == op.total || op.partial()) {
            // 0: end of stream for a receive.
            aio.end(op, op.done);
        } else {
            submitBuffer(op);
        }
    }

    private void completeMultishot(AioOp op, int result, int flags) {
        int id;
        if ((flags & IoUringCqe.F_BUFFER) != 0) {
            id = IoUringCqe.bufferId(flags);
            inRing--;
        } else {
            id = op.bufferId;
            op.bufferId = -1;
        }
        if (id >= 0) {
            if (result > 0) {
                aio.arrived(op, id, result);
            } else {
                bufferFreed(id);
            }
        }
        if ((flags & IoUringCqe.F_MORE) != 0) {
            return; // still armed
        }
        op.inKernel = false;
        inKernel--;
        if (op.cancelRequested) {
            aio.end(op, -Errno.ECANCELED);
        } else if (result > 0 || result == -Errno.ENOBUFS || result == -Errno.EINTR || result == -Errno.EAGAIN) {
            // The kernel stopped (the ring ran dry, or a one-shot receive of the emulation): re-arm,
            // or wait for a buffer to come back.
            submitMultishot(op);
        } else {
            // 0: end of stream.
            aio.end(op, result);
        }
    }

    // ------------------------------------------------------------------------------ cancel, close

    @Override
    public void cancel(AioOp op) {
        op.starved = false;
        if (!op.inKernel) {
            aio.end(op, -Errno.ECANCELED);
            return;
        }
        while (!ring.prepCancel(op.id << 1, CANCEL_DATA)) {
            submitNow();
        }
        submitNow();
    }

    @Override
    public void socketClosing(AioSocket s) {
        // The cancels are prepared; the kernel must see them, and every SQE naming the
        // descriptor, before the number can be reused. A thread that may not submit turns the
        // unsubmitted SQEs naming it into no-ops instead (their requests end as cancelled).
        unwatch(s);
        if (!onOwner()) {
            ring.neutralizePending(s.socket.fd());
            context.nudgeKernelWait();
        } else if (ring.pending() > 0) {
            submitNow();
        }
    }

    @Override
    public void shutdown() {
        if (!onOwner()) {
            // No cancel may be submitted from here: the kernel cancels everything when the ring
            // closes, but on its own schedule, so no buffer may be freed under it.
            keepInKernelBuffers();
            return;
        }
        if (ring.pending() > 0) {
            submitNow();
        }
        long deadline = System.nanoTime() + SHUTDOWN_WAIT_NANOS;
        while (inKernel > 0 && System.nanoTime() < deadline) {
            int r = ring.enter(true, 1);
            if (r < 0 && r != -Errno.EINTR && r != -Errno.EBUSY && r != -Errno.EAGAIN) {
                break;
            }
            reapAll();
        }
        keepInKernelBuffers();
    }

    private void keepInKernelBuffers() {
        if (inKernel > 0) {
            aio.forEachActive(op -> {
                if (op.inKernel) {
                    synchronized (KEPT_FOREVER) {
                        KEPT_FOREVER.add(op.buffer != null ? op.buffer : op.file != null ? op.file : pool.slab);
                        if (op.stage != null) {
                            KEPT_FOREVER.add(op.stage);
                            op.stage = null;
                        }
                    }
                    op.inKernel = false;
                    aio.end(op, -Errno.ECANCELED);
                }
            });
            inKernel = 0;
        }
    }

    @Override
    public long syscalls() {
        return ring.enterCalls();
    }

    @Override
    public void close() {
        if (bufferRing != null) {
            bufferRing.unregister();
        }
        if (token >= 0) {
            context.unwatchFd(token, ring.fd());
        }
        ring.close();
    }

    // ------------------------------------------------------------------------------ staging

    private ByteBuffer takeStage() {
        ByteBuffer b = stages.pollFirst();
        return b != null ? b : ByteBuffer.allocateDirect(STAGE_SIZE);
    }

    @Override
    public void releaseStage(ByteBuffer stage) {
        if (stages.size() < MAX_STAGES) {
            stages.addFirst(stage.clear());
        }
    }
}
