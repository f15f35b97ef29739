package org.kevent.internal.source.socket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Errno;

/**
 * The storage of one socket the library owns (the seed's {@code kevent_storage} inside a socket):
 * its descriptor, the interests registered on it in every queue, and what the library knows of its
 * readiness without asking the kernel.
 *
 * <h2>Semantics</h2>
 * The readiness word holds {@link #READABLE}, {@link #WRITABLE}, {@link #RDHUP} and {@link #HUP}
 * plus an epoch counter in the high bits. A harvested epoll event sets bits and bumps the epoch;
 * a receive that comes back short or with {@code EAGAIN} clears {@code READABLE} only if the word
 * did not change since the receive started ({@link #drained}), so readiness reported while the
 * receive ran is never lost. Sends do the same with {@code WRITABLE}. A short read counts as
 * drained: the kernel's receive queue was empty when it returned, so any later byte raises a new
 * epoll edge.
 *
 * <h2>Engines</h2>
 * What differs between a kernel descriptor and a portable channel is behind {@link SocketIo}: this
 * class loads no binding for a portable socket (only compile-time constants of them are used).
 * Native sockets are known by fd, portable ones by their portable descriptor number, in two
 * tables, so a number of one kind never finds a socket of the other.
 *
 * <h2>Threading</h2>
 * The readiness word and the connect state are atomics: any thread updates them. The interest list
 * is guarded by this object's monitor, which is only ever taken inside a queue lock or without any
 * lock, never the other way round: {@link #close} copies the list under the monitor, releases it,
 * then takes each queue's lock in turn.
 *
 * <h2>Blocking calls</h2>
 * A blocking call ({@code TcpSocket.read}, {@code TcpListener.acceptBlocking}, ...) holds a
 * <em>use</em> of the descriptor from {@link #enterBlocking} to {@link #exitBlocking}: {@link #close}
 * marks the socket closing at once, tells the {@link Blocking} hook (which wakes the blocked
 * threads and drops the socket from the shared watcher), and the kernel {@code close} happens when
 * the last use ends, so a woken call never reaches a descriptor number that was reused meanwhile.
 *
 * <h2>Caveats</h2>
 * A socket closed while another thread is inside a <em>nonblocking</em> {@code recv}/{@code send}
 * on it is the caller's race: the descriptor number may be reused by the time that call reaches
 * the kernel. Blocking calls are safe against a concurrent close (above).
 */
public final class SocketState {
    static final int READABLE = 1;
    static final int WRITABLE = 1 << 1;
    static final int RDHUP = 1 << 2;
    static final int HUP = 1 << 3;
    private static final int EPOCH = 1 << 8;

    /** Bit for {@link #drained}: the receive side. */
    public static final int RECV_SIDE = READABLE;
    /** Bit for {@link #drained}: the send side. */
    public static final int SEND_SIDE = WRITABLE;

    /** Accepted sockets and listeners: no connect to report. */
    public static final int CONNECT_NONE = 0;
    /** A nonblocking connect is under way. */
    public static final int CONNECTING = 1;
    /** The connect finished: CONNECT is reported once to each interest that wants it. */
    public static final int CONNECTED = 2;
    /** The connect failed: ERR with {@link #error()}. */
    public static final int CONNECT_FAILED = 3;

    /** Bit of {@link #uses}: {@link #close} has started; the rest counts uses held. */
    private static final int CLOSING = 1 << 30;

    private static final VarHandle READINESS;
    private static final VarHandle USES;
    private static final VarHandle TABLE_SLOT = MethodHandles.arrayElementVarHandle(SocketState[].class);
    private static final Object TABLE_LOCK = new Object();
    private static final SocketKind.Link[] NO_LINKS = new SocketKind.Link[0];
    /**
     * A queue's network AIO state for this socket: told when the socket closes through the
     * library, so its requests end as cancelled before the descriptor number is released.
     */
    public interface AioUser {
        /** The socket is closing: end every request on it, under its queue's lock. Any thread. */
        void socketClosing();
    }

    private static final AioUser[] NO_AIO_USERS = new AioUser[0];

    /** Open native library sockets by fd, for records that name a socket by number. Written under TABLE_LOCK. */
    private static volatile SocketState[] table = new SocketState[256];
    /** Open portable sockets by descriptor number: numbers start high and are never reused, so no array. */
    private static final ConcurrentHashMap<Integer, SocketState> PORTABLE = new ConcurrentHashMap<>();

    static {
        try {
            READINESS = MethodHandles.lookup().findVarHandle(SocketState.class, "readiness", int.class);
            USES = MethodHandles.lookup().findVarHandle(SocketState.class, "uses", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * What a blocking call on a socket needs told when the socket closes (the Linux backend's
     * per-socket waits): wake every thread blocked on it, stop watching its descriptor.
     */
    public interface Blocking {
        /**
         * The socket is closing: called once, after the socket is marked closing (so no new use
         * starts) and before its descriptor is released (so {@code fd} is still this socket's).
         *
         * @param fd the descriptor
         */
        void closing(int fd);
    }

    private volatile int fd;
    private final SocketIo io;
    /** The descriptor number, kept after close: valid while a use is held. */
    private final int descriptor;
    @SuppressWarnings("unused") // through USES
    private volatile int uses;
    private volatile Blocking blocking;
    private final Object owner;
    private final boolean listener;
    @SuppressWarnings("unused") // through READINESS
    private volatile int readiness;
    private volatile int connectState;
    private volatile int error;
    /** SO_LINGER is (or may be) on with a positive timeout: {@link #close} may wait in the kernel. */
    private volatile boolean lingers;

    private SocketKind.Link[] links = NO_LINKS;
    private int linkCount;
    /** Queues with network AIO requests on this socket (few: usually one). */
    private AioUser[] aioUsers = NO_AIO_USERS;
    private int aioUserCount;
    private boolean closed;

    /**
     * Wraps a fresh kernel descriptor and makes it known by its number.
     *
     * @param fd           the socket, nonblocking
     * @param owner        the public object ({@code TcpSocket}, {@code TcpListener}) records name
     * @param listener     whether it listens (readable means ACCEPT, not RECV)
     * @param connectState {@link #CONNECT_NONE}, {@link #CONNECTING} or {@link #CONNECTED}
     */
    public SocketState(int fd, Object owner, boolean listener, int connectState) {
        this(fd, owner, listener, connectState, NativeSocketIo.INSTANCE);
    }

    /**
     * Wraps a fresh descriptor of either engine and makes it known by its number.
     *
     * @param fd           the descriptor: an fd, or a portable descriptor number
     * @param owner        the public object ({@code TcpSocket}, {@code TcpListener}) records name
     * @param listener     whether it listens (readable means ACCEPT, not RECV)
     * @param connectState {@link #CONNECT_NONE}, {@link #CONNECTING} or {@link #CONNECTED}
     * @param io           what lies beneath: {@link NativeSocketIo#INSTANCE} or a portable channel
     */
    public SocketState(int fd, Object owner, boolean listener, int connectState, SocketIo io) {
        this.fd = fd;
        this.descriptor = fd;
        this.owner = owner;
        this.listener = listener;
        this.connectState = connectState;
        this.io = io;
        if (io.portable()) {
            PORTABLE.put(fd, this);
        } else {
            register(fd, this);
        }
    }

    /** @return what lies beneath: the portable engine's network AIO reaches its channel through it */
    public SocketIo io() {
        return io;
    }

    /** @return whether this is a socket of the portable engine (known by a portable descriptor number) */
    public boolean isPortable() {
        return io.portable();
    }

    /** @return the descriptor, or -1 once closed */
    public int fd() {
        return fd;
    }

    /** @return whether {@link #close} has not started */
    public boolean isOpen() {
        return fd >= 0;
    }

    /** @return whether {@link #close} has started (it may not have released the descriptor yet) */
    public boolean isClosing() {
        return (uses & CLOSING) != 0;
    }

    /** @return the hook {@link #close} tells, or null (tests reach the socket's waits through it) */
    public Blocking blocking() {
        return blocking;
    }

    /**
     * Installs the hook {@link #close} tells; once, by the owner, before the socket is published.
     *
     * @param hook the per-socket waits of blocking calls
     */
    public void blocking(Blocking hook) {
        blocking = hook;
    }

    /**
     * Starts a use of the descriptor by a blocking call: until {@link #exitBlocking}, the number
     * stays this socket's even if {@link #close} runs meanwhile.
     *
     * @return the descriptor, or -1 if the socket is closing (no use was taken)
     */
    public int enterBlocking() {
        int u;
        do {
            u = uses;
            if ((u & CLOSING) != 0) {
                return -1;
            }
        } while (!USES.weakCompareAndSet(this, u, u + 1));
        return descriptor;
    }

    /** Ends a use taken by {@link #enterBlocking}; the last one after a close releases the descriptor. */
    public void exitBlocking() {
        leave();
    }

    private int leave() {
        int u = (int) USES.getAndAdd(this, -1) - 1;
        return u == CLOSING ? release() : 0;
    }

    private int release() {
        return io.release(descriptor, lingers);
    }

    boolean isListener() {
        return listener;
    }

    Object owner() {
        return owner;
    }

    /**
     * @return the readiness word as {@code EPOLL*} bits ({@code EPOLLIN}, {@code EPOLLOUT},
     *         {@code EPOLLRDHUP}, {@code EPOLLHUP}): what a portable descriptor reports as ready
     */
    public int readinessEpoll() {
        int r = readiness;
        int e = 0;
        if ((r & READABLE) != 0) {
            e |= Epoll.EPOLLIN;
        }
        if ((r & WRITABLE) != 0) {
            e |= Epoll.EPOLLOUT;
        }
        if ((r & RDHUP) != 0) {
            e |= Epoll.EPOLLRDHUP;
        }
        if ((r & HUP) != 0) {
            e |= Epoll.EPOLLHUP;
        }
        return e;
    }

    /** @return the readiness word, to pass to {@link #drained} after the call it precedes */
    public int readiness() {
        return readiness;
    }

    /**
     * Records that one side was drained (a receive or send came back short or with EAGAIN), unless
     * the kernel reported readiness since {@code before} was read.
     *
     * @param before the word read before the call
     * @param side   {@link #RECV_SIDE} or {@link #SEND_SIDE}
     */
    public void drained(int before, int side) {
        if ((before & side) != 0) {
            READINESS.compareAndSet(this, before, before & ~side);
        }
    }

    /**
     * Clears one side's bit whatever was reported meanwhile: for a watcher that can be asked
     * again (the portable engine's level-triggered selector), where a report that raced the
     * call is checked anew rather than believed. Not for epoll's edges, which come once
     * ({@link #drained}).
     *
     * @param side {@link #RECV_SIDE} or {@link #SEND_SIDE}
     */
    public void clearSide(int side) {
        int s;
        do {
            s = readiness;
        } while ((s & side) != 0 && !READINESS.compareAndSet(this, s, s & ~side));
    }

    /** @return the last error the socket reported (sticky once set), 0 if none */
    public int error() {
        return error;
    }

    /**
     * Records a connect the kernel refused synchronously, so it is reported like an asynchronous
     * refusal: ERR with the errno, to each interest that wants CONNECT.
     *
     * @param errno the positive errno
     */
    public void connectFailed(int errno) {
        error = errno;
        connectState = CONNECT_FAILED;
    }

    /** @return the connect state */
    public int connectState() {
        return connectState;
    }

    /**
     * Folds a harvested epoll event into the readiness word (a queue's harvest, or the shared
     * watcher of blocking calls).
     *
     * @param epollEvents the {@code EPOLL*} bits reported
     */
    public void onEpoll(int epollEvents) {
        int bits = 0;
        if ((epollEvents & Epoll.EPOLLIN) != 0) {
            bits |= READABLE;
        }
        if ((epollEvents & Epoll.EPOLLOUT) != 0) {
            bits |= WRITABLE;
        }
        if ((epollEvents & Epoll.EPOLLRDHUP) != 0) {
            bits |= RDHUP;
        }
        if ((epollEvents & Epoll.EPOLLHUP) != 0) {
            bits |= HUP;
        }
        int s;
        do {
            s = readiness;
        } while (!READINESS.compareAndSet(this, s, (s | bits) + EPOCH));
    }

    /**
     * Settles a connect under way after the kernel reported the socket (writable, error or hang-up):
     * {@code SO_ERROR} tells how it went. Reading it clears it, so it is read under the monitor and
     * by one queue only, whichever harvests first.
     */
    void finishConnect(int epollEvents) {
        if (connectState != CONNECTING) {
            return;
        }
        synchronized (this) {
            int f = fd;
            if (connectState != CONNECTING || f < 0) {
                return;
            }
            int err = Math.abs(io.pendingError(f));
            if (err != 0) {
                error = err;
                connectState = CONNECT_FAILED;
            } else if ((epollEvents & Epoll.EPOLLOUT) != 0) {
                connectState = CONNECTED;
            }
        }
    }

    /**
     * Reads and clears the kernel's pending socket error, keeping it as {@link #error()}.
     *
     * @return the error, or the last one seen if the kernel's was already taken, 0 if none
     */
    int takeError() {
        synchronized (this) {
            int f = fd;
            if (f >= 0) {
                int err = Math.abs(io.pendingError(f));
                if (err != 0 && err != Errno.EBADF) {
                    error = err;
                }
            }
            return error;
        }
    }

    /** @return false if the socket is closing (the interest must not be added) */
    synchronized boolean addLink(SocketKind.Link link) {
        if (closed) {
            return false;
        }
        if (linkCount == links.length) {
            links = Arrays.copyOf(links, Math.max(2, linkCount * 2));
        }
        links[linkCount++] = link;
        return true;
    }

    synchronized void removeLink(SocketKind.Link link) {
        for (int k = 0; k < linkCount; k++) {
            if (links[k] == link) {
                links[k] = links[--linkCount];
                links[linkCount] = null;
                return;
            }
        }
    }

    /** @return false if the socket is closing (the request must fail with EBADF) */
    public synchronized boolean addAioUser(AioUser user) {
        if (closed) {
            return false;
        }
        if (aioUserCount == aioUsers.length) {
            aioUsers = Arrays.copyOf(aioUsers, Math.max(2, aioUserCount * 2));
        }
        aioUsers[aioUserCount++] = user;
        return true;
    }

    public synchronized void removeAioUser(AioUser user) {
        for (int k = 0; k < aioUserCount; k++) {
            if (aioUsers[k] == user) {
                aioUsers[k] = aioUsers[--aioUserCount];
                aioUsers[aioUserCount] = null;
                return;
            }
        }
    }

    /**
     * Closes the socket through the library: every interest on it, in every queue, is delivered
     * once more with {@code RET_BROKEN} and then removed; threads blocked in calls on it are woken;
     * the descriptor leaves every epoll set before it is closed, so its number can be reused
     * safely. The kernel {@code close} happens here, or when the last blocking call still using
     * the descriptor leaves. Idempotent.
     *
     * @return 0, or {@code -errno} of {@code close} when it happened here (the fd is released either way)
     */
    public int close() {
        SocketKind.Link[] snapshot;
        AioUser[] users;
        int n;
        synchronized (this) {
            if (closed) {
                return 0;
            }
            closed = true;
            snapshot = Arrays.copyOf(links, linkCount);
            n = linkCount;
            users = Arrays.copyOf(aioUsers, aioUserCount);
        }
        // Closing, and a use of our own: no blocking call starts from now on, and the descriptor
        // outlives the hook below even if every blocked call leaves before it returns.
        USES.getAndAdd(this, CLOSING + 1);
        for (int k = 0; k < n; k++) {
            snapshot[k].kind.breakLink(snapshot[k]);
        }
        // Requests end as cancelled, and the kernel has seen every operation naming this
        // descriptor, before the number is released for reuse.
        for (AioUser user : users) {
            user.socketClosing();
        }
        Blocking hook = blocking;
        if (hook != null) {
            hook.closing(descriptor);
        }
        int f = fd;
        fd = -1;
        if (io.portable()) {
            PORTABLE.remove(f, this);
        } else {
            unregister(f, this);
        }
        return leave();
    }

    /**
     * Records whether {@code SO_LINGER} is on with a positive timeout, so that {@link #close}
     * goes through {@link SocketIo#release} with {@code lingers} (on Linux
     * {@code Sockets.closeLingering}, which may wait in the kernel), rather than the critical
     * close, which must not. Call it with true before setting such a linger
     * and with false after clearing it: in between, the slower close is harmless, the critical
     * one is not.
     *
     * @param positive whether a close may linger
     */
    public void lingers(boolean positive) {
        lingers = positive;
    }

    /**
     * Closes abortively: {@code SO_LINGER} {on, 0}, then {@link #close}, so the kernel resets the
     * connection (RST rather than FIN) and drops unsent data; interests and requests end as
     * {@link #close} ends them. Does nothing once {@link #close} has started: the socket is
     * closed, however that close ended the connection.
     *
     * @return 0, or {@code -errno} of {@code setsockopt}; the socket is closed either way (then
     *         gracefully)
     */
    public int abort() {
        int r;
        synchronized (this) {
            if (closed) {
                return 0;
            }
            // Under the monitor and before close() sets closed: no close can have released the
            // descriptor yet, so the option lands on this socket, never on a reused number.
            r = io.lingerZero(fd);
            if (r == 0) {
                lingers = false; // a zero linger never waits: the critical close is safe again
            }
        }
        close();
        return r;
    }

    // ------------------------------------------------------------------------------ fd table

    /**
     * @param fd       a descriptor number
     * @param portable whether to look among the portable sockets rather than the native ones
     * @return the open socket of that engine with that number, or null
     */
    static SocketState lookup(int fd, boolean portable) {
        return portable ? PORTABLE.get(fd) : lookup(fd);
    }

    static SocketState lookup(int fd) {
        SocketState[] t = table;
        return fd >= 0 && fd < t.length ? (SocketState) TABLE_SLOT.getAcquire(t, fd) : null;
    }

    private static void register(int fd, SocketState s) {
        synchronized (TABLE_LOCK) {
            SocketState[] t = table;
            if (fd >= t.length) {
                t = Arrays.copyOf(t, Math.max(fd + 1, t.length * 2));
                table = t;
            }
            TABLE_SLOT.setRelease(t, fd, s);
        }
    }

    private static void unregister(int fd, SocketState s) {
        synchronized (TABLE_LOCK) {
            SocketState[] t = table;
            if (fd >= 0 && fd < t.length && t[fd] == s) {
                TABLE_SLOT.setRelease(t, fd, (SocketState) null);
            }
        }
    }
}
