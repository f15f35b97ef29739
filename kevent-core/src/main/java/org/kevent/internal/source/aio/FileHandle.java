package org.kevent.internal.source.aio;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.kevent.KeventException;
import org.kevent.internal.sys.Fd;

/**
 * The descriptor of an open regular file, behind a {@code NativeFile}: what {@code aioSendfile}
 * requests pin, so that a close while a request is under way leaves the number to the request,
 * and the last request to end closes it (the number cannot be reused under a request).
 *
 * <h2>Threading</h2>
 * Any thread: the state is one atomic word, the closed bit and the count of pins.
 */
public final class FileHandle {
    /** Bit of {@link #state}: {@link #close} was called; the rest counts pins of AIO requests. */
    private static final int CLOSED = 1 << 30;

    private final int fd;
    private final Path path;
    private final AtomicInteger state = new AtomicInteger();

    /**
     * @param fd   an open regular file's descriptor, owned from now on
     * @param path the path it was opened by
     */
    public FileHandle(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** @return the path the file was opened by */
    public Path path() {
        return path;
    }

    /**
     * @param call the call that needs it, for the exception
     * @return the descriptor, for a call made now
     * @throws KeventException naming {@code call} and {@code EBADF} if the file is closed
     */
    public int descriptor(String call) {
        if (isClosed()) {
            throw new KeventException(call, "EBADF", "file " + path + " is closed");
        }
        return fd;
    }

    /** @return whether {@link #close} was called */
    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Closes the file; idempotent. While a request holds a pin, its descriptor stays open and the
     * last {@link #release} closes it.
     */
    public void close() {
        int s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                return;
            }
        } while (!state.compareAndSet(s, s | CLOSED));
        if (s == 0) {
            Fd.close(fd);
        }
    }

    /** @return the descriptor, pinned open until {@link #release}; -1 if the file is closed */
    int acquire() {
        int s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                return -1;
            }
        } while (!state.compareAndSet(s, s + 1));
        return fd;
    }

    /** Ends a pin taken by {@link #acquire}; the last one closes a file closed meanwhile. */
    void release() {
        int s = state.decrementAndGet();
        if (s == CLOSED) {
            Fd.close(fd);
        }
    }

    @Override
    public String toString() {
        return "NativeFile[" + path + (isClosed() ? ", closed]" : ", fd=" + fd + "]");
    }
}
