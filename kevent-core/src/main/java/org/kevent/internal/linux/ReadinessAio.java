package org.kevent.internal.linux;

import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Sockets;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.source.aio.Aio;
import org.kevent.internal.source.aio.AioBackend;
import org.kevent.internal.source.aio.AioOp;
import org.kevent.internal.source.aio.AioSocket;
import org.kevent.internal.source.aio.RecvPool;

/**
 * Network AIO without io_uring: nonblocking {@code send}/{@code recv}/{@code sendfile} tried at
 * once, and again whenever the queue's epoll reports the socket — the fallback docs/SEMANTICS.md §7 asks
 * for, with the same completions as {@link UringAio}.
 *
 * <p>Each socket with requests is watched edge-triggered through a duplicate of its descriptor: a
 * SOCKET interest of the same queue may already hold the original in the epoll set, and epoll
 * keys registrations by descriptor. A request is tried as soon as it becomes the head of its
 * direction, so an edge that came while no request waited is never needed.
 */
public final class ReadinessAio extends AioBackend {
    private static final int WATCH_EVENTS = Epoll.EPOLLIN | Epoll.EPOLLOUT | Epoll.EPOLLRDHUP
            | Epoll.EPOLLET;

    private RecvPool pool;

    public ReadinessAio(SourceContext context, Aio aio) {
        super(context, aio);
    }

    @Override
    public String name() {
        return "readiness";
    }

    @Override
    public void start(AioOp op) {
        AioSocket s = op.socket;
        if (s.watchFd < 0 && !watch(s, op, WATCH_EVENTS, events -> drive(s))) {
            return;
        }
        drive(s);
    }

    /** Moves the heads of both directions as far as the socket lets them, without recursion. */
    private void drive(AioSocket s) {
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
     * A multishot receive: each recv into a free pool buffer is one arrival, until the socket
     * would block, the pool runs dry (the request waits for a buffer to come back), or it ends.
     */
    private int receiveMultishot(AioOp op) {
        int fd = op.socket.socket.fd();
        if (fd < 0) {
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
            long n = Sockets.recv(fd, p.slab, id * p.size, p.size);
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
    public void poolReady(RecvPool p) {
        pool = p;
        p.stockAll();
    }

    @Override
    public void bufferFreed(int id) {
        pool.push(id);
        resumeStarved();
    }

    @Override
    public int freeBuffers() {
        return pool.available();
    }

    /** Its socket was readable when the pool ran dry, and no edge will come again: read now. */
    @Override
    public void resumeMultishot(AioOp op) {
        drive(op.socket);
    }

    @Override
    public void cancel(AioOp op) {
        // Nothing of a readiness request is in the kernel between two steps.
        op.starved = false;
        aio.end(op, -Errno.ECANCELED);
    }

    @Override
    public void socketClosing(AioSocket s) {
        unwatch(s);
    }

    @Override
    public void shutdown() {
        // Every request was ended by its cancel: none is left in the kernel.
    }

    @Override
    public void close() {
    }
}
