package org.kevent.net;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.kevent.KeventException;
import org.kevent.internal.engine.NetAccess;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.Sockets;

/**
 * A file opened read-only (close-on-exec) for {@link TcpSocket#sendfile}.
 *
 * <p><b>Threading.</b> Any thread; several sockets may send from one file at once, each with its
 * own offset (the file's own position is never used).
 */
public final class NativeFile implements AutoCloseable {
    /** Bit of {@link #state}: {@link #close} was called; the rest counts pins of AIO requests. */
    private static final int CLOSED = 1 << 30;

    static {
        NetAccess.installFiles(new NetAccess.Files() {
            @Override
            public int acquireFile(NativeFile file) {
                return file.acquire();
            }

            @Override
            public void releaseFile(NativeFile file) {
                file.release();
            }
        });
    }

    private final int fd;
    private final Path path;
    private final AtomicInteger state = new AtomicInteger();

    private NativeFile(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /**
     * Opens a file for reading.
     *
     * @param path the file
     * @return the open file
     * @throws KeventException naming {@code open} and the errno ({@code ENOENT}, {@code EACCES}, {@code EMFILE}, ...)
     */
    public static NativeFile open(Path path) {
        int fd = Sockets.openReadOnly(path.toString());
        if (fd < 0) {
            throw Errno.exception("open", -fd, path.toString());
        }
        return new NativeFile(fd, path);
    }

    /**
     * @return the file's size in bytes now
     * @throws KeventException if the file is closed or cannot be measured
     */
    public long size() {
        long size = Sockets.size(descriptor());
        if (size < 0) {
            throw Errno.exception("lseek", (int) -size, path.toString());
        }
        return size;
    }

    int descriptor() {
        if ((state.get() & CLOSED) != 0) {
            throw new KeventException("sendfile", "EBADF", "file " + path + " is closed");
        }
        return fd;
    }

    /**
     * Closes the file; idempotent. While an {@code aioSendfile} request is under way its
     * descriptor stays open (the number cannot be reused under the request) and is closed when the
     * last such request ends.
     */
    @Override
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

    /** Pins the descriptor for an AIO request: -1 if closed. */
    private int acquire() {
        int s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                return -1;
            }
        } while (!state.compareAndSet(s, s + 1));
        return fd;
    }

    private void release() {
        int s = state.decrementAndGet();
        if (s == CLOSED) {
            Fd.close(fd);
        }
    }

    @Override
    public String toString() {
        return "NativeFile[" + path + ((state.get() & CLOSED) != 0 ? ", closed]" : ", fd=" + fd + "]");
    }
}
