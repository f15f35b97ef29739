package org.kevent.internal.portable;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.kevent.KeventException;
import org.kevent.internal.source.socket.Deadlines;
import org.kevent.internal.source.socket.SocketIo;
import org.kevent.internal.source.socket.SocketState;

/**
 * What a portable socket and a portable listener share: a nonblocking {@code java.nio} channel
 * under a {@link SocketState} (the storage SOCKET interests use, as on Linux), a
 * {@link PortableDescriptor} the portable queues watch, and the waits of the blocking calls
 * (docs/SEMANTICS.md §9 and §10).
 *
 * <h2>Readiness</h2>
 * {@link PortableSelector} reports each side once ({@link #onSelected}) and stops watching it; the
 * report sets the side's bit in the socket's readiness word, and {@link #readyNow} is that word as
 * {@code EPOLL*} bits plus the error and hang-up learnt from calls. A call that finds a side
 * drained clears the bit ({@link SocketState#drained}, only if no report came meanwhile) and has
 * the selector watch the side again ({@link #wouldBlock}). So the word is what the library knows,
 * exactly as on Linux, and a SOCKET interest keeps its modes in user space on top of it.
 *
 * <h2>Blocking calls</h2>
 * A call holds its side's lock and a use of the socket ({@link SocketState#enterBlocking}) from
 * {@link #begin} to {@link #end}, and between attempts parks ({@link #await}) until the word has
 * the side's bit: platform and virtual threads alike, so a virtual thread never pins its carrier.
 * The waiter publishes itself and then reads the word; a report sets the word and then reads the
 * waiter: one of the two sees the other, so no report between an attempt and the park is lost.
 * {@link #closing} unparks both sides; a woken call sees the closing mark and throws
 * {@link AsynchronousCloseException}; the channel is closed when the last use ends.
 *
 * <h2>Caveats</h2>
 * The JDK's selector folds a peer's hang-up, a reset and an error into "readable": they are learnt
 * by the next receive (end of stream, an exception), not before. So {@code EPOLLRDHUP},
 * {@code EPOLLHUP} and {@code EPOLLERR} are reported once a call has met them.
 */
abstract class PortableChannel extends PortableDescriptor implements SocketIo, SocketState.Blocking {
    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;

    /** The receiving side: reads, accepts. The same value as the Linux engine's waits use. */
    public static final int READ = 0;
    /** The sending side: writes, sendfile. */
    public static final int WRITE = 1;
    /** A deadline of a call without a time limit; the Linux engine's value. */
    static final long NO_DEADLINE = Deadlines.NONE;

    final SelectableChannel channel;
    final SocketState state;
    private volatile SelectionKey key;
    /** {@code EPOLLERR} and {@code EPOLLHUP} once a call met them: they hold for good. */
    private volatile int sticky;
    /** The error a call met (positive errno), for the SOCKET_ERR of a queue: {@code SO_ERROR}. */
    private volatile int pendingErrno;
    private volatile Thread reader;
    private volatile Thread writer;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /**
     * The selector's round ({@link PortableSelector#round}) in which each side was last found
     * drained: a report of that round may have been made before the drain ({@link #staleOps}).
     */
    private volatile long recvDrainedRound = -1;
    private volatile long sendDrainedRound = -1;
    /** Makes a drain (note the round, clear the side) and a selector report (judge, fold) exclusive. */
    private final Object drainLock = new Object();
    /** Second descriptors on the same readiness (network AIO's watch, beside a SOCKET interest's). */
    private final CopyOnWriteArrayList<PortableDescriptor> aliases = new CopyOnWriteArrayList<>();

    /**
     * @param channel      the channel, nonblocking
     * @param owner        the public object records name
     * @param listener     whether it listens
     * @param connectState the {@link SocketState} connect state
     */
    PortableChannel(SelectableChannel channel, Object owner, boolean listener, int connectState) {
        this.channel = channel;
        this.state = new SocketState(number(), owner, listener, connectState, this);
        state.blocking(this);
    }

    /**
     * Starts watching the channel for {@code ops}; called once by the subclass's constructor,
     * after its fields are set (a report may come at once, on the selector's thread).
     */
    final void watch(int ops) {
        try {
            key = PortableSelector.get().register(channel, ops, this);
        } catch (ClosedChannelException e) {
            throw PortableErrors.exception("register", e, "watching " + this);
        }
    }

    /** @return the storage SOCKET interests use */
    public final SocketState state() {
        return state;
    }

    // ------------------------------------------------------------------------------ readiness

    @Override
    protected final int readyNow() {
        return state.readinessEpoll() | sticky;
    }

    /** @return the {@code EPOLL*} bits {@code readyOps} stand for (a connect finishing: its outcome) */
    abstract int readyEvents(int readyOps);

    /** @return the operation that is "readable": {@code OP_READ}, or {@code OP_ACCEPT} for a listener */
    abstract int readOp();

    /**
     * Folds readiness into the word, then wakes the waiters it concerns, then tells the queues:
     * in that order (see the class comment). A hang-up or an error makes both sides ready, as
     * epoll's do: a call returns rather than waits.
     */
    final void report(int events) {
        wake(fold(events));
    }

    /** Folds {@code events} into the word (see {@link #report}); returns the bits set. */
    private int fold(int events) {
        int bits = events;
        if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
            sticky |= events & (EPOLLERR | EPOLLHUP);
            bits |= EPOLLIN | EPOLLOUT;
        }
        if ((events & EPOLLRDHUP) != 0) {
            bits |= EPOLLIN;
        }
        state.onEpoll(bits);
        return bits;
    }

    /** Wakes the waiters {@code bits} concern, then tells the queues (see {@link #report}). */
    private void wake(int bits) {
        if (bits == 0) {
            return;
        }
        if ((bits & EPOLLIN) != 0) {
            LockSupport.unpark(reader);
        }
        if ((bits & EPOLLOUT) != 0) {
            LockSupport.unpark(writer);
        }
        signal();
        for (PortableDescriptor a : aliases) {
            a.signal();
        }
    }

    /**
     * A second descriptor with this socket's readiness, as {@code dup} gives a second fd: a poller
     * keys registrations by number, so network AIO watches its own beside a SOCKET interest's.
     * Closed by its user ({@link #dropAlias}), or with the socket.
     */
    final PortableDescriptor alias() {
        PortableDescriptor a = new PortableDescriptor() {
            @Override
            protected int readyNow() {
                return PortableChannel.this.readyNow();
            }
        };
        aliases.add(a);
        return a;
    }

    /** Closes an alias of {@link #alias}. */
    final void dropAlias(PortableDescriptor a) {
        aliases.remove(a);
        a.close();
    }

    /**
     * A call found a side drained: clears its bit and has the selector watch the side again. A
     * report that came during the call is not believed either: it may
     * announce what the call just took (a connection accepted, bytes read), and the selector,
     * being level-triggered, reports the side again at once if it is still ready. Nor is a report
     * of the selector's current round that lands after this ({@link #staleOps}). So a drained side
     * is never left marked ready (a level interest would report it with nothing there), and the
     * word says ready or the selector watches, as before.
     *
     * @param side {@link SocketState#RECV_SIDE} or {@link SocketState#SEND_SIDE}
     */
    final void wouldBlock(int side) {
        long round = selectorRound();
        synchronized (drainLock) {
            if (side == SocketState.RECV_SIDE) {
                recvDrainedRound = round;
            } else {
                sendDrainedRound = round;
            }
            state.clearSide(side);
        }
        watchAgain(side == SocketState.RECV_SIDE ? readOp() : SelectionKey.OP_WRITE);
    }

    /** @return the selector's current round; a stand-in selector's in the hand-off's check */
    long selectorRound() {
        return PortableSelector.get().round();
    }

    /** Has the selector watch {@code op} again ({@link #enable}); a stand-in's in the hand-off's check. */
    void watchAgain(int op) {
        enable(op);
    }

    /**
     * The selector's round {@code round} found {@code readyOps} ready (and took them out of the
     * key's interest set): reports what is fresh, and returns what to put back into the interest
     * set to be looked at next round ({@link #staleOps}). On the selector's thread.
     *
     * @return the operations to watch again
     */
    final int onSelected(int readyOps, long round) {
        // A connect's outcome first, outside the lock (it takes this object's monitor); the rest
        // of readyEvents is pure.
        int events = (readyOps & SelectionKey.OP_CONNECT) != 0 ? readyEvents(SelectionKey.OP_CONNECT) : 0;
        int stale;
        int bits;
        synchronized (drainLock) {
            // Judged and applied in one step against wouldBlock's: a drain of this round that lands
            // between a look at the rounds and the fold would otherwise be undone by the fold.
            stale = staleOps(readyOps, round);
            int fresh = readyOps & ~stale & ~SelectionKey.OP_CONNECT;
            bits = fold(events | (fresh != 0 ? readyEvents(fresh) : 0));
        }
        wake(bits);
        return stale;
    }

    /** @return the selector round in which {@code side} was last found drained, -1 if never (tests) */
    final long drainedRound(int side) {
        return side == SocketState.RECV_SIDE ? recvDrainedRound : sendDrainedRound;
    }

    /**
     * @param readyOps what the selector's round {@code round} found ready
     * @param round    that round
     * @return the operations of {@code readyOps} to look at again rather than report: those of a
     *         side found drained in this same round, whose readiness the select may have seen
     *         before the drain took it
     */
    final int staleOps(int readyOps, long round) {
        int stale = 0;
        if ((readyOps & readOp()) != 0 && recvDrainedRound == round) {
            stale |= readOp();
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && sendDrainedRound == round) {
            stale |= SelectionKey.OP_WRITE;
        }
        return stale;
    }

    /** Has the selector watch {@code op} again. */
    final void enable(int op) {
        PortableSelector selector = PortableSelector.get();
        SelectionKey k = key(selector);
        if (k != null) {
            selector.enable(k, op);
        }
    }

    /**
     * @return the channel's key, or null if it was never registered: asked of the selector while
     *         {@link #watch} has not stored it yet (a report may come ahead of its return)
     */
    private SelectionKey key(PortableSelector selector) {
        SelectionKey k = key;
        return k != null ? k : selector.keyOf(channel);
    }

    /** A call met a failure of the connection: reported as {@code EPOLLERR | EPOLLHUP}, kept for {@code SO_ERROR}. */
    final void failed(int errno) {
        if (pendingErrno == 0) {
            pendingErrno = errno;
        }
        report(EPOLLERR | EPOLLHUP);
    }

    /** @return the error a call met, 0 if none */
    final int errno() {
        return pendingErrno;
    }

    // ------------------------------------------------------------------------------ SocketIo

    @Override
    public final boolean portable() {
        return true;
    }

    @Override
    public final int pendingError(int fd) {
        return pendingErrno;
    }

    /** Has the selector's thread close the channel once its key is dropped (see {@link PortableSelector}). */
    @Override
    public final int release(int fd, boolean lingers) {
        PortableSelector selector = PortableSelector.get();
        SelectionKey k = key(selector);
        if (k == null) {
            try {
                channel.close();
            } catch (IOException e) {
                return -PortableErrors.errno(e);
            }
            return 0;
        }
        IOException failed = selector.close(channel, k);
        return failed == null ? 0 : -PortableErrors.errno(failed);
    }

    @Override
    public int lingerZero(int fd) {
        return -PortableErrors.EOPNOTSUPP;
    }

    @Override
    public final void closing(int fd) {
        // The queues' registrations went with the interests' BROKEN; this retires the number.
        close();
        for (PortableDescriptor a : aliases) {
            dropAlias(a);
        }
        LockSupport.unpark(reader);
        LockSupport.unpark(writer);
    }

    // ------------------------------------------------------------------------------ checks

    /**
     * @param call the call, for the message
     * @throws KeventException naming {@code call} with {@code EBADF} once the socket is closed
     */
    public final void checkNotClosed(String call) {
        if (!state.isOpen()) {
            throw new KeventException(call, "EBADF", this + " is closed");
        }
    }

    /** @return the local address, as {@code getsockname} */
    final InetSocketAddress localAddress() {
        checkNotClosed("getsockname");
        try {
            return (InetSocketAddress) ((NetworkChannel) channel).getLocalAddress();
        } catch (IOException e) {
            throw PortableErrors.exception("getsockname", e, toString());
        }
    }

    // ------------------------------------------------------------------------------ blocking calls

    /**
     * Starts a blocking call on one side: its lock, then a use of the socket.
     *
     * @return this socket's number
     * @throws ClosedChannelException     if the socket was closed before the call
     * @throws AsynchronousCloseException if it was closed while the call waited for the lock
     * @throws SocketTimeoutException     if the deadline passed while waiting for the lock
     * @throws InterruptedIOException     if interrupted while waiting for the lock (status kept)
     */
    public final int begin(int side, long deadline, String call) throws IOException {
        if (state.isClosing()) {
            throw new ClosedChannelException();
        }
        ReentrantLock lock = side == READ ? readLock : writeLock;
        if (!lock.tryLock()) {
            try {
                if (deadline == NO_DEADLINE) {
                    lock.lockInterruptibly();
                } else if (!lock.tryLock(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS)) {
                    throw new SocketTimeoutException(call + " timed out waiting for another thread's call on the socket");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(call);
            }
        }
        int n = state.enterBlocking();
        if (n < 0) {
            lock.unlock();
            throw new AsynchronousCloseException();
        }
        return n;
    }

    /** Ends a call started by {@link #begin}: the use, then the lock. */
    public final void end(int side) {
        state.exitBlocking();
        (side == READ ? readLock : writeLock).unlock();
    }

    /**
     * Parks after an attempt that would block until the side's bit is set (a report came), the
     * deadline passes, the thread is interrupted or the socket closes; a return may be spurious
     * (the caller attempts again).
     */
    public final void await(int side, long deadline, String call) throws IOException {
        int bit = side == READ ? SocketState.RECV_SIDE : SocketState.SEND_SIDE;
        Thread me = Thread.currentThread();
        if (side == READ) {
            reader = me;
        } else {
            writer = me;
        }
        try {
            checkOpen();
            if ((state.readiness() & bit) != 0) {
                return;
            }
            if (me.isInterrupted()) {
                throw interrupted(call);
            }
            if (deadline == NO_DEADLINE) {
                LockSupport.park(this);
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException(call + " timed out");
            }
            LockSupport.parkNanos(this, left);
        } finally {
            if (side == READ) {
                reader = null;
            } else {
                writer = null;
            }
        }
    }

    /** Waits, with no attempt of the caller's in between, until the side's bit is set. */
    public final void awaitReady(int side, long deadline, String call) throws IOException {
        int bit = side == READ ? SocketState.RECV_SIDE : SocketState.SEND_SIDE;
        while ((state.readiness() & bit) == 0) {
            await(side, deadline, call);
        }
        checkOpen();
    }

    /** @throws AsynchronousCloseException if the socket is closing */
    public final void checkOpen() throws AsynchronousCloseException {
        if (state.isClosing()) {
            throw new AsynchronousCloseException();
        }
    }

    /** A failed attempt during a close is the close's doing: {@link AsynchronousCloseException}, the failure its cause. */
    public final void checkOpen(KeventException failure) throws AsynchronousCloseException {
        if (state.isClosing()) {
            AsynchronousCloseException e = new AsynchronousCloseException();
            e.initCause(failure);
            throw e;
        }
    }

    /** Closes a channel a failed call leaves behind: the failure is what the caller hears of. */
    static void closeQuietly(Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing to add to the failure being reported.
        }
    }

    private static InterruptedIOException interrupted(String call) {
        return new InterruptedIOException(call + " interrupted (interrupt status kept)");
    }
}
