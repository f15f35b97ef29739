package org.kevent.internal.portable;

import java.util.HashMap;
import java.util.Map;

import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.source.aio.Aio;
import org.kevent.internal.source.aio.AioBackend;
import org.kevent.internal.source.aio.AioOp;
import org.kevent.internal.source.aio.AioSocket;
import org.kevent.internal.source.aio.ReadinessBackend;
import org.kevent.internal.source.aio.RecvPool;

/**
 * Network AIO on the portable engine: the readiness engine's rules ({@link ReadinessBackend},
 * docs/SEMANTICS.md §7) on portable sockets. A socket with requests is watched, edge-triggered,
 * through an alias of its portable descriptor (a poller keys registrations by number, as epoll
 * by fd, and a SOCKET interest of the same queue may hold the socket's own); each step is a
 * channel call ({@link PortableSocket#transfer}; a sendfile's, {@code FileChannel.transferTo}
 * into the socket, {@link PortableSocket#transferFile}).
 */
final class PortableAio extends ReadinessBackend {
    private static final int WATCH_EVENTS = PortableChannel.EPOLLIN | PortableChannel.EPOLLOUT
            | PortableChannel.EPOLLRDHUP | (1 << 31);

    /** The engines a portable queue's network AIO runs on: readiness only. */
    static final Aio.Engines ENGINES = new Aio.Engines() {
        @Override
        public AioBackend openUring(SourceContext context, Aio aio, int cqEntries, boolean singleIssuer) {
            throw new KeventException("io_uring_setup", "EOPNOTSUPP", "the portable engine has no io_uring");
        }

        @Override
        public AioBackend openReadiness(SourceContext context, Aio aio) {
            return new PortableAio(context, aio);
        }
    };

    /** The watch of each socket with requests: its alias and the token it is watched by. */
    private record Watch(PortableDescriptor alias, long token) {
    }

    private final Map<AioSocket, Watch> watches = new HashMap<>();

    private PortableAio(SourceContext context, Aio aio) {
        super(context, aio);
    }

    @Override
    protected boolean watchSocket(AioSocket s, AioOp op) {
        if (!(s.socket.io() instanceof PortableSocket socket)) {
            aio.end(op, -PortableErrors.EINVAL);
            return false;
        }
        PortableDescriptor alias = socket.alias();
        long token = context.watchFd(alias.number(), WATCH_EVENTS, events -> drive(s));
        if (token < 0) {
            socket.dropAlias(alias);
            aio.end(op, token);
            return false;
        }
        watches.put(s, new Watch(alias, token));
        s.watchFd = alias.number();
        return true;
    }

    @Override
    protected long transfer(AioOp op, int fd) {
        if (op.op == Kevent.NAIO_SENDFILE) {
            return socket(op).transferFile(op.file.channel(), op.fileOffset + op.done, op.remaining());
        }
        int index = op.start + (int) op.done;
        int chunk = (int) Math.min(op.remaining(), Integer.MAX_VALUE);
        return socket(op).transfer(op.buffer.slice(index, chunk), op.op == Kevent.NAIO_RECV);
    }

    @Override
    protected long receiveInto(AioOp op, RecvPool pool, int id) {
        return socket(op).transfer(pool.slab.slice(id * pool.size, pool.size), true);
    }

    private static PortableSocket socket(AioOp op) {
        return (PortableSocket) op.socket.socket.io();
    }

    @Override
    public void socketClosing(AioSocket s) {
        Watch w = watches.remove(s);
        if (w != null) {
            context.unwatchFd(w.token, w.alias.number());
            ((PortableChannel) s.socket.io()).dropAlias(w.alias);
            s.watchFd = -1;
        }
    }
}
