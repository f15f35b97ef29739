package org.kevent.internal.source.aio;

import java.nio.ByteBuffer;

import org.kevent.Kevent;
import org.kevent.internal.queue.Interest;

/**
 * One network AIO request: what to transfer, how far it got, and where it stands. Owned by the
 * queue lock; recycled through {@link Aio}'s free list once its completion was handed out.
 *
 * <pre>
 *   QUEUED ──(head of its socket's direction)──▶ ACTIVE ──(done / failed / cancelled)──▶ ENDED
 *     └──────────────(cancelled before it started)──────────────────────────────────────▶ ENDED
 * </pre>
 */
public final class AioOp {
    static final int QUEUED = 0;
    public static final int ACTIVE = 1;
    static final int ENDED = 2;

    /** The request's interest (type NAIO, id = request id) while the request lives. */
    Interest interest;
    public long id;
    /** {@link Kevent#NAIO_SEND}, {@link Kevent#NAIO_RECV}, {@link Kevent#NAIO_SENDFILE} or {@link Kevent#NAIO_RECV_MULTISHOT}. */
    public int op;
    /** {@link Kevent#AIO_PARTIAL} or 0. */
    int flags;
    public int state;
    public AioSocket socket;

    /** The caller's buffer (send, recv); null for sendfile. */
    public ByteBuffer buffer;
    /** Absolute index in {@link #buffer} where the transfer starts: its position at the call. */
    public int start;
    /** The file of a sendfile, pinned; its descriptor, and where in it the transfer starts. */
    public FileHandle file;
    int fileFd = -1;
    public long fileOffset;

    /** Bytes asked for, and transferred so far. */
    public long total;
    public long done;
    /** An explicit cancel or a close asked for the end; the engine owes no more kernel work. */
    public boolean cancelRequested;
    /** Backend-private: the request has work in the kernel (an SQE not yet completed). */
    public boolean inKernel;
    /** Backend-private: staging memory of a heap buffer (io_uring). */
    public ByteBuffer stage;

    /** Multishot: buffers filled and not yet handed out (a FIFO through {@link RecvPool#chunkNext}), -1 if none. */
    int chunkHead = -1;
    int chunkTail = -1;
    /** Multishot: the result of its last event, once it ended. */
    long result;
    /** Backend-private, multishot: the pool buffer an emulated receive fills, or -1. */
    public int bufferId = -1;
    /** Backend-private, multishot: waiting for a buffer to be given back. */
    public boolean starved;

    /** Next request of the same socket and direction. */
    AioOp next;
    AioOp freeNext;

    public boolean partial() {
        return (flags & Kevent.AIO_PARTIAL) != 0;
    }

    public long remaining() {
        return total - done;
    }

    boolean isSendSide() {
        return op != Kevent.NAIO_RECV && op != Kevent.NAIO_RECV_MULTISHOT;
    }

    public boolean multishot() {
        return op == Kevent.NAIO_RECV_MULTISHOT;
    }

    void clear() {
        interest = null;
        buffer = null;
        file = null;
        fileFd = -1;
        socket = null;
        stage = null;
        next = null;
        done = 0;
        total = 0;
        cancelRequested = false;
        inKernel = false;
        chunkHead = -1;
        chunkTail = -1;
        result = 0;
        bufferId = -1;
        starved = false;
        state = QUEUED;
    }
}
