package org.kevent.internal.source.aio;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import org.kevent.Kevent;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.Sockets;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.FdWatchers;
import org.kevent.internal.queue.SourceKind;

/**
 * How network AIO requests reach the kernel: io_uring ({@code internal.linux.UringAio}) or
 * nonblocking calls driven by readiness ({@code internal.linux.ReadinessAio}). Both report through {@link Aio#end} with identical
 * results. Every method runs with the queue lock held.
 */
public abstract class AioBackend {
    /** The queue the requests belong to. */
    protected final SourceContext context;
    protected final Aio aio;
    /**
     * Multishot requests that stopped for want of a free pool buffer, oldest first. An entry whose
     * {@link AioOp#starved} is false is stale (the request was cancelled, or its op recycled) and
     * is skipped.
     */
    private final ArrayDeque<AioOp> starved = new ArrayDeque<>();

    protected AioBackend(SourceContext context, Aio aio) {
        this.context = context;
        this.aio = aio;
    }

    /** {@link #transferNow}: the request ended. */
    public static final int ENDED = 0;
    /** {@link #transferNow}: the socket would block; the request waits for readiness. */
    public static final int BLOCKED = 1;

    /** @return {@code "io_uring"} or {@code "readiness"} */
    public abstract String name();

    /** Starts the head request of its socket's direction; it may end at once. */
    public abstract void start(AioOp op);

    /**
     * Stops an active request whose {@code cancelRequested} is set; it ends through
     * {@link Aio#end}, now or when the kernel lets go of it.
     */
    public abstract void cancel(AioOp op);

    /** The socket is closing (its requests were cancelled): nothing may name its descriptor after this returns. */
    public abstract void socketClosing(AioSocket s);

    /**
     * Checks the calling thread may make a request or wait on the queue.
     *
     * @param what the call, for the message
     * @throws IllegalStateException if it may not
     */
    public void checkIssuer(String what) {
    }

    /** A thread is about to wait in the kernel (or has just collected its events). */
    public void beforeWait() {
    }

    /** @return {@link SourceKind#epollState}, for the calling thread */
    public int epollState() {
        return SourceKind.EPOLL_UNWATCHED;
    }

    /** @param empty what a harvest found, see {@link SourceKind#epollHarvested} */
    public void epollHarvested(boolean empty) {
    }

    /** @return whether the calling thread's coming kernel wait is this backend's ({@link #kernelWait}) */
    public boolean takesKernelWait() {
        return false;
    }

    /** The queue's kernel wait in this backend, without the lock (see {@link SourceKind#kernelWait}). */
    public void kernelWait(long timeoutNanos) {
        throw new UnsupportedOperationException(name() + " takes no kernel wait");
    }

    /** The queue's readiness fd was handed out. */
    public void readinessExported() {
    }

    /** The queue is closing: every request was asked to cancel; returns once none is in the kernel. */
    public abstract void shutdown();

    /** The multishot receive pool was made: the backend decides where its free buffers live. */
    public abstract void poolReady(RecvPool pool);

    /** A pool buffer became free (given back, or never handed out): it may be filled again. */
    public abstract void bufferFreed(int id);

    /** @return pool buffers the engine could fill now */
    public abstract int freeBuffers();

    /** Goes on with a multishot request that waited for a buffer. */
    public abstract void resumeMultishot(AioOp op);

    /** A multishot request cannot go on until a buffer comes back. */
    public final void starve(AioOp op) {
        if (!op.starved) {
            op.starved = true;
            starved.addLast(op);
        }
    }

    /** After a buffer came back: resume waiting requests, oldest first, while buffers are free. */
    public final void resumeStarved() {
        for (int k = starved.size(); k > 0 && freeBuffers() > 0 && !context.isClosedLocked(); k--) {
            AioOp op = starved.pollFirst();
            if (op.starved) {
                op.starved = false;
                if (op.state == AioOp.ACTIVE && !op.cancelRequested && !op.socket.closing) {
                    resumeMultishot(op);
                }
            }
        }
    }

    /** Gives back a staging buffer of a request that ended. */
    public void releaseStage(ByteBuffer stage) {
    }

    /**
     * @return system calls this backend made of its own, beyond the queue's poller (an io_uring
     *         backend's {@code io_uring_enter}s: its submissions, and its owner's waits in the ring)
     */
    public long syscalls() {
        return 0;
    }

    /** Releases kernel resources; after {@link #shutdown}. */
    public abstract void close();

    /**
     * Watches a socket for readiness in the queue's epoll set through a duplicate of its
     * descriptor: a SOCKET interest of the same queue may already hold the original, and epoll
     * keys registrations by descriptor.
     *
     * @return false if it could not be watched; {@code op} then ended with the errno
     */
    public final boolean watch(AioSocket s, AioOp op, int epollEvents, FdWatchers.Watcher watcher) {
        int fd = s.socket.fd();
        int dup = fd < 0 ? -Errno.EBADF : Fd.dup(fd);
        if (dup < 0) {
            aio.end(op, dup);
            return false;
        }
        long token = context.watchFd(dup, epollEvents, watcher);
        if (token < 0) {
            Fd.close(dup);
            aio.end(op, token);
            return false;
        }
        s.watchFd = dup;
        s.watchToken = token;
        return true;
    }

    /** Stops watching a socket {@link #watch} watched, if it did. */
    public final void unwatch(AioSocket s) {
        if (s.watchFd >= 0) {
            context.unwatchFd(s.watchToken, s.watchFd);
            Fd.close(s.watchFd);
            s.watchFd = -1;
        }
    }

    /**
     * Moves a request with nonblocking calls until it ends or the socket would block: the whole
     * of the readiness engine, and io_uring's sendfile (sendfile(2) between two polls).
     *
     * @return {@link #ENDED} or {@link #BLOCKED}
     */
    public final int transferNow(AioOp op) {
        int fd = op.socket.socket.fd();
        if (fd < 0) {
            aio.end(op, -Errno.EBADF);
            return ENDED;
        }
        for (;;) {
            long n;
            try {
                n = transfer(op, fd);
            } catch (IndexOutOfBoundsException moved) {
                // The caller moved the buffer's position or limit under its request.
                aio.end(op, -Errno.EFAULT);
                return ENDED;
            }
            if (n > 0) {
                op.done += n;
                if (op.done == op.total || op.partial()) {
                    aio.end(op, op.done);
                    return ENDED;
                }
            } else if (n == 0) {
                // recv: end of stream; sendfile: the file ended before the length.
                aio.end(op, op.done);
                return ENDED;
            } else if (n == -Errno.EAGAIN) {
                return BLOCKED;
            } else if (n != -Errno.EINTR) {
                aio.end(op, n);
                return ENDED;
            }
        }
    }

    /**
     * One nonblocking step of a send, receive or sendfile request, from where it got to.
     *
     * @param fd the socket's descriptor
     * @return bytes moved (0: end of stream, or of the file), or {@code -errno} ({@code -EAGAIN}:
     *         the socket would block)
     */
    protected long transfer(AioOp op, int fd) {
        int index = op.start + (int) op.done;
        int chunk = (int) Math.min(op.remaining(), Integer.MAX_VALUE);
        return switch (op.op) {
            case Kevent.NAIO_SEND -> Sockets.send(fd, op.buffer, index, chunk);
            case Kevent.NAIO_RECV -> Sockets.recv(fd, op.buffer, index, chunk);
            default -> Sockets.sendfile(fd, op.fileFd, op.fileOffset + op.done, op.remaining());
        };
    }
}
