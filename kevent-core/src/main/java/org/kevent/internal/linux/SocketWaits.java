package org.kevent.internal.linux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.kevent.KeventException;
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.Sockets;
import org.kevent.internal.source.socket.Deadlines;
import org.kevent.internal.source.socket.SocketState;

/**
 * The blocking calls of one socket the library owns ({@code TcpSocket.read}/{@code write},
 * {@code TcpListener.acceptBlocking}, docs/SEMANTICS.md §9): how a call waits when the
 * nonblocking attempt would block, and how a close reaches the threads that wait.
 *
 * <h2>Semantics</h2>
 * A call holds its side's lock (one reader and one writer at a time: concurrent blocking reads,
 * or writes, queue up, so a {@code readFully} is never interleaved with another blocking read)
 * and a use of the descriptor ({@link SocketState#enterBlocking}) from {@link #begin} to
 * {@link #end}. Between attempts, {@link #await} waits:
 * <ul>
 *   <li><b>Virtual thread:</b> parks. The socket is registered once, at its first such wait, with
 *       the shared socket poller ({@link ParkedWaits}, edge-triggered, both directions; a virtual
 *       thread that polls on the carriers) and stays there until close; the poller folds every
 *       report into the socket's readiness word and unparks the parked reader or writer. No
 *       system call is made to wait.</li>
 *   <li><b>Platform thread</b> (or a virtual thread whose socket the kernel refused to watch):
 *       sleeps in {@code poll(2)} on the one descriptor.</li>
 * </ul>
 *
 * <h2>Why no edge is lost between the attempt and the park</h2>
 * The attempt reads the readiness word before its system call and, when the call would block,
 * clears the side's bit only if the word did not change meanwhile ({@link SocketState#drained}).
 * A wait then publishes its thread ({@link #reader}/{@link #writer}, volatile) and only then reads
 * the word again: if the bit is set, an edge was reported since the attempt, and it returns to
 * attempt again instead of parking. The socket poller does the mirror image: it sets the bit
 * ({@link SocketState#onEpoll}, a volatile CAS) and only then reads the published thread. With
 * both orders sequentially consistent, either the waiter sees the bit or the watcher sees the
 * waiter, so an edge after the attempt's {@code EAGAIN} always ends the park. An edge before the
 * registration is not lost either: {@code EPOLL_CTL_ADD} reports the state at that moment, and
 * the registering thread also asks {@code poll} once and folds the answer in itself, so the word
 * is true at once rather than when the socket poller gets to that first report.
 *
 * <h2>Close</h2>
 * {@link #closing} (called by {@link SocketState#close} after it marked the socket closing, the
 * descriptor still held) drops the registration, unparks parked waiters and wakes a thread in
 * {@code poll}: {@code shutdown(SHUT_RD)} for a reader (no packet is sent), {@code SHUT_RDWR}
 * for a writer (no read-side state wakes {@code POLLOUT}; the FIN it queues precedes the close's
 * own FIN or RST). A woken call sees the closing mark and throws
 * {@link AsynchronousCloseException}; the descriptor is released when the last call leaves. The
 * waiter publishes itself before it checks the mark and the close sets the mark before it reads
 * the waiters, so one of the two always sees the other.
 *
 * <h2>Interrupts and timeouts</h2>
 * A call that must wait while its thread is interrupted throws {@link InterruptedIOException},
 * the interrupt status kept and the socket left open (bytes already there are returned first).
 * An interrupt unparks a virtual thread at once; a platform thread asleep in {@code poll} sees it
 * when the poll ends (as {@code java.net.Socket} on a platform thread). A deadline that passes
 * while a call must still wait is {@link SocketTimeoutException}, after one last look at the
 * kernel ({@code poll} with no wait), so readiness the watcher thread has not reported yet is not
 * taken for a timeout.
 *
 * <h2>Threading</h2>
 * Any thread. The socket poller calls {@link #reported}, and {@link #wakeAll} when it or the
 * watcher stops; {@link #closing}
 * runs on the closing thread; registration and its removal are serialized by this object's
 * monitor, so a close never leaves a registration behind.
 */
public final class SocketWaits implements SocketState.Blocking {
    /** The receiving side: reads, accepts. */
    public static final int READ = 0;
    /** The sending side: writes, sendfile. */
    public static final int WRITE = 1;
    /** {@link #deadline} of a call without a time limit. */
    public static final long NO_DEADLINE = Deadlines.NONE;

    private static final int UNWATCHED = -1;
    /** The kernel refused the registration: waits of this socket poll in the kernel. */
    private static final int REFUSED = -2;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final SocketState state;
    /** The thread waiting to receive now, for the watcher and the closer; null when none. */
    private volatile Thread reader;
    /** The thread waiting to send now. */
    private volatile Thread writer;
    /** A thread sleeps (or is about to) in {@code poll} for this side: close must shut it down. */
    private volatile boolean readPolling;
    private volatile boolean writePolling;
    /** Whether the watcher has this socket: {@link #slot} is set, read without the monitor. */
    private volatile boolean watched;
    /** Guarded by {@code this}: the watcher's slot, {@link #UNWATCHED} or {@link #REFUSED}. */
    private int slot = UNWATCHED;
    /** Guarded by {@code this}: {@link #closing} ran; no registration may be added. */
    private boolean closed;
    /** Created at the first blocking call of each side: most sockets never make one. */
    private volatile ReentrantLock readLock;
    private volatile ReentrantLock writeLock;

    /**
     * Creates the waits of a socket and installs them as its close hook.
     *
     * @param state the socket
     */
    public SocketWaits(SocketState state) {
        this.state = state;
        state.blocking(this);
    }

    /**
     * Starts a blocking call on one side: takes the side's lock (waiting for a call of another
     * thread to end, within the deadline) and a use of the descriptor.
     *
     * @param side     {@link #READ} or {@link #WRITE}
     * @param deadline from {@link #deadline}
     * @param call     the system call, for messages
     * @return the descriptor, valid until {@link #end}
     * @throws ClosedChannelException      if the socket was closed before the call
     * @throws AsynchronousCloseException  if it was closed while the call waited for the lock
     * @throws SocketTimeoutException      if the deadline passed while waiting for the lock
     * @throws InterruptedIOException      if interrupted while waiting for the lock (status kept)
     */
    public int begin(int side, long deadline, String call) throws IOException {
        if (state.isClosing()) {
            throw new ClosedChannelException();
        }
        ReentrantLock lock = lock(side);
        if (!lock.tryLock()) {
            lockSlowly(lock, deadline, call);
        }
        int fd = state.enterBlocking();
        if (fd < 0) {
            lock.unlock();
            throw new AsynchronousCloseException();
        }
        return fd;
    }

    /**
     * Ends a call started by {@link #begin}: the use, then the lock.
     *
     * @param side as given to {@link #begin}
     */
    public void end(int side) {
        state.exitBlocking();
        (side == READ ? readLock : writeLock).unlock();
    }

    /**
     * Waits, after an attempt that would block, until the side may be ready: then the caller
     * attempts again (a wait may also end early: a spurious return just costs an attempt).
     *
     * @param side     {@link #READ} or {@link #WRITE}
     * @param fd       the descriptor from {@link #begin}
     * @param deadline from {@link #deadline}
     * @param call     the system call, for messages
     * @throws AsynchronousCloseException if the socket is closing
     * @throws SocketTimeoutException     if the deadline has passed
     * @throws InterruptedIOException     if the thread is interrupted (status kept)
     * @throws KeventException            naming {@code poll} if the kernel wait fails, or
     *                                    {@code epoll_wait} if the shared watcher has stopped
     */
    public void await(int side, int fd, long deadline, String call) throws IOException {
        Thread me = Thread.currentThread();
        if (me.isVirtual() && watch(fd)) {
            park(side, fd, me, deadline, call);
        } else {
            poll(side, fd, me, deadline, call);
        }
    }

    /**
     * Waits until the side may be ready, without an attempt of the caller's in between: on the
     * parked path until the readiness word has the side's bit (set by a report, cleared by an
     * attempt that found the side drained), on the kernel path until {@code poll} reports it.
     *
     * @param side     {@link #READ} or {@link #WRITE}
     * @param fd       the descriptor from {@link #begin}
     * @param deadline from {@link #deadline}
     * @param call     the system call, for messages
     * @throws AsynchronousCloseException if the socket is closing
     * @throws SocketTimeoutException     if the deadline passes first
     * @throws InterruptedIOException     if the thread is interrupted while it must wait (status kept)
     */
    public void awaitReady(int side, int fd, long deadline, String call) throws IOException {
        Thread me = Thread.currentThread();
        if (me.isVirtual() && watch(fd)) {
            int bit = side == READ ? SocketState.RECV_SIDE : SocketState.SEND_SIDE;
            while ((state.readiness() & bit) == 0) {
                park(side, fd, me, deadline, call);
            }
            checkOpen();
        } else {
            while (!poll(side, fd, me, deadline, call)) {
                // timed out (the next round throws), or EINTR: ask again
            }
            checkOpen();   // a close's shutdown is what made the socket ready
        }
    }

    /**
     * @throws AsynchronousCloseException if the socket is closing: an attempt that moved no byte
     *                                    (end of stream, nothing accepted) is the close's doing
     */
    public void checkOpen() throws AsynchronousCloseException {
        if (state.isClosing()) {
            throw new AsynchronousCloseException();
        }
    }

    /**
     * For an attempt that failed: a close under way explains the failure (its {@code shutdown}
     * makes the kernel fail the call), so the call throws {@link AsynchronousCloseException}
     * instead; otherwise the caller rethrows the failure.
     *
     * @param failure the attempt's exception, kept as the cause
     * @throws AsynchronousCloseException if the socket is closing
     */
    public void checkOpen(KeventException failure) throws AsynchronousCloseException {
        if (state.isClosing()) {
            AsynchronousCloseException e = new AsynchronousCloseException();
            e.initCause(failure);
            throw e;
        }
    }

    @Override
    public void closing(int fd) {
        synchronized (this) {
            closed = true;
            if (slot >= 0) {
                ParkedWaits.get().forgetSocket(slot, fd);
            }
            slot = UNWATCHED;
            watched = false;
        }
        // After the socket was marked closing (SocketState.close): a waiter that published
        // itself too late to be seen here sees the mark instead.
        wake(reader, readPolling, fd, Sockets.SHUT_RD);
        wake(writer, writePolling, fd, Sockets.SHUT_RDWR);
    }

    /**
     * The socket poller: the kernel reported {@code events} for this socket.
     *
     * @return how many waiting threads it unparked (0-2; the poller counts them for tests)
     */
    int reported(int events) {
        // The word first, then the waiters: see the class comment.
        int bits = fold(events);
        int unparked = 0;
        if ((bits & Epoll.EPOLLIN) != 0 && unparkVirtual(reader)) {
            unparked++;
        }
        if ((bits & Epoll.EPOLLOUT) != 0 && unparkVirtual(writer)) {
            unparked++;
        }
        return unparked;
    }

    /**
     * Folds reported readiness (epoll's bits, or poll's: the same values) into the word.
     *
     * @return the sides it makes ready, as {@code EPOLLIN}/{@code EPOLLOUT}
     */
    private int fold(int events) {
        int bits = events;
        if ((events & (Epoll.EPOLLERR | Epoll.EPOLLHUP | Epoll.EPOLLRDHUP)) != 0) {
            bits |= Epoll.EPOLLIN;   // a read returns (end of stream or the error) rather than wait
        }
        if ((events & (Epoll.EPOLLERR | Epoll.EPOLLHUP)) != 0) {
            bits |= Epoll.EPOLLOUT;
        }
        state.onEpoll(bits);
        return bits;
    }

    /** The watcher stopped: every parked waiter returns, and its next wait throws. */
    void wakeAll() {
        unparkVirtual(reader);
        unparkVirtual(writer);
    }

    /** @return sockets the shared watcher holds now (for tests: a closed socket holds none) */
    public static int watchedSockets() {
        return ParkedWaits.get().watchedSockets();
    }

    /**
     * @return times the shared socket poller resumed, after a yield or a park, since it started
     *         (for tests: each is a scheduling of a virtual thread, which the JDK pays for)
     */
    public static long socketPollerRounds() {
        return ParkedWaits.get().socketPollerRounds();
    }

    /**
     * @return whether the shared socket poller is parked, its epoll armed in the watcher's (for
     *         tests: an edge now makes the watcher unpark it)
     */
    public static boolean socketPollerIdle() {
        return ParkedWaits.get().socketPollerIdle();
    }

    /** @return of {@link #socketPollerRounds()}, those that followed a park rather than a yield (for tests) */
    public static long socketPollerParks() {
        return ParkedWaits.get().socketPollerParks();
    }

    /**
     * @return readers and writers the shared socket poller unparked since it started (for tests:
     *         each is a scheduling of a virtual thread, which the JDK pays for, if it was parked)
     */
    public static long socketPollerUnparks() {
        return ParkedWaits.get().socketPollerUnparks();
    }

    /** @return socket registrations the shared watcher made since start (for tests: one per socket) */
    public static long socketRegistrations() {
        return ParkedWaits.get().socketRegistrations();
    }

    // ------------------------------------------------------------------------------ waiting

    private void park(int side, int fd, Thread me, long deadline, String call) throws IOException {
        int bit = side == READ ? SocketState.RECV_SIDE : SocketState.SEND_SIDE;
        setWaiter(side, me);
        try {
            checkOpen();
            if ((state.readiness() & bit) != 0) {
                return;   // reported since the attempt: attempt again
            }
            checkInterrupt(me, call);
            ParkedWaits.get().checkRunning("block on a socket");
            if (deadline == NO_DEADLINE) {
                LockSupport.park(this);
                return;
            }
            long left = deadline - System.nanoTime();
            if (left > 0) {
                LockSupport.parkNanos(this, left);
                return;
            }
            // The deadline: one look at the kernel, as the platform path's last poll takes, so
            // a report the watcher thread has not got to yet is not a timeout.
            int now = Fd.poll(fd, side == READ ? Fd.POLLIN : Fd.POLLOUT, 0);
            if (now <= 0) {
                throw new SocketTimeoutException(call + " timed out");
            }
            fold(now);
        } finally {
            setWaiter(side, null);
        }
    }

    /** @return whether {@code poll} reported the side (false: timed out, or EINTR) */
    private boolean poll(int side, int fd, Thread me, long deadline, String call) throws IOException {
        setWaiter(side, me);
        setPolling(side, true);
        try {
            checkOpen();
            checkInterrupt(me, call);
            int millis = -1;
            long left = 0;
            if (deadline != NO_DEADLINE) {
                // Round up: a wait is never shorter than asked, and never a busy poll. Past the
                // deadline, one look without waiting.
                left = deadline - System.nanoTime();
                long ms = left <= 0 ? 0 : (left + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI;
                millis = (int) Math.min(ms, Integer.MAX_VALUE);
            }
            int r = Fd.poll(fd, side == READ ? Fd.POLLIN : Fd.POLLOUT, millis);
            if (r < 0 && r != -Errno.EINTR) {
                throw Errno.exception("poll", -r, "waiting to " + call + " on fd " + fd);
            }
            if (r == 0 && deadline != NO_DEADLINE && left <= 0) {
                throw new SocketTimeoutException(call + " timed out");
            }
            return r > 0;
        } finally {
            setPolling(side, false);
            setWaiter(side, null);
        }
    }

    private static long remaining(long deadline, String call) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(call + " timed out");
        }
        return left;
    }

    private static void checkInterrupt(Thread me, String call) throws InterruptedIOException {
        if (me.isInterrupted()) {
            throw new InterruptedIOException(call + " interrupted (interrupt status kept)");
        }
    }

    /** @return whether the watcher has this socket (registering it now if it can) */
    private boolean watch(int fd) {
        return watched || watchSlowly(fd);
    }

    private synchronized boolean watchSlowly(int fd) {
        if (slot >= 0) {
            return true;
        }
        if (slot == REFUSED || closed) {
            return false;   // the kernel wait instead; a closed socket's wait throws there
        }
        int s = ParkedWaits.get().watchSocket(this, fd);
        if (s < 0) {
            slot = REFUSED;
            return false;
        }
        slot = s;
        watched = true;
        // The word knew nothing of a side no attempt has drained yet (a fresh socket starts with
        // no bits): the registration's first report would tell, but only once the watcher thread
        // got to it. Ask now, so a wait that starts at once, or a zero timeout, sees the truth.
        int now = Fd.poll(fd, Fd.POLLIN | Fd.POLLOUT | Fd.POLLRDHUP, 0);
        if (now > 0) {
            fold(now);
        }
        return true;
    }

    private void setWaiter(int side, Thread t) {
        if (side == READ) {
            reader = t;
        } else {
            writer = t;
        }
    }

    private void setPolling(int side, boolean on) {
        if (side == READ) {
            readPolling = on;
        } else {
            writePolling = on;
        }
    }

    private static void wake(Thread t, boolean polling, int fd, int how) {
        if (polling) {
            // poll(2) cannot be interrupted from Java; a shut-down socket is ready at once, and
            // stays so, even if the poll has not started yet.
            Sockets.shutdown(fd, how);
        }
        unparkVirtual(t);
    }

    /** @return whether it unparked {@code t} */
    private static boolean unparkVirtual(Thread t) {
        // A platform thread here sleeps in poll: an unpark would only leave it a stray permit.
        if (t != null && t.isVirtual()) {
            LockSupport.unpark(t);
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------------------ locks

    private ReentrantLock lock(int side) {
        ReentrantLock l = side == READ ? readLock : writeLock;
        return l != null ? l : createLock(side);
    }

    private synchronized ReentrantLock createLock(int side) {
        if (side == READ) {
            if (readLock == null) {
                readLock = new ReentrantLock();
            }
            return readLock;
        }
        if (writeLock == null) {
            writeLock = new ReentrantLock();
        }
        return writeLock;
    }

    private static void lockSlowly(ReentrantLock lock, long deadline, String call) throws IOException {
        try {
            if (deadline == NO_DEADLINE) {
                lock.lockInterruptibly();
            } else if (!lock.tryLock(remaining(deadline, call), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException(call + " timed out waiting for another thread's call on the socket");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(call + " interrupted (interrupt status kept)");
        }
    }
}
