package org.kevent.internal.linux;

import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Sockets;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.source.aio.Aio;
import org.kevent.internal.source.aio.AioOp;
import org.kevent.internal.source.aio.AioSocket;
import org.kevent.internal.source.aio.ReadinessBackend;
import org.kevent.internal.source.aio.RecvPool;

/**
 * Network AIO without io_uring: nonblocking {@code send}/{@code recv}/{@code sendfile} tried at
 * once, and again whenever the queue's epoll reports the socket — the fallback docs/SEMANTICS.md §7 asks
 * for, with the same completions as {@link UringAio}.
 *
 * <p>Each socket with requests is watched edge-triggered through a duplicate of its descriptor: a
 * SOCKET interest of the same queue may already hold the original in the epoll set, and epoll
 * keys registrations by descriptor. A request is tried as soon as it becomes the head of its
 * direction, so an edge that came while no request waited is never needed ({@link ReadinessBackend}).
 */
public final class ReadinessAio extends ReadinessBackend {
    private static final int WATCH_EVENTS = Epoll.EPOLLIN | Epoll.EPOLLOUT | Epoll.EPOLLRDHUP
            | Epoll.EPOLLET;

    public ReadinessAio(SourceContext context, Aio aio) {
        super(context, aio);
    }

    @Override
    protected boolean watchSocket(AioSocket s, AioOp op) {
        return watch(s, op, WATCH_EVENTS, events -> drive(s));
    }

    @Override
    protected long receiveInto(AioOp op, RecvPool p, int id) {
        return Sockets.recv(op.socket.socket.fd(), p.slab, id * p.size, p.size);
    }

    @Override
    public void socketClosing(AioSocket s) {
        unwatch(s);
    }
}
