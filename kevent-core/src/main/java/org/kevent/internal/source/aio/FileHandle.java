package org.kevent.internal.source.aio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.kevent.KeventException;
import org.kevent.internal.sys.Fd;

/**
 * The descriptor of an open regular file, behind a {@code NativeFile}: what {@code aioSendfile}
 * requests pin, so that a close while a request is under way leaves the number to the request,
 * and the last request to end closes it (the number cannot be reused under a request). On the
 * portable engine the file is a {@link FileChannel} instead of a descriptor, pinned the same way.
 *
 * <h2>Threading</h2>
 * Any thread: the state is one atomic word, the closed bit and the count of pins.
 */
public final class FileHandle {
    /** Bit of {@link #state}: {@link #close} was called; the rest counts pins of AIO requests. */
    private static final int CLOSED = 1 << 30;

    private final int fd;
    /** The channel of a file opened on the portable engine; null for a descriptor. */
    private final FileChannel channel;
    private final Path path;
    private final AtomicInteger state = new AtomicInteger();

    /**
     * @param fd   an open regular file's descriptor, owned from now on
     * @param path the path it was opened by
     */
    public FileHandle(int fd, Path path) {
        this.fd = fd;
        this.channel = null;
        this.path = path;
    }

    /**
     * @param channel an open regular file's channel, owned from now on (the portable engine)
     * @param path    the path it was opened by
     */
    public FileHandle(FileChannel channel, Path path) {
        this.fd = -1;
        this.channel = channel;
        this.path = path;
    }

    /** @return the channel of a portable engine's file, or null for a descriptor */
    public FileChannel channel() {
        return channel;
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
            closeNow();
        }
    }

    private void closeNow() {
        if (channel == null) {
            Fd.close(fd);
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // A read-only file: nothing unwritten can be lost by a failed close.
        }
    }

    /** @return the descriptor, pinned open until {@link #release}; -1 if the file is closed */
    int acquire() {
        return pin() ? fd : -1;
    }

    /** @return whether the file was pinned open until {@link #release}: false if it is closed */
    boolean pin() {
        int s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
        } while (!state.compareAndSet(s, s + 1));
        return true;
    }

    /** Ends a pin taken by {@link #acquire} or {@link #pin}; the last one closes a file closed meanwhile. */
    void release() {
        int s = state.decrementAndGet();
        if (s == CLOSED) {
            closeNow();
        }
    }

    @Override
    public String toString() {
        return "NativeFile[" + path + (isClosed() ? ", closed]" : channel != null ? ", portable]" : ", fd=" + fd + "]");
    }
}
