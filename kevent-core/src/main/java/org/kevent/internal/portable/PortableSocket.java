package org.kevent.internal.portable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.kevent.KeventException;
import org.kevent.internal.source.socket.SocketState;

/**
 * The portable engine's TCP socket: what lies under a {@code TcpSocket} made on that engine, a
 * nonblocking {@link SocketChannel} (docs/SEMANTICS.md §10). Every call keeps the contract of the
 * Linux engine's: a receive returns the bytes read, 0 if none are there, -1 at end of stream; a
 * send returns the bytes taken, 0 if none; real errors are {@link KeventException}s naming the
 * call and an errno ({@link PortableErrors} says how the JDK's exceptions map, and what cannot be
 * told apart).
 *
 * <h2>Caveats</h2>
 * <ul>
 *   <li>A peer's FIN is learnt when a receive reaches the end of the stream, a reset when a call
 *       fails with it: only then are {@code EPOLLRDHUP}, {@code EPOLLHUP} and {@code EPOLLERR}
 *       reported (the selector says "readable" for all three).</li>
 *   <li>{@code TCP_NOTSENT_LOWAT} has no {@code java.nio} option: setting it is {@code EOPNOTSUPP}.</li>
 *   <li>A byte array goes through a {@link ByteBuffer#wrap wrapper} made per call, and a heap
 *       buffer through the JDK's cached direct buffer (a copy).</li>
 *   <li>{@link FileChannel#transferTo} closes its file when the calling thread is interrupted
 *       during the transfer (the JDK's rule for interruptible channels); an interrupt status set
 *       before the call is put aside for the transfer and restored.</li>
 * </ul>
 */
public final class PortableSocket extends PortableChannel {
    private final SocketChannel socket;
    /** The connect's outcome is known (or there was none): guarded by this object for the transition. */
    private volatile boolean connectDone;
    /** The connect failed with this errno: every call that moves bytes throws it. */
    private volatile int connectError;
    /** End of stream was met: RDHUP was reported. */
    private volatile boolean inputEnded;
    private volatile boolean outputShut;

    /**
     * Wraps a channel made by {@link #open} (connecting, connected, or refused at once: then
     * closed by the JDK) or accepted by a {@link PortableListener}.
     *
     * @param socket   the channel, nonblocking
     * @param owner    the {@code TcpSocket}
     * @param accepted whether it was accepted (there is no connect to report)
     */
    public PortableSocket(SocketChannel socket, Object owner, boolean accepted) {
        super(socket, owner, false, accepted ? SocketState.CONNECT_NONE
                : socket.isConnected() ? SocketState.CONNECTED : SocketState.CONNECTING);
        this.socket = socket;
        if (!socket.isOpen()) {
            // open() found the connect refused at once; the state reports it as an asynchronous one.
            connectDone = true;
            connectError = PortableErrors.ECONNREFUSED;
            state.connectFailed(PortableErrors.ECONNREFUSED);
            failed(PortableErrors.ECONNREFUSED);
        } else if (socket.isConnectionPending()) {
            watch(SelectionKey.OP_CONNECT);
        } else {
            connectDone = true;
            state.onEpoll(EPOLLOUT);   // a fresh connection can take bytes: no selector round for that
            watch(SelectionKey.OP_READ);
        }
    }

    /**
     * Opens a nonblocking channel of the remote's family and starts a connect, from {@code local}
     * if given.
     *
     * @return the channel; {@link SocketChannel#isConnectionPending} tells whether it is under way
     * @throws KeventException naming {@code socket}, {@code bind} or {@code connect}; no channel is left open
     */
    public static SocketChannel open(InetSocketAddress remote, InetSocketAddress local) {
        boolean v6 = remote.getAddress() instanceof Inet6Address;
        SocketChannel ch;
        try {
            ch = SocketChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            ch.configureBlocking(false);
        } catch (IOException | UnsupportedOperationException e) {
            throw PortableErrors.exception("socket", e, "connecting to " + remote);
        }
        String call = "bind";
        try {
            if (local != null) {
                if ((local.getAddress() instanceof Inet6Address) != v6) {
                    // As the kernel refuses a sockaddr of the other family; the JDK would map it.
                    throw PortableErrors.exception("bind", PortableErrors.EINVAL, local + " is not of the family of "
                            + remote + " (Invalid argument)", null);
                }
                ch.bind(local);
            }
            call = "connect";
            try {
                ch.connect(remote);
            } catch (ConnectException refused) {
                // Refused at once (the JDK closed the channel): a socket all the same, whose
                // refusal is reported as an asynchronous one is, as on the Linux engine.
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            if (e instanceof KeventException k) {
                throw k;
            }
            throw PortableErrors.exception(call, e, (call.equals("bind") ? local + " before connecting to " : "to ") + remote);
        }
    }

    @Override
    int readOp() {
        return SelectionKey.OP_READ;
    }

    @Override
    int readyEvents(int readyOps) {
        int e = 0;
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            e |= finishConnect();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            e |= EPOLLIN;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            e |= EPOLLOUT;
        }
        return e;
    }

    /**
     * Settles a connect under way, once: on the selector's report, or at a call that cannot wait
     * for it.
     *
     * @return {@code EPOLLOUT} if it succeeded, {@code EPOLLERR | EPOLLHUP} if it failed, 0 if it
     *         is still under way (or was settled before)
     */
    private synchronized int finishConnect() {
        if (connectDone) {
            return 0;
        }
        try {
            if (!socket.finishConnect()) {
                return 0;
            }
        } catch (IOException e) {
            int errno = PortableErrors.errno(e);
            connectError = errno == PortableErrors.EBADF || errno == PortableErrors.EIO ? PortableErrors.ECONNREFUSED : errno;
            connectDone = true;
            failed(connectError);
            return 0;
        }
        connectDone = true;
        enable(SelectionKey.OP_READ);
        return EPOLLOUT;
    }

    /** @return whether bytes may move: the connect finished well (a failed one throws its error) */
    private boolean connected(String call) {
        if (!connectDone) {
            settleConnect();
            if (!connectDone) {
                return false;
            }
        }
        int err = connectError;
        if (err != 0) {
            throw PortableErrors.exception(call, err, this + ": the connect failed", null);
        }
        return true;
    }

    // ------------------------------------------------------------------------------ receive, send

    /**
     * One receive into {@code dst}, which has {@code room} bytes of room (positive, writable).
     *
     * @return bytes read, 0 if none are there, -1 at end of stream
     */
    public int recv(ByteBuffer dst, int room) {
        checkNotClosed("recv");
        if (!connected("recv")) {
            return 0;
        }
        int n;
        try {
            n = socket.read(dst);
        } catch (IOException e) {
            throw callFailed("recv", e);
        }
        return received(n, room);
    }

    /** One receive into {@code dst[off..off+len)}, {@code len} positive. */
    public int recv(byte[] dst, int off, int len) {
        return recv(ByteBuffer.wrap(dst, off, len), len);
    }

    private int received(int n, int room) {
        if (n > 0) {
            if (n < room) {
                wouldBlock(SocketState.RECV_SIDE);
            }
            return n;
        }
        if (n == 0) {
            wouldBlock(SocketState.RECV_SIDE);
            return 0;
        }
        int err = state.error();
        if (err != 0) {
            throw PortableErrors.exception("recv", err, this + " (reported earlier as SOCKET_ERR)", null);
        }
        inputEnded();
        return -1;
    }

    /** The end of the stream was met: RDHUP (and HUP if the output is shut too), once. */
    private void inputEnded() {
        if (!inputEnded) {
            inputEnded = true;
            report(outputShut ? EPOLLRDHUP | EPOLLHUP : EPOLLRDHUP);
        }
    }

    // ------------------------------------------------------------------------------ network AIO

    /**
     * One step of a network AIO sendfile (the portable readiness engine): as {@link #sendfile},
     * with the results of a system call.
     *
     * @return bytes sent; 0 at or past the end of the file; {@code -errno} ({@code -EAGAIN}: the
     *         socket took none)
     */
    public long transferFile(FileChannel file, long offset, long count) {
        try {
            long n = sendfile(file, offset, count);
            return n < 0 ? -PortableErrors.EAGAIN : n;
        } catch (KeventException e) {
            Throwable cause = e.getCause();
            return -(cause != null ? PortableErrors.errno(cause) : connectError != 0 ? connectError : PortableErrors.EBADF);
        }
    }

    /**
     * One step of a network AIO request (the portable readiness engine): as {@link #recv} or
     * {@link #send} on {@code view}, but with the results of a system call.
     *
     * @param receive whether to receive into {@code view} rather than send from it
     * @return bytes moved; 0 at end of stream; {@code -errno} ({@code -EAGAIN}: would block;
     *         {@code -EFAULT}: the buffer's memory is gone, a closed arena's)
     */
    public long transfer(ByteBuffer view, boolean receive) {
        if (!state.isOpen()) {
            return -PortableErrors.EBADF;
        }
        if (!connectDone) {
            settleConnect();
            if (!connectDone) {
                return -PortableErrors.EAGAIN;
            }
        }
        if (connectError != 0) {
            return -connectError;
        }
        int side = receive ? SocketState.RECV_SIDE : SocketState.SEND_SIDE;
        int n;
        try {
            n = receive ? socket.read(view) : socket.write(view);
        } catch (IOException e) {
            return -failedBy(e);
        } catch (IllegalStateException closedArena) {
            return -PortableErrors.EFAULT;
        }
        if (n < 0) {
            inputEnded();
            return 0;
        }
        if (view.hasRemaining()) {
            wouldBlock(side);
        }
        return n == 0 ? -PortableErrors.EAGAIN : n;
    }

    /** One send of {@code src}'s {@code count} remaining bytes (positive). @return bytes taken, 0 if none */
    public int send(ByteBuffer src, int count) {
        checkNotClosed("send");
        if (!connected("send")) {
            return 0;
        }
        int n;
        try {
            n = socket.write(src);
        } catch (IOException e) {
            throw callFailed("send", e);
        }
        if (n < count) {
            wouldBlock(SocketState.SEND_SIDE);
        }
        return n;
    }

    /** One send of {@code src[off..off+len)}, {@code len} positive. */
    public int send(byte[] src, int off, int len) {
        return send(ByteBuffer.wrap(src, off, len), len);
    }

    /** A gathering send, as {@code sendmsg}: moves each buffer's position. @return bytes taken, 0 if none */
    public long send(ByteBuffer[] srcs, int off, int len) {
        checkNotClosed("sendmsg");
        long count = 0;
        for (int k = off; k < off + len; k++) {
            count += srcs[k].remaining();
        }
        if (count == 0 || !connected("sendmsg")) {
            return 0;
        }
        long n;
        try {
            n = socket.write(srcs, off, len);
        } catch (IOException e) {
            throw callFailed("sendmsg", e);
        }
        if (n < count) {
            wouldBlock(SocketState.SEND_SIDE);
        }
        return n;
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code offset} ({@code sendfile}'s part).
     *
     * @return bytes sent, 0 at or past the end of the file, -1 if the socket took none
     */
    public long sendfile(FileChannel file, long offset, long count) {
        checkNotClosed("sendfile");
        if (!connected("sendfile")) {
            return -1;
        }
        boolean interrupted = Thread.interrupted();
        long n;
        try {
            if (offset >= file.size()) {
                return 0;
            }
            n = file.transferTo(offset, count, socket);
        } catch (IOException e) {
            throw callFailed("sendfile", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (n < count) {
            wouldBlock(SocketState.SEND_SIDE);
        }
        return n == 0 ? -1 : n;
    }

    /** A call failed: the error is the connection's from now on (SOCKET_ERR), then thrown. */
    private KeventException callFailed(String call, IOException e) {
        return PortableErrors.exception(call, failedBy(e), this + ": " + e, e);
    }

    /**
     * A call failed with {@code e}: the connection's error from now on (SOCKET_ERR), unless it is
     * the socket's own close ({@code EBADF}) or cannot be told ({@code EIO}).
     *
     * @return the errno {@code e} stands for
     */
    private int failedBy(IOException e) {
        int errno = PortableErrors.errno(e);
        if (errno != PortableErrors.EBADF && errno != PortableErrors.EIO) {
            failed(errno);
        }
        return errno;
    }

    // ------------------------------------------------------------------------------ control

    /** Shuts down one half: {@code input} for the reading one. */
    public void shutdown(boolean input) {
        checkNotClosed("shutdown");
        settleConnect();
        try {
            if (input) {
                socket.shutdownInput();
            } else {
                socket.shutdownOutput();
                outputShut = true;
                if (inputEnded) {
                    report(EPOLLHUP);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw PortableErrors.exception("shutdown", e, toString());
        }
    }

    /** Sets an option, as {@code setsockopt}. */
    public <T> void set(SocketOption<T> option, T value, String name) {
        checkNotClosed("setsockopt");
        try {
            socket.setOption(option, value);
        } catch (IOException | RuntimeException e) {
            throw PortableErrors.exception("setsockopt", e, name + " on " + this);
        }
    }

    /** Reads an option, as {@code getsockopt}. */
    public <T> T get(SocketOption<T> option, String name) {
        checkNotClosed("getsockopt");
        try {
            return socket.getOption(option);
        } catch (IOException | RuntimeException e) {
            throw PortableErrors.exception("getsockopt", e, name + " on " + this);
        }
    }

    /**
     * @return the local address (a connect under way is settled first if it can be: the JDK
     *         knows the address only then; still under way, it is null)
     */
    public InetSocketAddress local() {
        settleConnect();
        return localAddress();
    }

    /** Asks whether a connect under way has finished, reporting its outcome if so. */
    private void settleConnect() {
        if (!connectDone) {
            int e = finishConnect();
            if (e != 0) {
                report(e);
            }
        }
    }

    /** @return the peer's address; {@code ENOTCONN} naming {@code getpeername} while not connected */
    public InetSocketAddress remote() {
        checkNotClosed("getpeername");
        settleConnect();
        try {
            InetSocketAddress r = (InetSocketAddress) socket.getRemoteAddress();
            if (r == null) {
                throw PortableErrors.exception("getpeername", PortableErrors.ENOTCONN, this + " is not connected", null);
            }
            return r;
        } catch (IOException e) {
            throw PortableErrors.exception("getpeername", e, toString());
        }
    }

    @Override
    public int lingerZero(int fd) {
        try {
            socket.setOption(StandardSocketOptions.SO_LINGER, 0);
            return 0;
        } catch (IOException | RuntimeException e) {
            return -PortableErrors.errno(e);
        }
    }
}
