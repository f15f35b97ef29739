package org.kevent.internal.source.aio;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.kevent.AioEngine;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.Ukevent;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.EventSlots;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.Ring;
import org.kevent.internal.queue.SourceKind;
import org.kevent.internal.source.socket.SocketState;

/**
 * Network AIO in one queue (docs/SEMANTICS.md §7): the NAIO kind, the requests, and the engine that runs
 * them — io_uring ({@code internal.linux.UringAio}) or nonblocking calls driven by readiness
 * ({@code internal.linux.ReadinessAio}), as the wiring chose.
 *
 * <h2>Semantics</h2>
 * A request is an interest of type NAIO whose id is the request id; it is ONESHOT, so its one
 * delivery removes it. Every request ends exactly once through {@link #end}: done (bytes), failed
 * (negative errno, bytes before the failure in data2) or cancelled ({@code -ECANCELED}); a second
 * end is a bug and throws. The caller's buffer stays referenced by the request until the
 * completion is handed out; only then does its position move (in {@link #detach}).
 *
 * <h2>Threading</h2>
 * Every method runs with the queue lock held.
 */
public final class Aio extends SourceKind {
    /** System property choosing the engine: {@code io_uring}, {@code readiness} or {@code auto}. */
    static final String ENGINE_PROPERTY = "kevent.aio";

    private final Map<SocketState, AioSocket> sockets = new HashMap<>();
    private AioBackend backend;
    private AioEngine engineChoice;
    private int ringEntries;
    private boolean singleIssuer;
    private long nextId = 1;
    private AioOp freeOps;
    private long started;
    private long ended;
    private long cancelled;
    /** The multishot receive buffers, made at the first multishot request. */
    private RecvPool pool;
    private int poolCount = DEFAULT_POOL_COUNT;
    private int poolSize = DEFAULT_POOL_SIZE;
    static final int DEFAULT_POOL_COUNT = 256;
    static final int DEFAULT_POOL_SIZE = 16 * 1024;

    /** Opens the kernel engines network AIO runs on: the backend room's, handed in by its wiring. */
    public interface Engines {
        /**
         * @return an io_uring engine
         * @throws KeventException if the kernel refuses io_uring (too old, disabled by sysctl, ...)
         */
        AioBackend openUring(SourceContext context, Aio aio, int cqEntries, boolean singleIssuer);

        /** @return the engine of nonblocking calls driven by readiness */
        AioBackend openReadiness(SourceContext context, Aio aio);
    }

    private final Engines engines;
    /** A queue of the portable engine: its requests are on portable sockets, on the readiness engine only. */
    private final boolean portable;

    /**
     * @param context the queue
     * @param engines where the io_uring and readiness engines come from
     */
    public Aio(SourceContext context, Engines engines) {
        this(context, engines, false);
    }

    /**
     * @param context  the queue
     * @param engines  where the engines come from
     * @param portable whether the queue runs on the portable engine: requests name its sockets,
     *                 run on readiness whatever was asked, and files are channels
     */
    public Aio(SourceContext context, Engines engines, boolean portable) {
        super(context);
        this.engines = engines;
        this.portable = portable;
    }

    /** @return the queue this kind serves */
    public SourceContext context() {
        return context;
    }

    // ------------------------------------------------------------------------------ the kind

    @Override
    public CtlError attach(Interest i, Ukevent r) {
        return refusedByCtl();
    }

    @Override
    public CtlError reattach(Interest i, Ukevent r) {
        return refusedByCtl();
    }

    @Override
    public CtlError refusedByCtl() {
        return CtlError.of("EINVAL", "NAIO interests are made by aioSend/aioRecv/aioSendfile and ended by"
                + " aioCancel, not by ctl");
    }

    @Override
    public boolean hasExtras() {
        return true;
    }

    /** A multishot request's queued arrivals are distinct events: all may go out in one call. */
    @Override
    public boolean manyPerCall() {
        return true;
    }

    /** The request's buffer goes out beside the caller's attachment; a multishot event says more. */
    @Override
    public void fill(Interest i, EventSlots out, int n) {
        if (!(i.sourceState instanceof AioOp op)) {
            return;
        }
        if (!op.multishot()) {
            out.setBuffer(n, op.buffer);
            return;
        }
        int id = op.chunkHead;
        if (id >= 0) {
            out.data[n] = pool.chunkLength[id];
            out.data2[n] = id;
            out.setBuffer(n, takeArrival(op, id));
            out.flags[n] = Kevent.RET_DONE | Kevent.RET_MORE;
        } else {
            out.data[n] = op.result;
            out.data2[n] = op.done;
            out.flags[n] = lastEvent(i, op);
        }
    }

    @Override
    public void fillRing(Interest i, Ring ring, long seq) {
        if (!(i.sourceState instanceof AioOp op)) {
            return;
        }
        if (!op.multishot()) {
            ring.putBuffer(seq, op.buffer);
            return;
        }
        int id = op.chunkHead;
        // The engine's put already placed the caller's attachment in this slot.
        Object attachment = ring.attachment(seq);
        if (id >= 0) {
            long length = pool.chunkLength[id];
            ring.put(seq, i, EventType.NAIO.ordinal(), Kevent.NAIO_RECV_MULTISHOT, Kevent.RET_DONE | Kevent.RET_MORE,
                    i.id, length, id, i.cookie, attachment);
            ring.putBuffer(seq, takeArrival(op, id));
        } else {
            int flags = lastEvent(i, op);
            ring.put(seq, i, EventType.NAIO.ordinal(), Kevent.NAIO_RECV_MULTISHOT, flags, i.id, op.result,
                    op.done, i.cookie, attachment);
        }
    }

    private java.nio.ByteBuffer takeArrival(AioOp op, int id) {
        int next = pool.chunkNext[id];
        op.chunkHead = next;
        if (next < 0) {
            op.chunkTail = -1;
        }
        return pool.lend(id);
    }

    /** The request's last event goes out: ONESHOT from here, so this delivery removes it. */
    private static int lastEvent(Interest i, AioOp op) {
        if (op.state != AioOp.ENDED) {
            throw new IllegalStateException("multishot request " + op.id + " delivered with nothing to say");
        }
        i.flags |= Kevent.REQ_ONESHOT;
        return Kevent.RET_DONE | (op.result < 0 ? Kevent.RET_BROKEN : 0);
    }

    /** A multishot arrival went out: the next one (or the last event) is ready at once. */
    @Override
    public void delivered(Interest i) {
        if (i.sourceState instanceof AioOp op && (op.chunkHead >= 0 || op.state == AioOp.ENDED)) {
            i.readyEvents = Kevent.NAIO_RECV_MULTISHOT;
            context.ready(i);
        }
    }

    /** The request's completion was handed out (or the queue closed): the buffer goes back. */
    @Override
    public void detach(Interest i) {
        AioOp op = (AioOp) i.sourceState;
        if (op == null) {
            return;
        }
        i.sourceState = null;
        if (op.multishot()) {
            // Arrivals never handed out (the queue closed first) go back to the pool.
            for (int b = op.chunkHead; b >= 0; b = pool.chunkNext[b]) {
                pool.unqueue(b);
                backend.bufferFreed(b);
            }
            op.chunkHead = op.chunkTail = -1;
        }
        if (op.state == AioOp.ENDED && op.buffer != null && op.done > 0) {
            op.buffer.position(op.start + (int) op.done);
        }
        if (op.file != null) {
            op.file.release();
        }
        if (op.state != AioOp.ENDED) {
            // Only the queue's close detaches a live request, and shutdown() ended every one
            // before; this is the last line should that ever change.
            end(op, -Errno.ECANCELED);
        }
        if (op.stage != null) {
            backend.releaseStage(op.stage);
        }
        op.clear();
        op.freeNext = freeOps;
        freeOps = op;
    }

    @Override
    public void close() {
        if (backend != null) {
            backend.close();
        }
    }

    // ------------------------------------------------------------------------------ the calls

    /**
     * Starts a send or receive (docs/SEMANTICS.md §7), under the queue's lock.
     *
     * @param opBit  {@code Kevent.NAIO_SEND} or {@code Kevent.NAIO_RECV}
     * @param socket the socket's storage
     * @param buffer the bytes or the room, position to limit
     * @param cookie     returned with the completion
     * @param attachment returned with the completion
     * @param flags      {@code Kevent.AIO_*}
     * @return the request id
     */
    public long start(int opBit, SocketState socket, ByteBuffer buffer, long cookie, Object attachment, int flags) {
        context.lockOpen(opBit == Kevent.NAIO_SEND ? "aioSend" : "aioRecv");
        try {
            return startLocked(opBit, socket, buffer, cookie, attachment, flags);
        } finally {
            context.unlock();
        }
    }

    /**
     * Starts a sendfile, under the queue's lock.
     *
     * @return the request id
     */
    public long startSendfile(SocketState socket, FileHandle file, Object attachment, long offset, long length,
                              long cookie, int flags) {
        context.lockOpen("aioSendfile");
        try {
            return startSendfileLocked(socket, file, attachment, offset, length, cookie, flags);
        } finally {
            context.unlock();
        }
    }

    /**
     * Starts a multishot receive, under the queue's lock.
     *
     * @return the request id
     */
    public long startMultishot(SocketState socket, long cookie, Object attachment) {
        context.lockOpen("aioRecvMultishot");
        try {
            return startMultishotLocked(socket, cookie, attachment);
        } finally {
            context.unlock();
        }
    }

    /** Gives back a receive buffer a multishot event lent, under the queue's lock. */
    public void releaseBuffer(int id) {
        context.lockOpen("aioReleaseBuffer");
        try {
            releaseBufferLocked(id);
        } finally {
            context.unlock();
        }
    }

    /**
     * Cancels a request, under the queue's lock; its completion still comes, once.
     *
     * @return whether it was under way
     */
    public boolean cancel(long id) {
        context.lockOpen("aioCancel");
        try {
            return cancelLocked(id);
        } finally {
            context.unlock();
        }
    }

    // ------------------------------------------------------------------------------ requests

    /** @return the AIO engine, choosing it on first use */
    public AioEngine aioEngine() {
        context.lockOpen("aioEngine");
        try {
            return AioEngine.of(backend().name());
        } finally {
            context.unlock();
        }
    }

    private AioBackend backend() {
        AioBackend b = backend;
        if (b == null) {
            b = choose();
            backend = b;
        }
        return b;
    }

    public void configure(AioEngine choice, int cqEntries, boolean oneIssuer, int recvBuffers, int recvBufferSize) {
        this.engineChoice = choice;
        this.ringEntries = cqEntries;
        this.singleIssuer = oneIssuer;
        if (recvBuffers > 0) {
            this.poolCount = recvBuffers;
            this.poolSize = recvBufferSize;
        }
    }

    /**
     * @return the receive buffer pool, made (and handed to the engine) at first use; if the engine
     *         refuses it (an exception), the next call tries again
     */
    RecvPool pool() {
        RecvPool p = pool;
        if (p == null) {
            p = new RecvPool(poolCount, poolSize);
            backend().poolReady(p);
            pool = p;
        }
        return p;
    }

    /** Before a thread waits: in single-issuer mode only the owner may (it reaps). */
    @Override
    public void checkWaiter() {
        if (backend != null) {
            backend.checkIssuer("waiting");
        }
    }

    private AioBackend choose() {
        if (portable) {
            return engines.openReadiness(context, this);
        }
        AioEngine wanted = engineChoice != null ? engineChoice : property();
        switch (wanted) {
            case READINESS:
                return engines.openReadiness(context, this);
            case IO_URING:
                return engines.openUring(context, this, ringEntries, singleIssuer);
            default:
                try {
                    return engines.openUring(context, this, ringEntries, singleIssuer);
                } catch (KeventException refused) {
                    System.getLogger("org.kevent").log(System.Logger.Level.INFO,
                            "network AIO runs on readiness: io_uring is not available ({0})", refused.getMessage());
                    return engines.openReadiness(context, this);
                }
        }
    }

    private static AioEngine property() {
        String value = System.getProperty(ENGINE_PROPERTY, AioEngine.AUTO.toString());
        try {
            return AioEngine.of(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + ENGINE_PROPERTY + "=" + value
                    + ": expected io_uring, readiness or auto", e);
        }
    }

    /**
     * Starts a send or receive.
     *
     * @return the request id
     */
    private long startLocked(int opBit, SocketState socket, ByteBuffer buffer, long cookie, Object attachment,
                             int flags) {
        // The portable engine loads no binding: there a closed arena's buffer fails its transfer
        // with EFAULT instead (the JDK refuses the access), never reaching memory.
        if (!portable && org.kevent.internal.sys.IoBuffers.closeable(buffer)) {
            throw new IllegalArgumentException("the buffer views an arena its owner can close: the request could"
                    + " not keep its memory alive. Use ByteBuffer.allocateDirect, Arena.ofAuto() or a heap buffer");
        }
        AioOp op = newOp(opBit, flags, cookie, attachment, Kevent.REQ_ONESHOT);
        op.buffer = buffer;
        op.start = buffer.position();
        op.total = buffer.remaining();
        launch(op, socket);
        return op.id;
    }

    /**
     * Starts a sendfile.
     *
     * @return the request id
     */
    private long startSendfileLocked(SocketState socket, FileHandle file, Object attachment, long offset, long length,
                                     long cookie, int flags) {
        AioOp op = newOp(Kevent.NAIO_SENDFILE, flags, cookie, attachment, Kevent.REQ_ONESHOT);
        op.fileOffset = offset;
        op.total = length;
        if (file == null || (file.channel() != null) != portable) {
            // The other engine's file: a portable file has no descriptor for the kernel, a kernel
            // file no channel for the portable engine.
            end(op, -Errno.EINVAL);
            return op.id;
        }
        int fd = portable ? (file.pin() ? 0 : -1) : file.acquire();
        if (fd < 0) {
            end(op, -Errno.EBADF);
            return op.id;
        }
        op.file = file;
        op.fileFd = portable ? -1 : fd;
        launch(op, socket);
        return op.id;
    }

    /**
     * Starts a multishot receive: an event per arrival, in a buffer of the queue's pool, until end
     * of stream, an error or a cancel.
     *
     * @return the request id
     */
    private long startMultishotLocked(SocketState socket, long cookie, Object attachment) {
        // The pool first: if it cannot be made, no request exists that would have to end.
        backend().checkIssuer("a network AIO request");
        pool();
        // Not ONESHOT: each arrival is a delivery that keeps the interest; the last event makes
        // it ONESHOT as it goes out (fill), so that delivery removes it.
        AioOp op = newOp(Kevent.NAIO_RECV_MULTISHOT, 0, cookie, attachment, 0);
        op.total = Long.MAX_VALUE;
        launch(op, socket);
        return op.id;
    }

    /** A multishot request received {@code length} bytes in pool buffer {@code id}: queue its event. */
    public void arrived(AioOp op, int id, int length) {
        RecvPool p = pool;
        p.queued(id, length);
        if (op.chunkTail < 0) {
            op.chunkHead = id;
        } else {
            p.chunkNext[op.chunkTail] = id;
        }
        op.chunkTail = id;
        op.done += length;
        Interest i = op.interest;
        i.readyEvents = Kevent.NAIO_RECV_MULTISHOT;
        if (!context.isClosedLocked()) {
            context.ready(i);
        }
    }

    /**
     * The caller gives back a buffer a multishot event lent it.
     *
     * @throws IllegalArgumentException if no such buffer
     * @throws IllegalStateException    if it is not lent
     */
    private void releaseBufferLocked(int id) {
        RecvPool p = pool;
        if (p == null) {
            throw new IllegalStateException("receive buffer " + id + ": this queue has lent no buffer"
                    + " (no aioRecvMultishot was made)");
        }
        p.giveBack(id);
        backend.bufferFreed(id);
    }

    private AioOp newOp(int opBit, int flags, long cookie, Object attachment, int reqFlags) {
        int maxInterests = context.maxInterests();
        AioBackend b = backend();
        b.checkIssuer("a network AIO request");
        if (context.registeredLocked() >= maxInterests) {
            throw new KeventException("aio", "ENOSPC", "the queue's registration cap of " + maxInterests
                    + " interests (requests included) is reached (KeventQueue.Builder.maxInterests)");
        }
        AioOp op = freeOps;
        if (op == null) {
            op = new AioOp();
        } else {
            freeOps = op.freeNext;
            op.freeNext = null;
        }
        op.id = nextId++;
        op.op = opBit;
        op.flags = flags;
        op.state = AioOp.QUEUED;
        Interest i = context.newInterest(EventType.NAIO, op.id, opBit, reqFlags, cookie, attachment);
        i.kind = this;
        i.sourceState = op;
        op.interest = i;
        started++;
        return op;
    }

    private void launch(AioOp op, SocketState socket) {
        if (socket.isPortable() != portable) {
            // The other engine's socket: a portable number is no descriptor of the kernel, and a
            // kernel socket has no portable descriptor to watch.
            end(op, -Errno.EINVAL);
            return;
        }
        if (op.total == 0) {
            // Nothing to move: done at once, no system call.
            end(op, 0);
            return;
        }
        AioSocket s = sockets.get(socket);
        if (s == null && socket.isOpen()) {
            s = new AioSocket(socket, this);
            if (socket.addAioUser(s)) {
                sockets.put(socket, s);
            } else {
                s = null; // closing meanwhile
            }
        }
        if (s == null || s.closing || !socket.isOpen()) {
            end(op, -Errno.EBADF);
            return;
        }
        op.socket = s;
        if (s.enqueue(op)) {
            activate(op);
        }
    }

    private void activate(AioOp op) {
        op.state = AioOp.ACTIVE;
        backend.start(op);
    }

    /**
     * Cancels a request.
     *
     * @return whether it was under way
     */
    private boolean cancelLocked(long id) {
        Interest i = context.lookup(EventType.NAIO, id);
        if (i == null || !(i.sourceState instanceof AioOp op) || op.state == AioOp.ENDED) {
            return false;
        }
        cancelOp(op);
        return true;
    }

    private void cancelOp(AioOp op) {
        if (op.state == AioOp.QUEUED) {
            end(op, -Errno.ECANCELED);
        } else if (!op.cancelRequested) {
            op.cancelRequested = true;
            backend.cancel(op);
        }
    }

    /**
     * Ends a request exactly once: its completion joins the ready list and the next request of
     * its socket and direction starts.
     *
     * @param result bytes transferred (≥ 0) or {@code -errno}
     */
    public void end(AioOp op, long result) {
        if (op.state == AioOp.ENDED) {
            throw new IllegalStateException("NAIO request " + op.id + " ended twice");
        }
        op.state = AioOp.ENDED;
        ended++;
        if (result == -Errno.ECANCELED) {
            cancelled++;
        }
        Interest i = op.interest;
        i.readyEvents = op.op;
        if (op.multishot()) {
            // Its last event goes out after every arrival still queued (fill).
            op.result = result;
        } else {
            i.pending = result;
            i.data2 = result < 0 ? op.done : 0;
            i.retFlags = result < 0 ? Kevent.RET_BROKEN : 0;
        }
        AioSocket s = op.socket;
        if (s != null) {
            AioOp next = s.unlink(op);
            if (next != null && next.state == AioOp.QUEUED && !s.closing) {
                activate(next);
            }
        }
        if (context.isClosedLocked()) {
            // The queue is closing: the completion is counted, there is no one to hand it to.
            return;
        }
        context.ready(i);
    }

    /** A library socket is closing: end its requests in this queue as cancelled. */
    public void socketClosing(AioSocket s) {
        if (s.closing) {
            return;
        }
        s.closing = true;
        cancelAll(s.sendHead);
        cancelAll(s.recvHead);
        backend.socketClosing(s);
        sockets.remove(s.socket);
    }

    private void cancelAll(AioOp head) {
        AioOp op = head;
        while (op != null) {
            AioOp next = op.next;
            cancelOp(op);
            op = next;
        }
    }

    @Override
    public boolean hasWaitHooks() {
        return true;
    }

    /** Before a thread waits in the kernel: submit what is queued, collect what completed. */
    @Override
    public void beforeKernelWait() {
        if (backend != null) {
            backend.beforeWait();
        }
    }

    @Override
    public int epollState() {
        return backend != null ? backend.epollState() : EPOLL_UNWATCHED;
    }

    @Override
    public void epollHarvested(boolean empty) {
        backend.epollHarvested(empty);
    }

    @Override
    public boolean takesKernelWait() {
        return backend != null && backend.takesKernelWait();
    }

    @Override
    public void kernelWait(long timeoutNanos) {
        backend.kernelWait(timeoutNanos);
    }

    @Override
    public void readinessExported() {
        if (backend != null) {
            backend.readinessExported();
        }
    }

    /** The queue is closing: every request ends as cancelled, the kernel lets go of every buffer. */
    @Override
    public void shutdown() {
        if (backend == null) {
            return;
        }
        for (AioSocket s : sockets.values().toArray(new AioSocket[0])) {
            s.closing = true;
            cancelAll(s.sendHead);
            cancelAll(s.recvHead);
        }
        backend.shutdown();
        for (AioSocket s : sockets.values()) {
            backend.socketClosing(s);
            s.socket.removeAioUser(s);
        }
        sockets.clear();
    }

    /** Runs {@code action} on the head requests of every socket (those that may be in the kernel). */
    public void forEachActive(java.util.function.Consumer<AioOp> action) {
        for (AioSocket s : sockets.values().toArray(new AioSocket[0])) {
            if (s.sendHead != null && s.sendHead.state == AioOp.ACTIVE) {
                action.accept(s.sendHead);
            }
            if (s.recvHead != null && s.recvHead.state == AioOp.ACTIVE) {
                action.accept(s.recvHead);
            }
        }
    }

    @Override
    public long requests(Requests which) {
        return switch (which) {
            case STARTED -> started;
            case ENDED -> ended;
            case CANCELLED -> cancelled;
            case BUFFERS_LENT -> pool == null ? 0 : pool.lent();
            case SYSCALLS -> backend == null ? 0 : backend.syscalls();
        };
    }
}
