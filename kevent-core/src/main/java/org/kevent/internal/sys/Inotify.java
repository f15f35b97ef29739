package org.kevent.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Bindings for inotify ({@code sys/inotify.h}): one descriptor per instance, watches identified by
 * a watch descriptor ({@code wd}), and a byte stream of {@link InotifyEvent} records to read.
 *
 * <p><b>Semantics.</b> Every method returns {@code -errno} on failure and never throws for one.
 * Adding a watch on an inode the instance already watches returns the same {@code wd} (with
 * {@link #IN_MASK_ADD} the masks are or-ed, without it replaced). Watch descriptors are allocated
 * cyclically by the kernel, so a removed {@code wd} is not handed out again soon.
 *
 * <p><b>Threading.</b> Any thread, any time.
 *
 * <p><b>Caveats.</b> {@link #addWatch} allocates the C string of the path (a confined arena per
 * call): adding watches is not a hot path. {@link #read} is a plain (non-critical) call; on the
 * nonblocking descriptors this library makes it never waits.
 */
public final class Inotify {
    /** File was accessed. */
    public static final int IN_ACCESS = 0x00000001; // sys/inotify.h
    /** File was modified. */
    public static final int IN_MODIFY = 0x00000002; // sys/inotify.h
    /** Metadata changed (permissions, timestamps, link count, ...). */
    public static final int IN_ATTRIB = 0x00000004; // sys/inotify.h
    /** A file opened for writing was closed. */
    public static final int IN_CLOSE_WRITE = 0x00000008; // sys/inotify.h
    /** A file not opened for writing was closed. */
    public static final int IN_CLOSE_NOWRITE = 0x00000010; // sys/inotify.h
    /** File was opened. */
    public static final int IN_OPEN = 0x00000020; // sys/inotify.h
    /** An entry was renamed away from the watched directory (cookie pairs it with IN_MOVED_TO). */
    public static final int IN_MOVED_FROM = 0x00000040; // sys/inotify.h
    /** An entry was renamed into the watched directory. */
    public static final int IN_MOVED_TO = 0x00000080; // sys/inotify.h
    /** An entry was created in the watched directory. */
    public static final int IN_CREATE = 0x00000100; // sys/inotify.h
    /** An entry was deleted from the watched directory. */
    public static final int IN_DELETE = 0x00000200; // sys/inotify.h
    /** The watched inode itself was deleted. */
    public static final int IN_DELETE_SELF = 0x00000400; // sys/inotify.h
    /** The watched inode itself was moved. */
    public static final int IN_MOVE_SELF = 0x00000800; // sys/inotify.h
    /** The file system holding the watched inode was unmounted (an {@link #IN_IGNORED} follows). */
    public static final int IN_UNMOUNT = 0x00002000; // sys/inotify.h
    /** The instance's event queue overflowed: records were lost ({@code wd} is -1). */
    public static final int IN_Q_OVERFLOW = 0x00004000; // sys/inotify.h
    /** The watch was removed (explicitly, or because its inode is gone); its wd is dead. */
    public static final int IN_IGNORED = 0x00008000; // sys/inotify.h
    /** Add-watch flag: fail with ENOTDIR unless the path is a directory. */
    public static final int IN_ONLYDIR = 0x01000000; // sys/inotify.h
    /** Add-watch flag: do not follow a final symbolic link. */
    public static final int IN_DONT_FOLLOW = 0x02000000; // sys/inotify.h
    /** Add-watch flag: no events for entries after they were unlinked. */
    public static final int IN_EXCL_UNLINK = 0x04000000; // sys/inotify.h
    /** Add-watch flag: or the mask into an existing watch instead of replacing it. */
    public static final int IN_MASK_ADD = 0x20000000; // sys/inotify.h
    /** Record flag: the entry is a directory. */
    public static final int IN_ISDIR = 0x40000000; // sys/inotify.h
    /** {@link #init1} flag: close-on-exec. */
    public static final int IN_CLOEXEC = 0x80000; // sys/inotify.h (= O_CLOEXEC)
    /** {@link #init1} flag: nonblocking reads. */
    public static final int IN_NONBLOCK = 0x800; // sys/inotify.h (= O_NONBLOCK)

    private Inotify() {
    }

    /**
     * Creates an inotify instance.
     *
     * @param flags {@link #IN_CLOEXEC}, {@link #IN_NONBLOCK}
     * @return the descriptor, or {@code -errno} ({@code -EMFILE} when
     *         {@code fs.inotify.max_user_instances} is reached, {@code -ENFILE}, {@code -ENOMEM})
     */
    public static int init1(int flags) {
        Native.Scratch scratch = Native.scratch();
        try {
            return Native.result((int) Init1.HANDLE.invokeExact(scratch.errno, flags), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Adds or changes a watch.
     *
     * @param fd   the inotify descriptor
     * @param path the path's bytes, as the JDK encodes file names (no terminating NUL; the caller
     *             encodes, so this binding holds no charset of its own)
     * @param mask {@code IN_*} event bits and add-watch flags
     * @return the watch descriptor (positive), or {@code -errno}: {@code -ENOENT}, {@code -EACCES},
     *         {@code -ENOTDIR} (with {@link #IN_ONLYDIR}), {@code -ENOSPC} when
     *         {@code fs.inotify.max_user_watches} is reached, {@code -EINVAL}, {@code -EBADF}
     */
    public static int addWatch(int fd, byte[] path, int mask) {
        Native.Scratch scratch = Native.scratch();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocate(path.length + 1L);
            MemorySegment.copy(path, 0, cPath, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, path.length);
            return Native.result((int) AddWatch.HANDLE.invokeExact(scratch.errno, fd, cPath, mask), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Removes a watch; the kernel then queues an {@link #IN_IGNORED} record for it.
     *
     * @param fd the inotify descriptor
     * @param wd the watch descriptor
     * @return {@code 0}, or {@code -errno} ({@code -EINVAL} when the wd is not a live watch)
     */
    public static int rmWatch(int fd, int wd) {
        Native.Scratch scratch = Native.scratch();
        try {
            return Native.result((int) RmWatch.HANDLE.invokeExact(scratch.errno, fd, wd), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Reads whole records into native memory.
     *
     * @param fd  the inotify descriptor (nonblocking)
     * @param buf where the records go; at least {@link InotifyEvent#MAX_SIZE} bytes
     * @return bytes read (a whole number of records), or {@code -errno}: {@code -EAGAIN} when none
     *         are queued, {@code -EINVAL} when {@code buf} cannot hold the next record
     */
    public static long read(int fd, MemorySegment buf) {
        Native.Scratch scratch = Native.scratch();
        try {
            return Native.result((long) Read.HANDLE.invokeExact(scratch.errno, fd, buf, buf.byteSize()), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code int inotify_init1(int flags)}. */
    private static final class Init1 {
        static final MethodHandle HANDLE = Native.downcall("inotify_init1",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), false);
    }

    /** {@code int inotify_add_watch(int fd, const char *pathname, uint32_t mask)}. */
    private static final class AddWatch {
        static final MethodHandle HANDLE = Native.downcall("inotify_add_watch",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), false);
    }

    /** {@code int inotify_rm_watch(int fd, int wd)}. */
    private static final class RmWatch {
        static final MethodHandle HANDLE = Native.downcall("inotify_rm_watch",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
    }

    /** {@code ssize_t read(int fd, void *buf, size_t count)}. */
    private static final class Read {
        static final MethodHandle HANDLE = Native.downcall("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), false);
    }
}
