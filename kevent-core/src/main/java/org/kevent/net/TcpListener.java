package org.kevent.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import org.kevent.KeventException;
import org.kevent.internal.access.EngineSecrets;
import org.kevent.internal.linux.SocketWaits;
import org.kevent.internal.portable.PortableListener;
import org.kevent.internal.portable.PortableSocket;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.Sockets;
import org.kevent.internal.source.socket.Deadlines;
import org.kevent.internal.source.socket.SocketState;

/**
 * A listening TCP socket the library owns: nonblocking, close-on-exec, {@code SO_REUSEADDR}
 * always. Watch it with {@link org.kevent.Ukevent#socket(TcpListener, int)} for
 * {@link org.kevent.Kevent#SOCKET_ACCEPT}. With {@code reusePort}, several listeners (one per
 * queue and thread) bind the same port and the kernel spreads connections among them.
 * {@link #acceptBlocking} waits for a connection instead (a virtual thread parks; see
 * {@link TcpSocket}'s blocking calls and docs/SEMANTICS.md §9).
 *
 * <p><b>Engines.</b> A listener follows the default engine when it is bound, as a
 * {@link TcpSocket} does (docs/SEMANTICS.md §10): a {@code ServerSocketChannel} on the portable
 * engine. The connections it accepts are of its engine.
 *
 * <p><b>Threading.</b> Any thread; blocking accepts on one listener queue up behind each other.
 */
public final class TcpListener implements AutoCloseable {
    private final SocketState state;
    /** The blocking accepts' waits of a kernel listener; null on the portable engine. */
    private final SocketWaits waits;
    /** The channel beneath a listener of the portable engine; null on the Linux engine. */
    private final PortableListener portable;
    private final int id;
    private final InetSocketAddress local;

    /**
     * accept's EMFILE path must not need a class loaded then: loading one from a directory opens a
     * file, which fails for want of a descriptor (NoClassDefFoundError instead of EMFILE). A
     * holder, so the portable engine, where the bindings cannot load, never runs it.
     */
    private static final class ErrorPathPreload {
        static {
            preload(Errno.exception("accept4", Errno.EMFILE, "preloading the error path"));
        }

        private static void preload(KeventException e) {
            e.getMessage().length();
        }

        static void done() {
        }
    }

    private TcpListener(int fd, InetSocketAddress local) {
        this.id = fd;
        this.local = local;
        this.state = new SocketState(fd, this, true, SocketState.CONNECT_NONE);
        this.waits = new SocketWaits(state);
        this.portable = null;
    }

    private TcpListener(ServerSocketChannel channel) {
        this.portable = new PortableListener(channel, this);
        this.state = portable.state();
        this.waits = null;
        this.id = portable.number();
        this.local = portable.local();
    }

    /**
     * Binds and listens.
     *
     * @param local     the address; port 0 picks a free port ({@link #localAddress()} tells which)
     * @param backlog   connections the kernel queues before {@code accept} (capped by {@code net.core.somaxconn})
     * @param reusePort set {@code SO_REUSEPORT}
     * @return the listener
     * @throws KeventException naming the failed call and errno ({@code EADDRINUSE}, {@code EACCES}, {@code EMFILE}, ...)
     */
    public static TcpListener bind(InetSocketAddress local, int backlog, boolean reusePort) {
        if (local.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + local + ": resolve it first");
        }
        return EngineSecrets.make("bind", () -> bindNative(local, backlog, reusePort),
                () -> new TcpListener(PortableListener.bind(local, backlog, reusePort)));
    }

    /** {@link #bind} on the Linux engine. */
    private static TcpListener bindNative(InetSocketAddress local, int backlog, boolean reusePort) {
        ErrorPathPreload.done();
        int fd = Sockets.socket(Sockets.isIpv6(local));
        if (fd < 0) {
            throw Errno.exception("socket", -fd, "listening on " + local);
        }
        int r = Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
        String call = "setsockopt";
        if (r == 0 && reusePort) {
            r = Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, 1);
        }
        if (r == 0) {
            call = "bind";
            r = Sockets.bind(fd, local);
        }
        if (r == 0) {
            call = "listen";
            r = Sockets.listen(fd, backlog);
        }
        if (r < 0) {
            Fd.close(fd);
            throw Errno.exception(call, -r, "listening on " + local);
        }
        try {
            return new TcpListener(fd, Sockets.localAddress(fd));
        } catch (RuntimeException e) {
            Fd.close(fd);
            throw e;
        }
    }

    /**
     * Accepts one pending connection ({@code accept4}, nonblocking and close-on-exec).
     *
     * @return the connection, or null if none is pending
     * @throws KeventException naming {@code accept4} and the errno ({@code EMFILE} when the process
     *                         is out of descriptors, {@code ENFILE}, {@code EBADF} once closed, ...);
     *                         the connection stays queued, so a level ACCEPT interest keeps firing
     */
    public TcpSocket accept() {
        PortableListener p = portable;
        if (p != null) {
            SocketChannel c = p.accept();
            return c == null ? null : TcpSocket.accepted(c);
        }
        int fd = state.fd();
        if (fd < 0) {
            throw new KeventException("accept4", "EBADF", "listener " + local + " is closed");
        }
        return acceptOn(fd);
    }

    /**
     * Accepts one connection, waiting until one is pending. On a virtual thread the wait parks
     * (its carrier runs other virtual threads); on a platform thread it sleeps in {@code poll(2)}.
     *
     * @param timeout how long to wait; negative for no limit, zero to try once
     * @return the connection
     * @throws SocketTimeoutException     if none came within the timeout
     * @throws AsynchronousCloseException if the listener was closed during the call
     * @throws ClosedChannelException     if it was closed before
     * @throws InterruptedIOException     if the thread was interrupted while it had to wait (status
     *                                    kept; the listener stays open)
     * @throws KeventException            naming {@code accept4} and the errno ({@code EMFILE}, ...),
     *                                    as {@link #accept}
     */
    public TcpSocket acceptBlocking(Duration timeout) throws IOException {
        // One loop for both engines: a portable listener's waits have the Linux waits' shape.
        PortableListener p = portable;
        SocketWaits w = waits;
        long deadline = Deadlines.of(timeout);
        int fd = p == null ? w.begin(SocketWaits.READ, deadline, "accept4") : p.begin(SocketWaits.READ, deadline, "accept4");
        try {
            for (;;) {
                TcpSocket s;
                try {
                    s = p == null ? acceptOn(fd) : accept();
                } catch (KeventException e) {
                    if (p == null) {
                        w.checkOpen(e);
                    } else {
                        p.checkOpen(e);
                    }
                    throw e;
                }
                if (s != null) {
                    return s;
                }
                if (p == null) {
                    w.await(SocketWaits.READ, fd, deadline, "accept4");
                } else {
                    p.await(SocketWaits.READ, deadline, "accept4");
                }
            }
        } finally {
            if (p == null) {
                w.end(SocketWaits.READ);
            } else {
                p.end(SocketWaits.READ);
            }
        }
    }

    private TcpSocket acceptOn(int fd) {
        int before = state.readiness();
        for (;;) {
            int c = Sockets.accept(fd);
            if (c >= 0) {
                return TcpSocket.accepted(c);
            }
            if (c == -Errno.EAGAIN) {
                state.drained(before, SocketState.RECV_SIDE);
                return null;
            }
            if (c != -Errno.EINTR && c != -Errno.ECONNABORTED) {
                throw Errno.exception("accept4", -c, "listener " + local);
            }
        }
    }

    /**
     * @return the SOCKET interest id of this listener: its fd number on the Linux engine, its
     *         portable descriptor number on the portable one (kept after close)
     */
    public int id() {
        return id;
    }

    /** @return the bound address, with the port the kernel picked if 0 was asked */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** @return whether {@link #close} has not been called */
    public boolean isOpen() {
        return state.isOpen();
    }

    /**
     * Closes the listener: each interest on it, in every queue, is delivered once more with
     * {@link org.kevent.Kevent#RET_BROKEN} and then removed. Idempotent.
     */
    @Override
    public void close() {
        state.close();
    }

    @Override
    public String toString() {
        return "TcpListener[" + local + ", fd=" + id + (isOpen() ? "]" : ", closed]");
    }
}
