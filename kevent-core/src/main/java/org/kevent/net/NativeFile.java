package org.kevent.net;

import java.nio.channels.FileChannel;
import java.nio.file.Path;

import org.kevent.KeventException;
import org.kevent.internal.access.EngineSecrets;
import org.kevent.internal.portable.PortableFile;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.FileOpen;
import org.kevent.internal.access.NetSecrets;
import org.kevent.internal.source.aio.FileHandle;

/**
 * A regular file opened read-only (close-on-exec) for {@link TcpSocket#sendfile} and
 * {@link org.kevent.KeventQueue#aioSendfile}.
 *
 * <p><b>Semantics.</b> Only regular files are opened: a directory, a FIFO, a socket or a device
 * is refused with a {@link KeventException} that says what it is, and never blocks on the way
 * (the open is nonblocking, so a FIFO does not wait for a writer; the type is read from the open
 * descriptor, so nothing can be swapped in between). {@link #open} follows symbolic links;
 * {@link #openBeneath} follows none and never leaves its root, in one kernel step
 * (docs/SEMANTICS.md §7).
 *
 * <p><b>Engines.</b> A file follows the default engine when it is opened, as a socket does
 * (docs/SEMANTICS.md §10): on the portable engine it is a read-only {@link FileChannel}, sent
 * with {@code FileChannel.transferTo}, and its checks are made on the path just before the open
 * (not in one kernel step: see §10). A file sends to sockets of its own engine; the other
 * engine's is refused with {@code EINVAL}.
 *
 * <p><b>Threading.</b> Any thread; several sockets may send from one file at once, each with its
 * own offset (the file's own position is never used).
 */
public final class NativeFile implements AutoCloseable {
    /** Nonblocking, so that opening a FIFO does not wait for a writer; no effect on a regular file. */
    private static final int READ_FLAGS = FileOpen.O_RDONLY | FileOpen.O_NONBLOCK | FileOpen.O_NOCTTY;

    static {
        NetSecrets.setFiles(file -> file.handle);
    }

    /**
     * The descriptor (or, on the portable engine, the channel) and its pins; what
     * {@code aioSendfile} requests hold.
     */
    private final FileHandle handle;

    private NativeFile(int fd, Path path) {
        this.handle = new FileHandle(fd, path);
    }

    private NativeFile(FileChannel channel, Path path) {
        this.handle = new FileHandle(channel, path);
    }

    /**
     * Opens a regular file for reading, following symbolic links.
     *
     * @param path the file
     * @return the open file
     * @throws KeventException naming {@code open} and the errno: {@code ENOENT}, {@code EACCES},
     *                         {@code EMFILE}, ..., {@code EISDIR} for a directory, {@code EINVAL}
     *                         for a FIFO, a socket or a device (the message names which)
     */
    public static NativeFile open(Path path) {
        return EngineSecrets.make("open", () -> openNative(path), () -> new NativeFile(PortableFile.open(path), path));
    }

    private static NativeFile openNative(Path path) {
        int fd = FileOpen.open(path.toString(), READ_FLAGS);
        if (fd < 0) {
            throw Errno.exception("open", -fd, path.toString());
        }
        return regular(fd, path);
    }

    /**
     * Opens a regular file below a directory in one step, following no symbolic link anywhere
     * below {@code root} and never resolving above it: {@code openat2} with
     * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS}, or on a kernel without
     * it ({@code ENOSYS}) one {@code openat(O_NOFOLLOW)} per component. A file swapped for a
     * symbolic link, or a directory on the way swapped for one, is refused however the swap is
     * timed, which a check of the path followed by {@link #open} cannot promise. The root itself
     * is opened as given (symbolic links in {@code root} are followed: it is the caller's).
     *
     * @param root     the directory
     * @param relative a path below it: not absolute, no {@code ..} component
     * @return the open file; its {@link #path()} is {@code root.resolve(relative)}
     * @throws IllegalArgumentException if {@code relative} is absolute or has a {@code ..} component
     * @throws KeventException naming the call and the errno: {@code open} for the root,
     *                         {@code openat2} (or {@code openat}) for the file, with {@code ELOOP}
     *                         for a symbolic link, {@code ENOTDIR}, {@code ENOENT}, {@code EACCES},
     *                         ...; {@code open} with {@code EISDIR} or {@code EINVAL} for what is
     *                         not a regular file, as {@link #open}
     */
    public static NativeFile openBeneath(Path root, Path relative) {
        if (relative.isAbsolute()) {
            throw new IllegalArgumentException("relative path " + relative + " is absolute");
        }
        for (Path name : relative) {
            if (name.toString().equals("..")) {
                throw new IllegalArgumentException("relative path " + relative + " has a .. component");
            }
        }
        Path path = root.resolve(relative);
        return EngineSecrets.make("open", () -> openNativeBeneath(root, relative, path),
                () -> new NativeFile(PortableFile.openBeneath(root, relative), path));
    }

    private static NativeFile openNativeBeneath(Path root, Path relative, Path path) {
        int dir = FileOpen.open(root.toString(), FileOpen.O_PATH | FileOpen.O_DIRECTORY);
        if (dir < 0) {
            throw Errno.exception("open", -dir, "root " + root);
        }
        int fd;
        try {
            fd = FileOpen.openBeneath(dir, relative.toString(), READ_FLAGS);
        } finally {
            Fd.close(dir);
        }
        if (fd < 0) {
            throw Errno.exception(FileOpen.beneathCall(), -fd, relative + " beneath " + root
                    + (fd == -Errno.ELOOP ? " (a symbolic link: none is followed beneath the root)" : ""));
        }
        return regular(fd, path);
    }

    /** Keeps {@code fd} if it is a regular file; otherwise closes it and says what it is. */
    private static NativeFile regular(int fd, Path path) {
        int type = FileOpen.fileType(fd);
        if (type == FileOpen.S_IFREG) {
            return new NativeFile(fd, path);
        }
        Fd.close(fd);
        if (type < 0) {
            throw Errno.exception("statx", -type, path.toString());
        }
        throw new KeventException("open", type == FileOpen.S_IFDIR ? "EISDIR" : "EINVAL", path + " is a "
                + FileOpen.typeName(type) + ", not a regular file: a NativeFile is a regular file");
    }

    /** @return the path the file was opened by */
    public Path path() {
        return handle.path();
    }

    /**
     * @return the file's size in bytes now
     * @throws KeventException naming {@code size} and {@code EBADF} if the file is closed, or
     *                         {@code lseek} and the errno if it cannot be measured
     */
    public long size() {
        FileChannel channel = handle.channel();
        if (channel != null) {
            handle.descriptor("size");   // EBADF once closed
            return PortableFile.size(channel, path());
        }
        long size = FileOpen.size(handle.descriptor("size"));
        if (size < 0) {
            throw Errno.exception("lseek", (int) -size, path().toString());
        }
        return size;
    }

    /** The descriptor for {@link TcpSocket#sendfile}. */
    int descriptor() {
        if (handle.channel() != null) {
            throw otherEngine("a portable engine's file", "the linux engine");
        }
        return handle.descriptor("sendfile");
    }

    /** The channel for a portable socket's {@link TcpSocket#sendfile}. */
    FileChannel channel() {
        FileChannel channel = handle.channel();
        if (channel == null) {
            throw otherEngine("a linux engine's file", "the portable engine");
        }
        handle.descriptor("sendfile");   // EBADF once closed
        return channel;
    }

    private KeventException otherEngine(String file, String socket) {
        return new KeventException("sendfile", "EINVAL", path() + " is " + file + " and the socket is of " + socket
                + ": open the file under the same kevent.engine as the socket (docs/SEMANTICS.md §10)");
    }

    /**
     * Closes the file; idempotent. While an {@code aioSendfile} request is under way its
     * descriptor stays open (the number cannot be reused under the request) and is closed when the
     * last such request ends.
     */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return handle.toString();
    }
}
