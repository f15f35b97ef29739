package org.kevent.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Bindings for TCP sockets: {@code socket}, {@code bind}, {@code listen}, {@code accept4},
 * {@code connect}, {@code recv}, {@code send}, {@code sendmsg} (gathering write), {@code sendfile},
 * {@code shutdown}, {@code setsockopt}/{@code getsockopt} (of an {@code int} and of a
 * {@link Linger struct linger}), {@code getsockname}/{@code getpeername} and the {@code close} of a
 * lingering socket ({@link #closeLingering}). The files {@code sendfile} reads are opened by
 * {@link FileOpen}.
 *
 * <p><b>Semantics.</b> Every method returns {@code -errno} on failure and never throws for one,
 * except the address queries ({@link #localAddress}, {@link #remoteAddress}), which throw
 * {@link org.kevent.KeventException}: an address is not a number to return a code in. Every socket
 * is created or accepted nonblocking and close-on-exec; {@code send}/{@code sendmsg} pass
 * {@code MSG_NOSIGNAL}, so a closed peer is {@code -EPIPE}, never a signal.
 *
 * <p><b>Threading.</b> Any thread, any time: structs go through the calling thread's scratch.
 *
 * <p><b>Caveats.</b> {@code recv} and {@code send} are linked {@link Linker.Option#critical
 * critical} with heap access: on a nonblocking socket they return at once, so the kernel may copy
 * straight into or out of a heap buffer (no staging copy, no pinning object). A {@code byte[]} of
 * at most {@value #SMALL_ARRAY_TRANSFER} bytes is staged through the thread's native I/O area all
 * the same: the heap segment such a call wraps the array in ({@code ofArray(..).asSlice(..)})
 * escapes into the downcall unless C2's escape analysis happens to remove it, which depends on
 * the type profiles of the JDK's segment code (measured: 0 or ~700 bytes per round trip from one
 * JVM to the next), and a small copy costs less than that allocation. Larger arrays go straight
 * to the kernel, where the copy would cost more than the wrapper. Everything else is an ordinary
 * downcall. {@link #sendv} stages heap buffers into a per-thread native area of
 * {@value #STAGING_SIZE} bytes, because an {@code iovec} must hold stable addresses.
 */
public final class Sockets {
    /**
     * Largest {@code byte[]} transfer staged through the native I/O area rather than handed to
     * the kernel as a heap segment: the whole area.
     */
    static final int SMALL_ARRAY_TRANSFER = Native.IO_AREA_SIZE;

    /** Stream socket (bits/socket_type.h). */
    public static final int SOCK_STREAM = 1;
    /** Nonblocking flag of {@code socket}/{@code accept4} (= O_NONBLOCK). */
    public static final int SOCK_NONBLOCK = 0x800; // bits/socket_type.h
    /** Close-on-exec flag of {@code socket}/{@code accept4} (= O_CLOEXEC). */
    public static final int SOCK_CLOEXEC = 0x80000; // bits/socket_type.h

    /** Socket-level options (asm-generic/socket.h). */
    public static final int SOL_SOCKET = 1;
    /** Allow rebinding a port in TIME_WAIT. */
    public static final int SO_REUSEADDR = 2; // asm-generic/socket.h
    /** The socket type (reading it also tells a socket from a non-socket). */
    public static final int SO_TYPE = 3; // asm-generic/socket.h
    /** Pending error; reading it clears it. */
    public static final int SO_ERROR = 4; // asm-generic/socket.h
    /** Send buffer size. */
    public static final int SO_SNDBUF = 7; // asm-generic/socket.h
    /** Receive buffer size. */
    public static final int SO_RCVBUF = 8; // asm-generic/socket.h
    /** TCP keep-alive probes. */
    public static final int SO_KEEPALIVE = 9; // asm-generic/socket.h
    /** Several sockets may bind the same port; the kernel spreads connections among them. */
    public static final int SO_REUSEPORT = 15; // asm-generic/socket.h
    /** What {@code close} does with unsent data: a {@link Linger struct linger}. */
    public static final int SO_LINGER = 13; // asm-generic/socket.h
    /**
     * What {@link #getLinger} returns for {@code SO_LINGER} off: below every {@code -errno}
     * (Linux's are -4095..-1) and every timeout, so one {@code int} tells all three apart.
     */
    public static final int LINGER_OFF = Integer.MIN_VALUE;
    /** TCP protocol level (netinet/in.h). */
    public static final int IPPROTO_TCP = 6;
    /** Disable Nagle's algorithm (netinet/tcp.h). */
    public static final int TCP_NODELAY = 1;
    /** Bound on the bytes queued but not yet sent, past which the socket takes no more (linux/tcp.h). */
    public static final int TCP_NOTSENT_LOWAT = 25;

    /** Do not raise SIGPIPE on a closed peer (bits/socket.h). */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** {@code recv}/{@code send}: go on until the whole length is transferred (io_uring retries). */
    public static final int MSG_WAITALL = 0x100;
    /** Shut down the reading half (sys/socket.h). */
    public static final int SHUT_RD = 0;
    /** Shut down the writing half: the peer reads end of stream. */
    public static final int SHUT_WR = 1;
    /** Shut down both halves. */
    public static final int SHUT_RDWR = 2;

    /** Most buffers one {@link #sendv} passes to the kernel. */
    public static final int MAX_IOV = 64;
    /** Bytes of heap data one {@link #sendv} stages at most. */
    public static final int STAGING_SIZE = 64 * 1024;

    // struct iovec { void *iov_base; size_t iov_len; }  (16 bytes on LP64)
    private static final long IOVEC_SIZE = 16;
    // struct msghdr (56 bytes on LP64): name 0, namelen 8, iov 16, iovlen 24, control 32,
    // controllen 40, flags 48.
    private static final long MSGHDR_SIZE = 56;
    private static final long MSG_IOV_OFFSET = 16;
    private static final long MSG_IOVLEN_OFFSET = 24;
    private static final long SOCKADDR_STORAGE_SIZE = 128;

    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Sockets() {
    }

    /**
     * Creates a nonblocking, close-on-exec TCP socket.
     *
     * @param ipv6 {@code AF_INET6} rather than {@code AF_INET}
     * @return the fd, or {@code -errno} ({@code -EMFILE}, {@code -EAFNOSUPPORT}, ...)
     */
    public static int socket(boolean ipv6) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Socket.HANDLE.invokeExact(s.errno,
                    (int) (ipv6 ? SockaddrIn6.AF_INET6 : SockaddrIn.AF_INET),
                    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Binds {@code fd} to a local address.
     *
     * @return 0 or {@code -errno} ({@code -EADDRINUSE}, {@code -EACCES}, ...)
     */
    public static int bind(int fd, InetSocketAddress local) {
        Native.Scratch s = Native.scratch();
        Scratch sc = SCRATCH.get();
        int len = encode(sc.addr, local);
        try {
            return Native.result((int) Bind.HANDLE.invokeExact(s.errno, fd, sc.addr, len), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** @return 0 or {@code -errno} */
    public static int listen(int fd, int backlog) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Listen.HANDLE.invokeExact(s.errno, fd, backlog), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Accepts one pending connection as a nonblocking, close-on-exec socket ({@code accept4}).
     *
     * @return the new fd, or {@code -errno}: {@code -EAGAIN} when none is pending, {@code -EMFILE},
     *         {@code -ENFILE}, {@code -ECONNABORTED}, {@code -EINTR}, ...
     */
    public static int accept(int fd) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Accept4.HANDLE.invokeExact(s.errno, fd, MemorySegment.NULL,
                    MemorySegment.NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Starts connecting a nonblocking socket.
     *
     * @return 0 if connected at once, else {@code -errno}: {@code -EINPROGRESS} (the usual case: the
     *         socket becomes writable when done and {@code SO_ERROR} tells how it went),
     *         {@code -ENETUNREACH}, ...
     */
    public static int connect(int fd, InetSocketAddress remote) {
        Native.Scratch s = Native.scratch();
        Scratch sc = SCRATCH.get();
        int len = encode(sc.addr, remote);
        try {
            return Native.result((int) Connect.HANDLE.invokeExact(s.errno, fd, sc.addr, len), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * {@code setsockopt} with an {@code int} value.
     *
     * @return 0 or {@code -errno}
     */
    public static int setInt(int fd, int level, int option, int value) {
        Native.Scratch s = Native.scratch();
        MemorySegment v = SCRATCH.get().value;
        v.set(JAVA_INT, 0, value);
        try {
            return Native.result((int) SetSockOpt.HANDLE.invokeExact(s.errno, fd, level, option, v,
                    Integer.BYTES), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * {@code getsockopt} of an {@code int} option.
     *
     * @return the value (non-negative for every option this package reads), or {@code -errno}
     *         ({@code -EBADF} for a closed fd, {@code -ENOTSOCK} for an fd that is not a socket)
     */
    public static int getInt(int fd, int level, int option) {
        Native.Scratch s = Native.scratch();
        Scratch sc = SCRATCH.get();
        sc.value.set(JAVA_INT, 0, 0);
        sc.len.set(JAVA_INT, 0, Integer.BYTES);
        try {
            int r = Native.result((int) GetSockOpt.HANDLE.invokeExact(s.errno, fd, level, option,
                    sc.value, sc.len), s);
            return r < 0 ? r : sc.value.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * {@code setsockopt(SO_LINGER)}.
     *
     * @param on      linger on: {@code close} waits up to {@code seconds} for unsent data to be
     *                acknowledged, or with 0 resets the connection and drops it; off (the default):
     *                {@code close} returns at once and the kernel sends the rest in the background
     * @param seconds the timeout, ignored when off; the caller keeps it small enough for
     *                {@code seconds * HZ} to fit 32 bits, which older kernels compute unchecked
     * @return 0 or {@code -errno}
     */
    public static int setLinger(int fd, boolean on, int seconds) {
        Native.Scratch s = Native.scratch();
        MemorySegment v = SCRATCH.get().value;
        v.set(JAVA_INT, Linger.ONOFF_OFFSET, on ? 1 : 0);
        v.set(JAVA_INT, Linger.LINGER_OFFSET, on ? seconds : 0);
        try {
            return Native.result((int) SetSockOpt.HANDLE.invokeExact(s.errno, fd, SOL_SOCKET, SO_LINGER, v,
                    (int) Linger.SIZE), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * {@code getsockopt(SO_LINGER)}.
     *
     * @return the timeout in whole seconds (&ge; 0) when on, {@link #LINGER_OFF} when off, or
     *         {@code -errno} ({@code -EBADF}, {@code -ENOTSOCK})
     */
    public static int getLinger(int fd) {
        Native.Scratch s = Native.scratch();
        Scratch sc = SCRATCH.get();
        sc.value.asSlice(0, Linger.SIZE).fill((byte) 0);
        sc.len.set(JAVA_INT, 0, (int) Linger.SIZE);
        try {
            int r = Native.result((int) GetSockOpt.HANDLE.invokeExact(s.errno, fd, SOL_SOCKET, SO_LINGER,
                    sc.value, sc.len), s);
            if (r < 0) {
                return r;
            }
            return sc.value.get(JAVA_INT, Linger.ONOFF_OFFSET) == 0
                    ? LINGER_OFF : sc.value.get(JAVA_INT, Linger.LINGER_OFFSET);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Closes a socket whose {@code SO_LINGER} is on with a positive timeout. Linux then waits in
     * {@code close} (also for a nonblocking socket) until the unsent data is acknowledged or the
     * timeout passes, so this is an ordinary downcall: {@link Fd#close}, linked critical, would
     * hold every other thread of the JVM at its next safepoint for as long. {@code EINTR} is
     * success, for {@link Fd#close}'s reason: the descriptor is released either way.
     *
     * @return 0 or {@code -errno}; the descriptor is closed either way unless {@code -EBADF}
     */
    public static int closeLingering(int fd) {
        Native.Scratch s = Native.scratch();
        try {
            int r = Native.result((int) LingeringClose.HANDLE.invokeExact(s.errno, fd), s);
            return r == -Errno.EINTR ? 0 : r;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Receives into {@code dst[off..off+len)}: up to {@value #SMALL_ARRAY_TRANSFER} bytes through
     * the thread's native I/O area and one copy, more straight from the kernel into the array.
     *
     * @return bytes read, 0 at end of stream, or {@code -errno} ({@code -EAGAIN}, {@code -ECONNRESET}, ...)
     */
    public static long recv(int fd, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        Native.Scratch s = Native.scratch();
        try {
            if (len <= SMALL_ARRAY_TRANSFER) {
                MemorySegment io = s.io();
                long n = Native.result((long) Recv.HANDLE.invokeExact(s.errno, fd, io, (long) len, 0), s);
                if (n > 0) {
                    MemorySegment.copy(io, JAVA_BYTE, 0, dst, off, (int) n);
                }
                return n;
            }
            return Native.result((long) Recv.HANDLE.invokeExact(s.errno, fd,
                    MemorySegment.ofArray(dst).asSlice(off, len), (long) len, 0), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Receives into {@code dst} between its position and limit, heap or direct; the position is
     * not moved (the caller moves it by the count).
     *
     * @return bytes read, 0 at end of stream (or when nothing remains), or {@code -errno}
     */
    public static long recv(int fd, ByteBuffer dst) {
        return recv(fd, dst, dst.position(), dst.remaining(), callersAddress(dst));
    }

    /**
     * Receives into {@code dst[index, index + length)}, a region between the buffer's position
     * and limit, heap or direct; the position is not moved.
     *
     * @return bytes read, 0 at end of stream, or {@code -errno}
     * @throws IndexOutOfBoundsException if the region is not between position and limit
     */
    public static long recv(int fd, ByteBuffer dst, int index, int length) {
        return recv(fd, dst, index, length, requestAddress(dst, index, length));
    }

    /** Receives into the region at {@code address}, or through a segment of the buffer if it is -1. */
    private static long recv(int fd, ByteBuffer dst, int index, int length, long address) {
        Native.Scratch s = Native.scratch();
        try {
            if (address >= 0) {
                return Native.result((long) RecvAt.HANDLE.invokeExact(s.errno, fd, address, (long) length, 0), s);
            }
            return Native.result((long) Recv.HANDLE.invokeExact(s.errno, fd, IoBuffers.region(dst, index, length),
                    (long) length, 0), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            Reference.reachabilityFence(dst);
        }
    }

    /**
     * Sends {@code src[index, index + length)} with {@code MSG_NOSIGNAL}; bounds as
     * {@link #recv(int, ByteBuffer, int, int)}.
     *
     * @return bytes sent, or {@code -errno}
     */
    public static long send(int fd, ByteBuffer src, int index, int length) {
        return send(fd, src, index, length, requestAddress(src, index, length));
    }

    /** Sends the region at {@code address}, or through a segment of the buffer if it is -1. */
    private static long send(int fd, ByteBuffer src, int index, int length, long address) {
        Native.Scratch s = Native.scratch();
        try {
            if (address >= 0) {
                return Native.result((long) SendAt.HANDLE.invokeExact(s.errno, fd, address, (long) length,
                        MSG_NOSIGNAL), s);
            }
            return Native.result((long) Send.HANDLE.invokeExact(s.errno, fd, IoBuffers.region(src, index, length),
                    (long) length, MSG_NOSIGNAL), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            Reference.reachabilityFence(src);
        }
    }

    /**
     * The address of a request's region of a direct buffer (the caller has refused closeable
     * arenas' buffers already: a request cannot keep their memory alive), or -1 for a heap buffer.
     */
    private static long requestAddress(ByteBuffer buffer, int index, int length) {
        return buffer.isDirect() ? IoBuffers.address(SCRATCH.get().addresses, buffer, index, length) : -1;
    }

    /**
     * The address of a caller's direct buffer between position and limit, or -1 to pass a segment.
     * By address because MemorySegment.ofBuffer makes a segment and a session per call, which only
     * escape analysis removes. Not a closeable arena's buffer: its segment keeps the memory alive
     * for the call, or fails if it is gone already. Not on a virtual thread: the address cache is
     * per thread, a few KiB each, and a server may run one virtual thread per connection.
     */
    private static long callersAddress(ByteBuffer buffer) {
        return buffer.isDirect() && !Thread.currentThread().isVirtual()
                ? IoBuffers.addressUnlessCloseable(SCRATCH.get().addresses, buffer, buffer.position(), buffer.remaining())
                : -1;
    }

    /**
     * Sends {@code src[off..off+len)} with {@code MSG_NOSIGNAL}; staged as {@link #recv(int, byte[],
     * int, int)} stages.
     *
     * @return bytes sent, or {@code -errno} ({@code -EAGAIN}, {@code -EPIPE}, {@code -ECONNRESET}, ...)
     */
    public static long send(int fd, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        Native.Scratch s = Native.scratch();
        try {
            if (len <= SMALL_ARRAY_TRANSFER) {
                MemorySegment io = s.io();
                MemorySegment.copy(src, off, io, JAVA_BYTE, 0, len);
                return Native.result((long) Send.HANDLE.invokeExact(s.errno, fd, io, (long) len, MSG_NOSIGNAL), s);
            }
            return Native.result((long) Send.HANDLE.invokeExact(s.errno, fd,
                    MemorySegment.ofArray(src).asSlice(off, len), (long) len, MSG_NOSIGNAL), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Sends {@code src} between its position and limit with {@code MSG_NOSIGNAL}; the position is
     * not moved.
     *
     * @return bytes sent, or {@code -errno}
     */
    public static long send(int fd, ByteBuffer src) {
        return send(fd, src, src.position(), src.remaining(), callersAddress(src));
    }

    /**
     * Gathering send ({@code sendmsg} with {@code MSG_NOSIGNAL}) of {@code srcs[off..off+len)}, each
     * between its position and limit. At most {@link #MAX_IOV} buffers go per call; heap buffers
     * are staged (at most {@link #STAGING_SIZE} bytes of them per call). Positions are not moved.
     *
     * @return bytes sent, or {@code -errno}
     */
    public static long sendv(int fd, ByteBuffer[] srcs, int off, int len) {
        Objects.checkFromIndexSize(off, len, srcs.length);
        Scratch sc = SCRATCH.get();
        int n = fillIov(sc, srcs, off, len);
        if (n == 0) {
            return 0;
        }
        MemorySegment msg = sc.msghdr;
        msg.fill((byte) 0);
        msg.set(ADDRESS, MSG_IOV_OFFSET, sc.iov);
        msg.set(JAVA_LONG, MSG_IOVLEN_OFFSET, n);
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((long) SendMsg.HANDLE.invokeExact(s.errno, fd, msg, MSG_NOSIGNAL), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            // Direct buffers must stay reachable (so not freed) until the kernel has copied them.
            Reference.reachabilityFence(srcs);
        }
    }

    /**
     * Fills the thread's iovec array for {@link #sendv}: direct buffers in place, heap buffers
     * copied into the staging area. Empty buffers are skipped; it stops at {@link #MAX_IOV}
     * entries or when the staging area is full.
     *
     * @return the iovec entries filled
     */
    private static int fillIov(Scratch sc, ByteBuffer[] srcs, int off, int len) {
        MemorySegment iov = sc.iov;
        int n = 0;
        long staged = 0;
        for (int k = off; k < off + len && n < MAX_IOV; k++) {
            ByteBuffer b = srcs[k];
            int remaining = b.remaining();
            if (remaining == 0) {
                continue;
            }
            long address;
            long count = remaining;
            if (b.isDirect()) {
                address = MemorySegment.ofBuffer(b).address();
            } else {
                MemorySegment staging = sc.staging();
                count = Math.min(remaining, STAGING_SIZE - staged);
                if (count == 0) {
                    break;
                }
                MemorySegment.copy(MemorySegment.ofBuffer(b), 0, staging, staged, count);
                address = staging.address() + staged;
                staged += count;
            }
            iov.set(JAVA_LONG, n * IOVEC_SIZE, address);
            iov.set(JAVA_LONG, n * IOVEC_SIZE + 8, count);
            n++;
            if (count < remaining) {
                break; // a later buffer must not go out before the rest of this one
            }
        }
        return n;
    }

    /**
     * {@code sendfile(out, in, &offset, count)}: the file position of {@code in} is not used.
     *
     * @return bytes sent (0 at end of file), or {@code -errno} ({@code -EAGAIN}, {@code -EPIPE}, ...)
     */
    public static long sendfile(int out, int in, long offset, long count) {
        Native.Scratch s = Native.scratch();
        MemorySegment off = SCRATCH.get().value;
        off.set(JAVA_LONG, 0, offset);
        try {
            return Native.result((long) SendFile.HANDLE.invokeExact(s.errno, out, in, off, count), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** @return 0 or {@code -errno} ({@code -ENOTCONN}, ...) */
    public static int shutdown(int fd, int how) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Shutdown.HANDLE.invokeExact(s.errno, fd, how), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * @return the local address of a socket
     * @throws org.kevent.KeventException naming {@code getsockname} and the errno
     */
    public static InetSocketAddress localAddress(int fd) {
        return address(GetSockName.HANDLE, "getsockname", fd);
    }

    /**
     * @return the peer address of a connected socket
     * @throws org.kevent.KeventException naming {@code getpeername} and the errno ({@code ENOTCONN}, ...)
     */
    public static InetSocketAddress remoteAddress(int fd) {
        return address(GetPeerName.HANDLE, "getpeername", fd);
    }

    private static InetSocketAddress address(MethodHandle handle, String call, int fd) {
        Native.Scratch s = Native.scratch();
        Scratch sc = SCRATCH.get();
        sc.len.set(JAVA_INT, 0, (int) SOCKADDR_STORAGE_SIZE);
        int r;
        try {
            r = Native.result((int) handle.invokeExact(s.errno, fd, sc.addr, sc.len), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r < 0) {
            throw Errno.exception(call, -r, "fd " + fd);
        }
        short family = sc.addr.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 0);
        return switch (family) {
            case SockaddrIn.AF_INET -> SockaddrIn.decode(sc.addr);
            case SockaddrIn6.AF_INET6 -> SockaddrIn6.decode(sc.addr);
            default -> throw Errno.exception(call, Errno.EAFNOSUPPORT, "address family " + family + " of fd " + fd);
        };
    }

    /**
     * Whether an address needs an {@code AF_INET6} socket.
     *
     * @throws IllegalArgumentException if the address is unresolved
     */
    public static boolean isIpv6(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        if (a == null) {
            throw new IllegalArgumentException("unresolved address " + address + ": resolve it first");
        }
        return a instanceof Inet6Address;
    }

    private static int encode(MemorySegment into, InetSocketAddress address) {
        InetAddress a = address.getAddress();
        if (a instanceof Inet4Address v4) {
            return SockaddrIn.encode(into, v4, address.getPort());
        }
        if (a instanceof Inet6Address v6) {
            return SockaddrIn6.encode(into, v6, address.getPort());
        }
        throw new IllegalArgumentException("unresolved address " + address + ": resolve it first");
    }

    /**
     * Descriptor of {@code struct linger} ({@code bits/socket.h}), 8 bytes on every Linux ABI:
     * <pre>
     *  0                 4                 8
     * +-----------------+-----------------+
     * | l_onoff (s32)   | l_linger (s32)  |
     * +-----------------+-----------------+
     * </pre>
     * {@code l_linger} is in whole seconds.
     *
     * <p><b>Threading.</b> Constants only.
     */
    public static final class Linger {
        /** Layout of the struct. */
        public static final MemoryLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_INT.withName("l_onoff"),
                JAVA_INT.withName("l_linger"))
                .withName("linger");
        /** Bytes of the struct: 8. */
        public static final long SIZE = LAYOUT.byteSize();
        /** Offset of {@code l_onoff}: nonzero for on. */
        public static final long ONOFF_OFFSET =
                LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("l_onoff"));
        /** Offset of {@code l_linger}: the timeout in seconds. */
        public static final long LINGER_OFFSET =
                LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("l_linger"));

        private Linger() {
        }
    }

    /** Per-thread structs of the socket calls; errno goes through {@link Native#scratch()}. */
    private static final class Scratch {
        private final Arena arena = Arena.ofAuto();
        final MemorySegment addr = arena.allocate(SOCKADDR_STORAGE_SIZE, 8);
        final MemorySegment len = arena.allocate(8, 8);
        /** An {@code int} or {@code off_t} value, or a {@link Linger struct linger}: 8 bytes. */
        final MemorySegment value = arena.allocate(8, 8);
        final MemorySegment iov = arena.allocate(MAX_IOV * IOVEC_SIZE, 8);
        final MemorySegment msghdr = arena.allocate(MSGHDR_SIZE, 8);
        /** Direct buffers' addresses for {@link #recv(int, ByteBuffer, int, int)} and its send. */
        final IoBuffers.AddressCache addresses = new IoBuffers.AddressCache();
        private MemorySegment staging;

        MemorySegment staging() {
            MemorySegment area = staging;
            if (area == null) {
                area = arena.allocate(STAGING_SIZE, 16);
                staging = area;
            }
            return area;
        }
    }

    private static MethodHandle criticalHeap(String name, FunctionDescriptor descriptor) {
        return Native.LINKER.downcallHandle(Native.LIBC.findOrThrow(name), descriptor, CAPTURE_ERRNO,
                Linker.Option.critical(true));
    }

    /** {@code int socket(int domain, int type, int protocol)}. */
    private static final class Socket {
        static final MethodHandle HANDLE = Native.downcall("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), false);
    }

    /** {@code int bind(int fd, const struct sockaddr *addr, socklen_t len)}. */
    private static final class Bind {
        static final MethodHandle HANDLE = Native.downcall("bind",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), false);
    }

    /** {@code int listen(int fd, int backlog)}. */
    private static final class Listen {
        static final MethodHandle HANDLE = Native.downcall("listen",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), false);
    }

    /** {@code int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)}. */
    private static final class Accept4 {
        static final MethodHandle HANDLE = Native.downcall("accept4",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), false);
    }

    /** {@code int connect(int fd, const struct sockaddr *addr, socklen_t len)}. */
    private static final class Connect {
        static final MethodHandle HANDLE = Native.downcall("connect",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), false);
    }

    /** {@code int setsockopt(int fd, int level, int name, const void *value, socklen_t len)}. */
    private static final class SetSockOpt {
        static final MethodHandle HANDLE = Native.downcall("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), false);
    }

    /** {@code int getsockopt(int fd, int level, int name, void *value, socklen_t *len)}. */
    private static final class GetSockOpt {
        static final MethodHandle HANDLE = Native.downcall("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), false);
    }

    /** {@code ssize_t recv(int fd, void *buf, size_t len, int flags)}: critical, heap allowed. */
    private static final class Recv {
        static final MethodHandle HANDLE = criticalHeap("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    /** {@code ssize_t send(int fd, const void *buf, size_t len, int flags)}: critical, heap allowed. */
    private static final class Send {
        static final MethodHandle HANDLE = criticalHeap("send",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    /**
     * {@code recv} with the buffer as a raw address (a direct buffer's, from an
     * {@link IoBuffers.AddressCache}): no segment object per call. Critical: nonblocking only.
     */
    private static final class RecvAt {
        static final MethodHandle HANDLE = Native.downcall("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), true);
    }

    /** {@code send} with the buffer as a raw address, as {@link RecvAt}. */
    private static final class SendAt {
        static final MethodHandle HANDLE = Native.downcall("send",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), true);
    }

    /** {@code ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)}. */
    private static final class SendMsg {
        static final MethodHandle HANDLE = Native.downcall("sendmsg",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), false);
    }

    /** {@code ssize_t sendfile(int out, int in, off_t *offset, size_t count)}: may read the disk. */
    private static final class SendFile {
        static final MethodHandle HANDLE = Native.downcall("sendfile",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG), false);
    }

    /** {@code int close(int fd)}, not critical: see {@link #closeLingering}. */
    private static final class LingeringClose {
        static final MethodHandle HANDLE = Native.downcall("close",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), false);
    }

    /** {@code int shutdown(int fd, int how)}. */
    private static final class Shutdown {
        static final MethodHandle HANDLE = Native.downcall("shutdown",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), false);
    }

    /** {@code int getsockname(int fd, struct sockaddr *addr, socklen_t *len)}. */
    private static final class GetSockName {
        static final MethodHandle HANDLE = Native.downcall("getsockname",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), false);
    }

    /** {@code int getpeername(int fd, struct sockaddr *addr, socklen_t *len)}. */
    private static final class GetPeerName {
        static final MethodHandle HANDLE = Native.downcall("getpeername",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), false);
    }
}
