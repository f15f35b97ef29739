package org.kevent.net;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.kevent.KeventException;
import org.kevent.internal.access.EngineSecrets;
import org.kevent.internal.linux.SocketWaits;
import org.kevent.internal.portable.PortableSocket;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.Sockets;
import org.kevent.internal.access.NetSecrets;
import org.kevent.internal.source.socket.Deadlines;
import org.kevent.internal.source.socket.SocketState;

/**
 * A connected (or connecting) TCP socket the library owns: nonblocking, close-on-exec, watched
 * with {@link org.kevent.Ukevent#socket(TcpSocket, int)}.
 *
 * <h2>Semantics</h2>
 * {@code recv} returns the bytes read, 0 if none are there (it would block), -1 at end of stream;
 * {@code send} returns the bytes taken, 0 if none (it would block). Neither throws for "would
 * block"; both throw {@link KeventException} naming the call and the errno for real errors
 * ({@code ECONNRESET}, {@code EPIPE}, ...). A reset that a queue already reported as
 * {@link org.kevent.Kevent#SOCKET_ERR} is thrown by the next {@code recv} that reaches the end of
 * the stream, so the error is seen whichever side looks first. Heap buffers and arrays go to the
 * kernel without a staging copy; nothing on these paths allocates. {@link #close} ends the
 * connection with FIN after the data already sent; {@link #abort} ends it with RST and drops
 * that data.
 *
 * <h2>Blocking calls</h2>
 * {@code read}, {@code readFully}, {@code write}, {@code writeAll}, {@code writeFile},
 * {@code awaitReadable} and {@code awaitWritable} wait, up to a timeout per call, where the calls
 * above would return 0: the way to write a connection as straight-line code on a virtual thread
 * (docs/SEMANTICS.md §9). A virtual thread parks (its carrier runs other virtual threads) and one
 * shared platform thread unparks it when the kernel reports the socket; a platform thread sleeps
 * in {@code poll(2)}. Besides the {@link KeventException}s of the calls above they throw:
 * {@link SocketTimeoutException} when the timeout passes, {@link AsynchronousCloseException}
 * when another thread closes the socket during the call, {@link ClosedChannelException} when it
 * was closed before, {@link InterruptedIOException} when the thread is interrupted while it must
 * wait (the interrupt status is kept and the socket stays open: unlike
 * {@code java.net.Socket}, an interrupt does not close it; bytes already there are returned
 * first). For {@code readFully} and {@code writeAll} the timeout bounds the whole call, and a
 * timeout's or an interrupt's {@code bytesTransferred} tells how far the call got. Timeouts:
 * negative for no limit, zero to try once. Blocking reads queue up behind each other, as do
 * blocking writes.
 *
 * <h2>Engines</h2>
 * A socket follows the default engine when it is made (docs/SEMANTICS.md §10): a kernel socket
 * on the Linux engine, a {@code java.nio} {@code SocketChannel} on the portable engine (chosen by
 * {@code -Dkevent.engine=portable}, or because native access is refused or the OS is not Linux);
 * an accepted socket follows its listener. The contract above holds on both; where the portable
 * engine differs (what a selector cannot tell, options {@code java.nio} lacks), §10 says so. A
 * socket is watched by queues of its own engine.
 *
 * <h2>Threading</h2>
 * Any thread. See the package documentation for close during a call.
 */
public final class TcpSocket implements AutoCloseable {
    static {
        NetSecrets.setSockets(socket -> socket.state);
    }

    /**
     * Longest {@code SO_LINGER} timeout set, in seconds: {@code java.net.Socket}'s cap, and small
     * enough that {@code seconds * HZ} fits the 32 bits older kernels compute it in.
     */
    private static final int MAX_LINGER_SECONDS = 65_535;

    private static final int READ_ARRAY = 0;
    private static final int READ_BUFFER = 1;
    private static final int WRITE_ARRAY = 2;
    private static final int WRITE_BUFFER = 3;

    private final SocketState state;
    /** The blocking calls' waits of a kernel socket; null on the portable engine. */
    private final SocketWaits waits;
    /** The channel beneath a socket of the portable engine; null on the Linux engine. */
    private final PortableSocket portable;
    private final int id;
    private volatile InetSocketAddress remote;

    private TcpSocket(int fd, int connectState) {
        this.id = fd;
        this.state = new SocketState(fd, this, false, connectState);
        this.waits = new SocketWaits(state);
        this.portable = null;
    }

    private TcpSocket(SocketChannel channel, boolean accepted) {
        this.portable = new PortableSocket(channel, this, accepted);
        this.state = portable.state();
        this.waits = null;
        this.id = portable.number();
    }

    static TcpSocket accepted(int fd) {
        return new TcpSocket(fd, SocketState.CONNECT_NONE);
    }

    /** A connection a portable listener accepted: a portable socket too. */
    static TcpSocket accepted(SocketChannel channel) {
        return new TcpSocket(channel, true);
    }

    /**
     * Starts a nonblocking connect. Completion is a {@link org.kevent.Kevent#SOCKET_CONNECT} event
     * (delivered at once to an interest added after it completed); a refusal is a
     * {@link org.kevent.Kevent#SOCKET_ERR} event with {@code ECONNREFUSED} in {@code data2}.
     *
     * @param remote a resolved address, IPv4 or IPv6
     * @return the socket, connecting or connected
     * @throws KeventException naming {@code socket} or {@code connect} for failures known at once
     *                         ({@code ENETUNREACH}, {@code EADDRNOTAVAIL}, {@code EMFILE}, ...)
     * @throws IllegalArgumentException if the address is unresolved
     */
    public static TcpSocket connect(InetSocketAddress remote) {
        return connect(remote, null);
    }

    /**
     * @return the SOCKET interest id of this socket: its fd number on the Linux engine, its
     *         portable descriptor number on the portable one (kept after close)
     */
    public int id() {
        return id;
    }

    // ---------------------------------------------------------------------------------- receive

    /**
     * Reads into {@code dst} from its position up to its limit, moving the position.
     *
     * @param dst a heap or direct buffer
     * @return bytes read (&gt; 0), 0 if none are there or {@code dst} has no room, -1 at end of stream
     * @throws KeventException naming {@code recv} and the errno ({@code ECONNRESET}, {@code EBADF} once closed, ...)
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     */
    public int recv(ByteBuffer dst) {
        int room = dst.remaining();
        if (room == 0) {
            return 0;
        }
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        PortableSocket p = portable;
        if (p != null) {
            return p.recv(dst, room);
        }
        return recvOn(openFd(state, "recv"), dst, room);
    }

    /** One receive into {@code dst} (room bytes left) on an open descriptor: recv's contract. */
    private int recvOn(int fd, ByteBuffer dst, int room) {
        SocketState s = state;
        int before = s.readiness();
        long n = Sockets.recv(fd, dst);
        if (n > 0) {
            dst.position(dst.position() + (int) n);
            if (n < room) {
                s.drained(before, SocketState.RECV_SIDE);
            }
            return (int) n;
        }
        return n == -Errno.EINTR ? recvOn(fd, dst, room) : recvEnd(n, before);
    }

    /**
     * Reads into {@code dst[off..off+len)}.
     *
     * @return bytes read (&gt; 0), 0 if none are there or {@code len} is 0, -1 at end of stream
     * @throws KeventException naming {@code recv} and the errno
     * @throws IndexOutOfBoundsException if the range is outside {@code dst}
     */
    public int recv(byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        if (len == 0) {
            return 0;
        }
        PortableSocket p = portable;
        if (p != null) {
            return p.recv(dst, off, len);
        }
        return recvOn(openFd(state, "recv"), dst, off, len);
    }

    private int recvOn(int fd, byte[] dst, int off, int len) {
        SocketState s = state;
        int before = s.readiness();
        long n = Sockets.recv(fd, dst, off, len);
        if (n > 0) {
            if (n < len) {
                s.drained(before, SocketState.RECV_SIDE);
            }
            return (int) n;
        }
        return n == -Errno.EINTR ? recvOn(fd, dst, off, len) : recvEnd(n, before);
    }

    /** End of stream, would-block or failure: kept out of the hot path. */
    private int recvEnd(long n, int before) {
        if (n == 0) {
            int err = state.error();
            if (err != 0) {
                throw Errno.exception("recv", err, "socket " + id + " (reported earlier as SOCKET_ERR)");
            }
            return -1;
        }
        if (n == -Errno.EAGAIN) {
            state.drained(before, SocketState.RECV_SIDE);
            return 0;
        }
        throw Errno.exception("recv", (int) -n, "socket " + id);
    }

    // ---------------------------------------------------------------------------------- send

    /**
     * Writes {@code src} from its position up to its limit, moving the position by what was taken.
     *
     * @param src a heap or direct buffer
     * @return bytes taken, 0 if the socket's buffer is full (or {@code src} is empty)
     * @throws KeventException naming {@code send} and the errno ({@code EPIPE}, {@code ECONNRESET}, ...)
     */
    public int send(ByteBuffer src) {
        int count = src.remaining();
        if (count == 0) {
            return 0;
        }
        PortableSocket p = portable;
        if (p != null) {
            return p.send(src, count);
        }
        return sendOn(openFd(state, "send"), src, count);
    }

    private int sendOn(int fd, ByteBuffer src, int count) {
        SocketState s = state;
        int before = s.readiness();
        long n = Sockets.send(fd, src);
        if (n > 0) {
            src.position(src.position() + (int) n);
            if (n < count) {
                s.drained(before, SocketState.SEND_SIDE);
            }
            return (int) n;
        }
        return n == -Errno.EINTR ? sendOn(fd, src, count) : sendEnd("send", n, before);
    }

    /**
     * Writes {@code src[off..off+len)}.
     *
     * @return bytes taken, 0 if the socket's buffer is full (or {@code len} is 0)
     * @throws KeventException naming {@code send} and the errno
     * @throws IndexOutOfBoundsException if the range is outside {@code src}
     */
    public int send(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        if (len == 0) {
            return 0;
        }
        PortableSocket p = portable;
        if (p != null) {
            return p.send(src, off, len);
        }
        return sendOn(openFd(state, "send"), src, off, len);
    }

    private int sendOn(int fd, byte[] src, int off, int len) {
        SocketState s = state;
        int before = s.readiness();
        long n = Sockets.send(fd, src, off, len);
        if (n > 0) {
            if (n < len) {
                s.drained(before, SocketState.SEND_SIDE);
            }
            return (int) n;
        }
        return n == -Errno.EINTR ? sendOn(fd, src, off, len) : sendEnd("send", n, before);
    }

    /**
     * Gathering write ({@code sendmsg} with an iovec, like {@code writev}) of
     * {@code srcs[off..off+len)}, moving each buffer's position by what was taken from it. At most
     * 64 buffers and 64 KiB of heap-buffer bytes go per call (direct buffers are not staged).
     *
     * @return bytes taken in all, 0 if the socket's buffer is full (or nothing remains)
     * @throws KeventException naming {@code sendmsg} and the errno
     */
    public long send(ByteBuffer[] srcs, int off, int len) {
        Objects.checkFromIndexSize(off, len, srcs.length);
        PortableSocket p = portable;
        if (p != null) {
            return p.send(srcs, off, len);
        }
        SocketState s = state;
        int fd = openFd(s, "sendmsg");
        int before = s.readiness();
        long n = Sockets.sendv(fd, srcs, off, len);
        if (n > 0) {
            long left = n;
            for (int k = off; k < off + len && left > 0; k++) {
                ByteBuffer b = srcs[k];
                int take = (int) Math.min(left, b.remaining());
                b.position(b.position() + take);
                left -= take;
            }
            return n;
        }
        return n == -Errno.EINTR ? send(srcs, off, len) : sendEndLong("sendmsg", n, before);
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code offset} with {@code sendfile(2)},
     * synchronously (the asynchronous form comes with network AIO).
     *
     * @return bytes sent; 0 if the socket's buffer is full or {@code offset} is at or past the end of the file
     * @throws KeventException naming {@code sendfile} and the errno
     */
    public long sendfile(NativeFile file, long offset, long count) {
        if (offset < 0 || count < 0) {
            throw new IllegalArgumentException("negative offset " + offset + " or count " + count);
        }
        if (count == 0) {
            return 0;
        }
        PortableSocket p = portable;
        if (p != null) {
            return Math.max(p.sendfile(file.channel(), offset, count), 0);
        }
        return Math.max(sendfileOn(openFd(state, "sendfile"), file, offset, count), 0);
    }

    /** @return bytes sent, 0 at the end of the file, -1 if the socket's buffer is full */
    private long sendfileOn(int fd, NativeFile file, long offset, long count) {
        SocketState s = state;
        int before = s.readiness();
        long n = Sockets.sendfile(fd, file.descriptor(), offset, count);
        if (n >= 0) {
            return n;
        }
        if (n == -Errno.EINTR) {
            return sendfileOn(fd, file, offset, count);
        }
        sendEndLong("sendfile", n, before);   // EAGAIN (the side drained), or it throws
        return -1;
    }

    private long sendEndLong(String call, long n, int before) {
        if (n == -Errno.EAGAIN) {
            state.drained(before, SocketState.SEND_SIDE);
            return 0;
        }
        if (n == 0) {
            return 0;
        }
        throw Errno.exception(call, (int) -n, "socket " + id);
    }

    private int sendEnd(String call, long n, int before) {
        return (int) sendEndLong(call, n, before);
    }

    private int openFd(SocketState s, String call) {
        int fd = s.fd();
        if (fd < 0) {
            throw new KeventException(call, "EBADF", "socket " + id + " is closed");
        }
        return fd;
    }

    // ---------------------------------------------------------------------------------- blocking

    /**
     * Reads into {@code dst} from its position up to its limit, waiting until at least one byte
     * is there (or the end of the stream).
     *
     * @param dst     a heap or direct buffer
     * @param timeout how long to wait; negative for no limit, zero to try once
     * @return bytes read (&gt; 0), -1 at end of stream, 0 only if {@code dst} has no room
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     * @throws KeventException naming {@code recv} and the errno ({@code ECONNRESET}, ...)
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     */
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        return bufferCall(READ_BUFFER, dst, timeout, false);
    }

    /**
     * Reads into {@code dst[off..off+len)}, waiting until at least one byte is there (or the end
     * of the stream); see {@link #read(ByteBuffer, Duration)}.
     *
     * @param timeout how long to wait; negative for no limit, zero to try once
     * @return bytes read (&gt; 0), -1 at end of stream, 0 only if {@code len} is 0
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     * @throws KeventException naming {@code recv} and the errno
     * @throws IndexOutOfBoundsException if the range is outside {@code dst}
     */
    public int read(byte[] dst, int off, int len, Duration timeout) throws IOException {
        return arrayCall(READ_ARRAY, dst, off, len, timeout, false);
    }

    /**
     * Reads until {@code dst} is full (position = limit). The timeout bounds the whole call.
     *
     * @param timeout how long the whole call may take; negative for no limit
     * @throws EOFException if the stream ends first (the position tells how far it got)
     * @throws SocketTimeoutException if the timeout passed first: {@code bytesTransferred} tells how many
     *         bytes were read (so does the position)
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     * @throws KeventException naming {@code recv} and the errno
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     */
    public void readFully(ByteBuffer dst, Duration timeout) throws IOException {
        bufferCall(READ_BUFFER, dst, timeout, true);
    }

    /**
     * Reads exactly {@code len} bytes into {@code dst[off..off+len)}. The timeout bounds the
     * whole call.
     *
     * @param timeout how long the whole call may take; negative for no limit
     * @throws EOFException if the stream ends first
     * @throws SocketTimeoutException if the timeout passed first: {@code bytesTransferred} tells how many
     *         bytes were read
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     * @throws KeventException naming {@code recv} and the errno
     * @throws IndexOutOfBoundsException if the range is outside {@code dst}
     */
    public void readFully(byte[] dst, int off, int len, Duration timeout) throws IOException {
        arrayCall(READ_ARRAY, dst, off, len, timeout, true);
    }

    /**
     * Writes from {@code src}'s position up to its limit, waiting until the socket takes at least
     * one byte; moves the position by what was taken.
     *
     * @param timeout how long to wait; negative for no limit, zero to try once
     * @return bytes taken (&gt; 0), 0 only if {@code src} is empty
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     * @throws KeventException naming {@code send} and the errno ({@code EPIPE}, {@code ECONNRESET}, ...)
     */
    public int write(ByteBuffer src, Duration timeout) throws IOException {
        return bufferCall(WRITE_BUFFER, src, timeout, false);
    }

    /**
     * Writes {@code src[off..off+len)}, waiting until the socket takes at least one byte.
     *
     * @param timeout how long to wait; negative for no limit, zero to try once
     * @return bytes taken (&gt; 0), 0 only if {@code len} is 0
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     * @throws KeventException naming {@code send} and the errno
     * @throws IndexOutOfBoundsException if the range is outside {@code src}
     */
    public int write(byte[] src, int off, int len, Duration timeout) throws IOException {
        return arrayCall(WRITE_ARRAY, src, off, len, timeout, false);
    }

    /**
     * Writes all of {@code src} (position = limit on return). The timeout bounds the whole call.
     *
     * @param timeout how long the whole call may take; negative for no limit
     * @throws SocketTimeoutException if the timeout passed first: {@code bytesTransferred} tells how many
     *         bytes were taken (so does the position)
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     * @throws KeventException naming {@code send} and the errno
     */
    public void writeAll(ByteBuffer src, Duration timeout) throws IOException {
        bufferCall(WRITE_BUFFER, src, timeout, true);
    }

    /**
     * Writes all of {@code src[off..off+len)}. The timeout bounds the whole call.
     *
     * @param timeout how long the whole call may take; negative for no limit
     * @throws SocketTimeoutException if the timeout passed first: {@code bytesTransferred} tells how many
     *         bytes were taken
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     * @throws KeventException naming {@code send} and the errno
     * @throws IndexOutOfBoundsException if the range is outside {@code src}
     */
    public void writeAll(byte[] src, int off, int len, Duration timeout) throws IOException {
        arrayCall(WRITE_ARRAY, src, off, len, timeout, true);
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code offset} with {@code sendfile(2)},
     * waiting until the socket takes at least one byte.
     *
     * @param timeout how long to wait; negative for no limit, zero to try once
     * @return bytes sent (&gt; 0); 0 if {@code count} is 0 or {@code offset} is at or past the end of the file
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     * @throws KeventException naming {@code sendfile} and the errno
     * @throws IllegalArgumentException if {@code offset} or {@code count} is negative
     */
    public long writeFile(NativeFile file, long offset, long count, Duration timeout) throws IOException {
        if (offset < 0 || count < 0) {
            throw new IllegalArgumentException("negative offset " + offset + " or count " + count);
        }
        long deadline = deadline(timeout);
        if (count == 0) {
            return 0;
        }
        PortableSocket p = portable;
        int fd = begin(SocketWaits.WRITE, deadline, "sendfile");
        try {
            for (;;) {
                long n;
                try {
                    n = p == null ? sendfileOn(fd, file, offset, count) : p.sendfile(file.channel(), offset, count);
                } catch (KeventException e) {
                    checkOpen(e);
                    throw e;
                }
                if (n >= 0) {
                    return n;
                }
                await(SocketWaits.WRITE, fd, deadline, "sendfile");
            }
        } finally {
            end(SocketWaits.WRITE);
        }
    }

    /**
     * Waits until the socket may be readable: bytes, the end of the stream, or an error to
     * report. For code that reads with {@link #recv} itself: {@code recv} until it returns 0,
     * then this. On a virtual thread it returns at once unless the last {@code recv} came back
     * short or empty since the kernel last reported the socket readable, so it may return once
     * for bytes already read (the next {@code recv} then returns 0); on a platform thread it asks
     * the kernel ({@code poll}).
     *
     * @param timeout how long to wait; negative for no limit, zero to look once
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     */
    public void awaitReadable(Duration timeout) throws IOException {
        awaitReady(SocketWaits.READ, "recv", timeout);
    }

    /**
     * Waits until the socket may take bytes; the counterpart of {@link #awaitReadable} for code
     * that sends with {@link #send} until it returns 0.
     *
     * @param timeout how long to wait; negative for no limit, zero to look once
     * @throws IOException a timeout, a close, an interrupt (see "Blocking calls" in the class documentation)
     */
    public void awaitWritable(Duration timeout) throws IOException {
        awaitReady(SocketWaits.WRITE, "send", timeout);
    }

    private void awaitReady(int side, String call, Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        PortableSocket p = portable;
        int fd = begin(side, deadline, call);
        try {
            if (p == null) {
                waits.awaitReady(side, fd, deadline, call);
            } else {
                p.awaitReady(side, deadline, call);
            }
        } finally {
            end(side);
        }
    }

    /** The checks of the array forms, then {@link #blocking}; nothing to move is 0 at once. */
    private int arrayCall(int op, byte[] array, int off, int len, Duration timeout, boolean all) throws IOException {
        Objects.checkFromIndexSize(off, len, array.length);
        long deadline = deadline(timeout);
        return len == 0 ? 0 : blocking(op, array, null, off, len, deadline, all);
    }

    /** The checks of the buffer forms, then {@link #blocking}; nothing to move is 0 at once. */
    private int bufferCall(int op, ByteBuffer buffer, Duration timeout, boolean all) throws IOException {
        int count = buffer.remaining();
        long deadline = deadline(timeout);
        if (count == 0) {
            return 0;
        }
        if (op == READ_BUFFER && buffer.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        return blocking(op, null, buffer, 0, count, deadline, all);
    }

    /**
     * The loop of every blocking read and write: attempt, and wait where the attempt would block.
     * One method for the four forms (array or buffer, read or write) so the rules live once; no
     * lambda, so nothing is allocated per call.
     *
     * @param all until {@code len} bytes moved (readFully, writeAll), else until one did
     * @return bytes moved, or -1 at end of stream before any byte (reads without {@code all})
     */
    private int blocking(int op, byte[] array, ByteBuffer buffer, int off, int len, long deadline, boolean all)
            throws IOException {
        int side = op <= READ_BUFFER ? SocketWaits.READ : SocketWaits.WRITE;
        String call = side == SocketWaits.READ ? "recv" : "send";
        PortableSocket p = portable;
        int fd = begin(side, deadline, call);
        int done = 0;
        try {
            for (;;) {
                int n;
                try {
                    n = p != null ? attemptPortable(p, op, array, buffer, off + done, len - done) : switch (op) {
                        case READ_ARRAY -> recvOn(fd, array, off + done, len - done);
                        case READ_BUFFER -> recvOn(fd, buffer, len - done);
                        case WRITE_ARRAY -> sendOn(fd, array, off + done, len - done);
                        default -> sendOn(fd, buffer, len - done);
                    };
                } catch (KeventException e) {
                    checkOpen(e);
                    throw e;
                }
                if (n > 0) {
                    done += n;
                    if (!all || done == len) {
                        return done;
                    }
                } else if (n < 0) {
                    checkOpen();   // a close's shutdown ends the stream too
                    if (all) {
                        throw new EOFException("end of stream after " + done + " of " + len + " bytes");
                    }
                    return -1;
                } else {
                    await(side, fd, deadline, call);
                }
            }
        } catch (InterruptedIOException e) {
            e.bytesTransferred = done;
            throw e;
        } finally {
            end(side);
        }
    }

    /** One attempt of {@link #blocking} on a portable socket. */
    private static int attemptPortable(PortableSocket p, int op, byte[] array, ByteBuffer buffer, int off, int len) {
        return switch (op) {
            case READ_ARRAY -> p.recv(array, off, len);
            case READ_BUFFER -> p.recv(buffer, len);
            case WRITE_ARRAY -> p.send(array, off, len);
            default -> p.send(buffer, len);
        };
    }

    // The waits of the blocking calls, on the socket's engine: a final field's null check each,
    // the Linux engine's calls unchanged behind it.

    private static long deadline(Duration timeout) {
        return Deadlines.of(timeout);
    }

    private int begin(int side, long deadline, String call) throws IOException {
        PortableSocket p = portable;
        return p == null ? waits.begin(side, deadline, call) : p.begin(side, deadline, call);
    }

    private void await(int side, int fd, long deadline, String call) throws IOException {
        PortableSocket p = portable;
        if (p == null) {
            waits.await(side, fd, deadline, call);
        } else {
            p.await(side, deadline, call);
        }
    }

    private void checkOpen() throws AsynchronousCloseException {
        PortableSocket p = portable;
        if (p == null) {
            waits.checkOpen();
        } else {
            p.checkOpen();
        }
    }

    private void checkOpen(KeventException failure) throws AsynchronousCloseException {
        PortableSocket p = portable;
        if (p == null) {
            waits.checkOpen(failure);
        } else {
            p.checkOpen(failure);
        }
    }

    private void end(int side) {
        PortableSocket p = portable;
        if (p == null) {
            waits.end(side);
        } else {
            p.end(side);
        }
    }

    // ---------------------------------------------------------------------------------- control

    /** Shuts down the writing half: the peer reads end of stream once it has read what was sent. */
    public void shutdownOutput() {
        if (portable != null) {
            portable.shutdown(false);
            return;
        }
        shutdown(Sockets.SHUT_WR);
    }

    /** Shuts down the reading half: {@code recv} returns -1 from now on. */
    public void shutdownInput() {
        if (portable != null) {
            portable.shutdown(true);
            return;
        }
        shutdown(Sockets.SHUT_RD);
    }

    private void shutdown(int how) {
        int r = Sockets.shutdown(openFd(state, "shutdown"), how);
        if (r < 0) {
            throw Errno.exception("shutdown", -r, "socket " + id);
        }
    }

    /** @param on disable Nagle's algorithm ({@code TCP_NODELAY}) */
    public void setTcpNoDelay(boolean on) {
        if (portable != null) {
            portable.set(StandardSocketOptions.TCP_NODELAY, on, "TCP_NODELAY");
            return;
        }
        option(Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, on ? 1 : 0, "TCP_NODELAY");
    }

    /** @param on send keep-alive probes on an idle connection ({@code SO_KEEPALIVE}) */
    public void setKeepAlive(boolean on) {
        if (portable != null) {
            portable.set(StandardSocketOptions.SO_KEEPALIVE, on, "SO_KEEPALIVE");
            return;
        }
        option(Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, on ? 1 : 0, "SO_KEEPALIVE");
    }

    /** @param bytes the receive buffer size asked for ({@code SO_RCVBUF}; Linux doubles it) */
    public void setReceiveBufferSize(int bytes) {
        if (portable != null) {
            portable.set(StandardSocketOptions.SO_RCVBUF, positive(bytes), "SO_RCVBUF");
            return;
        }
        option(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, positive(bytes), "SO_RCVBUF");
    }

    /** @param bytes the send buffer size asked for ({@code SO_SNDBUF}; Linux doubles it) */
    public void setSendBufferSize(int bytes) {
        if (portable != null) {
            portable.set(StandardSocketOptions.SO_SNDBUF, positive(bytes), "SO_SNDBUF");
            return;
        }
        option(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, positive(bytes), "SO_SNDBUF");
    }

    /**
     * Bounds the bytes the socket keeps queued but not yet sent ({@code TCP_NOTSENT_LOWAT}):
     * once about {@code bytes} wait for the peer's window, {@code send} and {@code sendfile} take
     * no more (a short count, or 0) and SEND readiness comes back only when fewer than half of
     * them wait. Bytes already sent and not yet acknowledged are not counted, so the send buffer
     * still grows for a fast, distant peer; what a peer that stops reading can make the socket
     * hold is bounded to about this (plus one segment being filled) instead of the whole
     * autotuned send buffer, megabytes on Linux.
     *
     * @param bytes the bound, positive
     * @throws IllegalArgumentException if {@code bytes} is not positive
     * @throws KeventException naming {@code setsockopt} and the errno ({@code EBADF} once closed)
     */
    public void setNotSentLowWatermark(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("not-sent low watermark must be positive, got " + bytes);
        }
        if (portable != null) {
            portable.checkNotClosed("setsockopt");
            throw new KeventException("setsockopt", "EOPNOTSUPP", "TCP_NOTSENT_LOWAT on socket " + id
                    + ": java.nio has no such option, so the portable engine cannot set it (docs/SEMANTICS.md §10)");
        }
        option(Sockets.IPPROTO_TCP, Sockets.TCP_NOTSENT_LOWAT, bytes, "TCP_NOTSENT_LOWAT");
    }

    /**
     * @return the bound of {@link #setNotSentLowWatermark}, or 0 when none was set on this socket
     *         (the system's {@code net.ipv4.tcp_notsent_lowat} applies, unbounded by default)
     * @throws KeventException naming {@code getsockopt} and the errno ({@code EBADF} once closed)
     */
    public int notSentLowWatermark() {
        if (portable != null) {
            portable.checkNotClosed("getsockopt");
            return 0;   // never set: the portable engine cannot set it
        }
        return getOption(Sockets.IPPROTO_TCP, Sockets.TCP_NOTSENT_LOWAT, "TCP_NOTSENT_LOWAT");
    }

    /** @return whether {@code TCP_NODELAY} is set */
    public boolean tcpNoDelay() {
        if (portable != null) {
            return portable.get(StandardSocketOptions.TCP_NODELAY, "TCP_NODELAY");
        }
        return getOption(Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, "TCP_NODELAY") != 0;
    }

    /** @return whether {@code SO_KEEPALIVE} is set */
    public boolean keepAlive() {
        if (portable != null) {
            return portable.get(StandardSocketOptions.SO_KEEPALIVE, "SO_KEEPALIVE");
        }
        return getOption(Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, "SO_KEEPALIVE") != 0;
    }

    /**
     * Sets what {@link #close} does with data not yet sent ({@code SO_LINGER}):
     * <ul>
     *   <li>{@code null}: off, the default. {@code close} returns at once; the kernel goes on
     *       sending what is queued, then ends the connection with FIN.</li>
     *   <li>zero: every {@code close} resets the connection and drops unsent data, as
     *       {@link #abort} does.</li>
     *   <li>positive: {@code close} sends FIN after the queued data, then waits in the kernel
     *       until the peer has acknowledged it all or the timeout has passed; the kernel finishes
     *       the close in the background either way.</li>
     * </ul>
     * The kernel counts whole seconds: a fraction of a second rounds up (500 ms lingers 1 s;
     * rounding down would make it zero, a reset), and anything beyond 65 535 s (about 18 hours)
     * is capped there, as {@code java.net.Socket.setSoLinger} caps it.
     *
     * <p>Linux waits in {@code close} even for a nonblocking socket: with a positive timeout,
     * {@code close} blocks the calling thread (a virtual thread keeps its carrier) for up to that
     * long.
     *
     * @param timeout the linger timeout, or {@code null} for off
     * @throws IllegalArgumentException if {@code timeout} is negative (likely an arithmetic
     *                                  slip: it is not taken as off)
     * @throws KeventException naming {@code setsockopt} and the errno ({@code EBADF} once closed)
     */
    public void setLinger(Duration timeout) {
        int seconds = timeout == null ? -1 : lingerSeconds(timeout);
        if (portable != null) {
            portable.set(StandardSocketOptions.SO_LINGER, seconds, "SO_LINGER");
            return;
        }
        if (seconds > 0) {
            // Before the option: from then on close may wait in the kernel, and a close racing
            // this call must not take the critical path. Left set if the call fails: harmless.
            state.lingers(true);
        }
        int r = Sockets.setLinger(openFd(state, "setsockopt"), seconds >= 0, Math.max(seconds, 0));
        if (r < 0) {
            throw Errno.exception("setsockopt", -r, "SO_LINGER on socket " + id);
        }
        if (seconds <= 0) {
            state.lingers(false);
        }
    }

    private static int lingerSeconds(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("linger timeout must not be negative, got " + timeout
                    + " (null turns SO_LINGER off)");
        }
        long seconds = timeout.getSeconds();
        if (seconds >= MAX_LINGER_SECONDS) {
            return MAX_LINGER_SECONDS;
        }
        return (int) seconds + (timeout.getNano() > 0 ? 1 : 0);
    }

    /**
     * @return the {@code SO_LINGER} timeout in whole seconds as the kernel keeps it (see
     *         {@link #setLinger}), or empty when off (the default)
     * @throws KeventException naming {@code getsockopt} and the errno ({@code EBADF} once closed)
     */
    public Optional<Duration> linger() {
        if (portable != null) {
            int s = portable.get(StandardSocketOptions.SO_LINGER, "SO_LINGER");
            return s < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(s));
        }
        int r = Sockets.getLinger(openFd(state, "getsockopt"));
        if (r == Sockets.LINGER_OFF) {
            return Optional.empty();
        }
        if (r < 0) {
            throw Errno.exception("getsockopt", -r, "SO_LINGER on socket " + id);
        }
        return Optional.of(Duration.ofSeconds(r));
    }

    /** @return the receive buffer size the kernel uses ({@code SO_RCVBUF}) */
    public int receiveBufferSize() {
        if (portable != null) {
            return portable.get(StandardSocketOptions.SO_RCVBUF, "SO_RCVBUF");
        }
        return getOption(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, "SO_RCVBUF");
    }

    /** @return the send buffer size the kernel uses ({@code SO_SNDBUF}) */
    public int sendBufferSize() {
        if (portable != null) {
            return portable.get(StandardSocketOptions.SO_SNDBUF, "SO_SNDBUF");
        }
        return getOption(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, "SO_SNDBUF");
    }

    private static int positive(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + bytes);
        }
        return bytes;
    }

    private void option(int level, int option, int value, String name) {
        int r = Sockets.setInt(openFd(state, "setsockopt"), level, option, value);
        if (r < 0) {
            throw Errno.exception("setsockopt", -r, name + " on socket " + id);
        }
    }

    private int getOption(int level, int option, String name) {
        int r = Sockets.getInt(openFd(state, "getsockopt"), level, option);
        if (r < 0) {
            throw Errno.exception("getsockopt", -r, name + " on socket " + id);
        }
        return r;
    }

    /** @return the local address */
    public InetSocketAddress localAddress() {
        if (portable != null) {
            return portable.local();
        }
        return Sockets.localAddress(openFd(state, "getsockname"));
    }

    /**
     * @return the peer's address
     * @throws KeventException naming {@code getpeername} with {@code ENOTCONN} while not connected
     */
    public InetSocketAddress remoteAddress() {
        InetSocketAddress r = remote;
        if (r == null) {
            r = portable != null ? portable.remote() : Sockets.remoteAddress(openFd(state, "getpeername"));
            remote = r;
        }
        return r;
    }

    /** @return whether {@link #close} has not been called */
    public boolean isOpen() {
        return state.isOpen();
    }

    /**
     * Closes the socket: each interest on it, in every queue, is delivered once more with
     * {@link org.kevent.Kevent#RET_BROKEN} and then removed; each pending network AIO request on
     * it ends cancelled. Idempotent. The connection ends with FIN after the data already sent
     * (unless {@link #setLinger} or {@link #abort} say otherwise).
     */
    @Override
    public void close() {
        state.close();
    }

    /**
     * Resets the connection and closes the socket: {@code SO_LINGER} {on, 0}, then {@link #close}.
     * The kernel sends RST rather than FIN and drops what was not yet sent; the peer reads what had
     * already arrived, then its {@code recv} fails with {@code ECONNRESET} (a queue watching the
     * peer reports {@link org.kevent.Kevent#SOCKET_ERR} with {@code ECONNRESET}, or
     * {@link org.kevent.Kevent#SOCKET_HUP}).
     *
     * <p>Otherwise it is {@link #close}: each interest on the socket, in every queue, is delivered
     * once more with {@link org.kevent.Kevent#RET_BROKEN} and then removed; each pending network
     * AIO request on it ends cancelled ({@code -ECANCELED}); the descriptor is closed once. Like
     * {@code close}, idempotent: once the socket is closed or closing (by {@code close} or
     * {@code abort}, on any thread), it does nothing, and the connection ends as that close ended
     * it.
     *
     * @throws KeventException naming {@code setsockopt} and the errno if {@code SO_LINGER} could
     *                         not be set; the socket is closed all the same, then gracefully
     */
    public void abort() {
        int r = state.abort();
        if (r < 0) {
            throw Errno.exception("setsockopt", -r, "SO_LINGER {on, 0} to abort socket " + id
                    + ": closed gracefully instead");
        }
    }

    @Override
    public String toString() {
        return "TcpSocket[" + id + (isOpen() ? "]" : ", closed]");
    }

    /**
     * Starts a nonblocking connect from a chosen local address: binds the new socket to
     * {@code local}, then connects as {@link #connect(InetSocketAddress)} does (same events, same
     * errors). For a client that must leave from a given address or port, as
     * {@code java.net.Socket.bind} before {@code connect}.
     *
     * @param remote a resolved address, IPv4 or IPv6
     * @param local  the local address to bind, of the same family as {@code remote} (port 0 lets
     *               the kernel pick one), or null to let the kernel choose both, as
     *               {@link #connect(InetSocketAddress)}
     * @return the socket, connecting or connected
     * @throws KeventException naming {@code bind} ({@code EADDRINUSE}, {@code EADDRNOTAVAIL},
     *                         {@code EINVAL} for another family, ...), {@code socket} or
     *                         {@code connect} for failures known at once; no descriptor is left open
     * @throws IllegalArgumentException if an address is unresolved
     */
    public static TcpSocket connect(InetSocketAddress remote, InetSocketAddress local) {
        if (local != null && local.isUnresolved()) {
            throw new IllegalArgumentException("unresolved local address " + local);
        }
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + remote + ": resolve it first");
        }
        return EngineSecrets.make("connect", () -> connectNative(remote, local),
                () -> new TcpSocket(PortableSocket.open(remote, local), false));
    }

    /** {@link #connect(InetSocketAddress, InetSocketAddress)} on the Linux engine. */
    private static TcpSocket connectNative(InetSocketAddress remote, InetSocketAddress local) {
        boolean v6 = Sockets.isIpv6(remote);
        int fd = Sockets.socket(v6);
        if (fd < 0) {
            throw Errno.exception("socket", -fd, "connecting to " + remote);
        }
        if (local != null) {
            int b = Sockets.bind(fd, local);
            if (b < 0) {
                Fd.close(fd);
                throw Errno.exception("bind", -b, local + " before connecting to " + remote);
            }
        }
        int r = Sockets.connect(fd, remote);
        if (r == 0) {
            return new TcpSocket(fd, SocketState.CONNECTED);
        }
        if (r == -Errno.EINPROGRESS) {
            return new TcpSocket(fd, SocketState.CONNECTING);
        }
        if (r == -Errno.ECONNREFUSED) {
            TcpSocket s = new TcpSocket(fd, SocketState.CONNECTING);
            s.state.connectFailed(Errno.ECONNREFUSED);
            return s;
        }
        Fd.close(fd);
        throw Errno.exception("connect", -r, "to " + remote);
    }
}
