package org.kevent.internal.source.aio;

import org.kevent.internal.sys.Errno;
import org.kevent.internal.queue.SourceContext;

/**
 * Network AIO driven by readiness: each request tried with nonblocking calls as soon as it becomes
 * the head of its direction, and again whenever its socket is reported ready (docs/SEMANTICS.md
 * §7). The logic of both readiness engines, the Linux one ({@code internal.linux.ReadinessAio},
 * system calls on a duplicate of the socket's fd in the queue's epoll set) and the portable one
 * ({@code internal.portable.PortableAio}, channel calls on an alias of the socket's portable
 * descriptor); they differ in how a socket is watched ({@link #watchSocket}) and how one transfer
 * is made ({@link #transfer}, {@link #receiveInto}). Every method runs with the queue lock held.
 */
public abstract class ReadinessBackend extends AioBackend {
    private RecvPool pool;

    protected ReadinessBackend(SourceContext context, Aio aio) {
        super(context, aio);
    }

    @Override
    public String name() {
        return "readiness";
    }

    /**
     * Watches a socket for readiness, once, calling {@link #drive} at each report.
     *
     * @return false if it could not be watched; {@code op} then ended with the errno
     */
    protected abstract boolean watchSocket(AioSocket s, AioOp op);

    /**
     * One receive of a multishot request into buffer {@code id} of the pool.
     *
     * @return bytes received, 0 at end of stream, or {@code -errno} ({@code -EAGAIN}: none there)
     */
    protected abstract long receiveInto(AioOp op, RecvPool pool, int id);

    @Override
    public final void start(AioOp op) {
        AioSocket s = op.socket;
        if (s.watchFd < 0 && !watchSocket(s, op)) {
            return;
        }
        drive(s);
    }

    /** Moves the heads of both directions as far as the socket lets them, without recursion. */
    protected final void drive(AioSocket s) {
        if (s.driving) {
            // A request ended inside this loop started the next: the loop below picks it up.
            return;
        }
        s.driving = true;
        try {
            while (s.sendHead != null && s.sendHead.state == AioOp.ACTIVE && transferNow(s.sendHead) == ENDED) {
                // the head ended; go on with the next one
            }
            AioOp r;
            while ((r = s.recvHead) != null && r.state == AioOp.ACTIVE
                    && (r.multishot() ? receiveMultishot(r) : transferNow(r)) == ENDED) {
                // likewise
            }
        } finally {
            s.driving = false;
        }
    }

    /**
     * A multishot receive: each receive into a free pool buffer is one arrival, until the socket
     * would block, the pool runs dry (the request waits for a buffer to come back), or it ends.
     */
    private int receiveMultishot(AioOp op) {
        if (op.socket.socket.fd() < 0) {
            aio.end(op, -Errno.EBADF);
            return ENDED;
        }
        RecvPool p = pool;
        for (;;) {
            int id = p.take();
            if (id < 0) {
                starve(op);
                return BLOCKED;
            }
            long n = receiveInto(op, p, id);
            if (n > 0) {
                aio.arrived(op, id, (int) n);
                continue;
            }
            p.push(id);
            if (n == -Errno.EAGAIN) {
                return BLOCKED;
            }
            if (n != -Errno.EINTR) {
                // 0: end of stream.
                aio.end(op, n);
                return ENDED;
            }
        }
    }

    @Override
    public final void poolReady(RecvPool p) {
        pool = p;
        p.stockAll();
    }

    @Override
    public final void bufferFreed(int id) {
        pool.push(id);
        resumeStarved();
    }

    @Override
    public final int freeBuffers() {
        return pool.available();
    }

    /** Its socket was readable when the pool ran dry, and no edge will come again: read now. */
    @Override
    public final void resumeMultishot(AioOp op) {
        drive(op.socket);
    }

    @Override
    public final void cancel(AioOp op) {
        // Nothing of a readiness request is in the kernel between two steps.
        op.starved = false;
        aio.end(op, -Errno.ECANCELED);
    }

    @Override
    public void shutdown() {
        // Every request was ended by its cancel: none is left in the kernel.
    }

    @Override
    public void close() {
    }
}
