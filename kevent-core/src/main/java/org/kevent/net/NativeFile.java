package org.kevent.net;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.kevent.KeventException;
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
    private final int fd;
    private final Path path;
    private final AtomicBoolean closed = new AtomicBoolean();

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
        if (closed.get()) {
            throw new KeventException("sendfile", "EBADF", "file " + path + " is closed");
        }
        return fd;
    }

    /** Closes the file; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Fd.close(fd);
        }
    }

    @Override
    public String toString() {
        return "NativeFile[" + path + (closed.get() ? ", closed]" : ", fd=" + fd + "]");
    }
}
