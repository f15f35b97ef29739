package org.kevent.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * Bindings for opening files and asking what they are: {@code open}, {@code openat2} (beneath a
 * directory, in one step), {@code openat} (its fallback, one component at a time), {@code statx}
 * of an open descriptor, and {@code lseek} to measure one.
 *
 * <p><b>Semantics.</b> Every method returns {@code -errno} on failure and never throws for one.
 * {@link #openBeneath} resolves a relative path under a directory descriptor without ever leaving
 * it and without following any symbolic link: {@code openat2} with {@code RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS}, so a component swapped for a link between a
 * caller's check and the open cannot lead out (a check followed by an open can always be raced).
 * On a kernel without {@code openat2} ({@code ENOSYS}, Linux before 5.6) it walks the path itself,
 * one {@code openat(O_NOFOLLOW)} per component from the directory, with the same outcome: a link
 * as the last component is {@code ELOOP}, a link in the middle {@code ENOTDIR} (in the walk) or
 * {@code ELOOP} ({@code openat2}), a {@code ..} component or an absolute path {@code EXDEV}. The
 * descriptors it opens are close-on-exec.
 *
 * <p><b>Threading.</b> Any thread, any time: the path and the structs go through the calling
 * thread's own scratch.
 *
 * <p><b>Caveats.</b> Paths are passed as UTF-8 and at most {@value #PATH_MAX} bytes with the NUL;
 * a longer one is {@code -ENAMETOOLONG} without a call. Opening a FIFO, a socket or a device for
 * reading blocks or has side effects unless the caller passes {@link #O_NONBLOCK}; {@link #fileType}
 * then tells what was opened. None of these calls is critical: each may wait for the disk.
 */
public final class FileOpen {
    /** Read-only open (asm-generic/fcntl.h). */
    public static final int O_RDONLY = 0;
    /** Do not make a terminal the controlling one (asm-generic/fcntl.h, 0400). */
    public static final int O_NOCTTY = 0x100;
    /** Nonblocking open and I/O: a FIFO opens at once without a writer (asm-generic/fcntl.h). */
    public static final int O_NONBLOCK = Fd.O_NONBLOCK;
    /** Fail unless a directory (asm-generic/fcntl.h, 0200000). */
    public static final int O_DIRECTORY = 0x10000;
    /** A symbolic link as last component fails with ELOOP (asm-generic/fcntl.h, 0400000). */
    public static final int O_NOFOLLOW = 0x20000;
    /** Close-on-exec. */
    public static final int O_CLOEXEC = Fd.O_CLOEXEC;
    /** A location only: no read, no permission needed but search (asm-generic/fcntl.h, 010000000). */
    public static final int O_PATH = 0x200000;

    /** {@code openat2}: no component may be a symbolic link (linux/openat2.h). */
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    /** {@code openat2}: no {@code /proc} magic link (linux/openat2.h). */
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    /** {@code openat2}: never above the directory (no absolute path, no escaping {@code ..}) (linux/openat2.h). */
    public static final long RESOLVE_BENEATH = 0x08;

    /** File type mask of {@code st_mode} (sys/stat.h, 0170000). */
    public static final int S_IFMT = 0xF000;
    /** Regular file (0100000). */
    public static final int S_IFREG = 0x8000;
    /** Directory (0040000). */
    public static final int S_IFDIR = 0x4000;
    /** FIFO (0010000). */
    public static final int S_IFIFO = 0x1000;
    /** Character device (0020000). */
    public static final int S_IFCHR = 0x2000;
    /** Block device (0060000). */
    public static final int S_IFBLK = 0x6000;
    /** Socket (0140000). */
    public static final int S_IFSOCK = 0xC000;
    /** Symbolic link (0120000). */
    public static final int S_IFLNK = 0xA000;

    /** Longest path passed, its NUL included (linux/limits.h). */
    public static final int PATH_MAX = 4096;

    private static final long SYS_OPENAT2 = 437; // the same number on every architecture (asm-generic/unistd.h)
    private static final int AT_FDCWD = -100; // fcntl.h
    private static final int AT_EMPTY_PATH = 0x1000; // fcntl.h
    private static final int STATX_TYPE = 0x1; // linux/stat.h
    private static final int SEEK_END = 2; // stdio.h
    // struct open_how { u64 flags; u64 mode; u64 resolve; } (linux/openat2.h, 24 bytes)
    private static final long OPEN_HOW_SIZE = 24;
    private static final long HOW_RESOLVE_OFFSET = 16;
    // struct statx (linux/stat.h, 256 bytes on every architecture): stx_mode is a u16 at 28.
    private static final long STATX_SIZE = 256;
    private static final long STX_MODE_OFFSET = 28;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /** Set once {@code openat2} answered ENOSYS: the kernel predates it, so walk from then on. */
    private static volatile boolean noOpenat2;

    private FileOpen() {
    }

    /**
     * {@code open(path, flags)}, following symbolic links; {@link #O_CLOEXEC} is always added.
     *
     * @param path  the file
     * @param flags {@code O_*} flags; no {@code O_CREAT} (no mode is passed)
     * @return the fd, or {@code -errno} ({@code -ENOENT}, {@code -EACCES}, {@code -EMFILE}, ...)
     */
    public static int open(String path, int flags) {
        Scratch sc = SCRATCH.get();
        if (!sc.path(path)) {
            return -Errno.ENAMETOOLONG;
        }
        return openat(AT_FDCWD, sc.path, flags | O_CLOEXEC);
    }

    /**
     * Opens {@code relative} beneath the directory {@code dirfd} in one step, following no
     * symbolic link and never resolving above {@code dirfd} (see the class comment); falls back to
     * {@link #walkBeneath} on a kernel without {@code openat2}. {@link #O_NOFOLLOW} and
     * {@link #O_CLOEXEC} are always added.
     *
     * @param dirfd    a directory descriptor ({@link #O_PATH} is enough)
     * @param relative the path below it
     * @param flags    {@code O_*} flags of the last component; no {@code O_CREAT}
     * @return the fd, or {@code -errno}: {@code -ELOOP} (a symbolic link), {@code -EXDEV} (would
     *         leave {@code dirfd}), {@code -ENOENT}, {@code -ENOTDIR}, {@code -EACCES}, ...
     */
    public static int openBeneath(int dirfd, String relative, int flags) {
        if (!noOpenat2) {
            int fd = openat2(dirfd, relative, flags);
            if (fd != -Errno.ENOSYS) {
                return fd;
            }
            noOpenat2 = true;
        }
        return walkBeneath(dirfd, relative, flags);
    }

    /** @return the call {@link #openBeneath} makes on this kernel, for messages: {@code openat2} or {@code openat} */
    public static String beneathCall() {
        return noOpenat2 ? "openat" : "openat2";
    }

    /** {@link #openBeneath} through {@code openat2} only; package-private for tests. */
    static int openat2(int dirfd, String relative, int flags) {
        Scratch sc = SCRATCH.get();
        if (!sc.path(relative)) {
            return -Errno.ENAMETOOLONG;
        }
        MemorySegment how = sc.how;
        how.set(JAVA_LONG, 0, Integer.toUnsignedLong(flags | O_NOFOLLOW | O_CLOEXEC));
        how.set(JAVA_LONG, 8, 0L);
        how.set(JAVA_LONG, HOW_RESOLVE_OFFSET, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
        Native.Scratch s = Native.scratch();
        try {
            // syscall() reads every argument as a long: the int dirfd goes sign-extended.
            return (int) Native.result((long) Syscall.HANDLE.invokeExact(s.errno, SYS_OPENAT2, (long) dirfd,
                    sc.path.address(), how.address(), OPEN_HOW_SIZE), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * {@link #openBeneath} without {@code openat2}: one {@code openat(O_PATH | O_NOFOLLOW)} per
     * directory component from {@code dirfd}, then {@code openat(flags | O_NOFOLLOW)} of the last.
     * Empty and {@code .} components are skipped; package-private for tests.
     */
    static int walkBeneath(int dirfd, String relative, int flags) {
        if (relative.startsWith("/")) {
            return -Errno.EXDEV;
        }
        String[] parts = relative.split("/");
        int last = parts.length - 1;
        while (last >= 0 && skipped(parts[last])) {
            last--;
        }
        if (last < 0) {
            return -Errno.ENOENT; // as openat2 answers an empty path
        }
        return walkParts(dirfd, parts, last, flags);
    }

    /** @return whether a path component names nothing to open (empty, or {@code .}) */
    private static boolean skipped(String part) {
        return part.isEmpty() || part.equals(".");
    }

    /**
     * The walk of {@link #walkBeneath} over {@code parts[0..last]}, {@code parts[last]} a name:
     * each directory opened from the one before, closed once the next is open.
     */
    private static int walkParts(int dirfd, String[] parts, int last, int flags) {
        Scratch sc = SCRATCH.get();
        int at = dirfd;
        try {
            for (int k = 0; k <= last; k++) {
                String part = parts[k];
                if (skipped(part)) {
                    continue;
                }
                if (part.equals("..")) {
                    return -Errno.EXDEV;
                }
                if (!sc.path(part)) {
                    return -Errno.ENAMETOOLONG;
                }
                int fd = openat(at, sc.path, k == last ? flags | O_NOFOLLOW | O_CLOEXEC
                        : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (at != dirfd) {
                    Fd.close(at);
                }
                at = dirfd;
                if (fd < 0 || k == last) {
                    return fd;
                }
                at = fd;
            }
            return -Errno.ENOENT; // not reached: the last component returns
        } finally {
            if (at != dirfd) {
                Fd.close(at);
            }
        }
    }

    /**
     * The type of an open file: {@code statx(fd, "", AT_EMPTY_PATH, STATX_TYPE)}.
     *
     * @param fd the descriptor ({@link #O_PATH} is enough)
     * @return its {@code S_IF*} bits ({@link #S_IFREG}, {@link #S_IFDIR}, ...), or {@code -errno}
     */
    public static int fileType(int fd) {
        Scratch sc = SCRATCH.get();
        Native.Scratch s = Native.scratch();
        try {
            int r = Native.result((int) Statx.HANDLE.invokeExact(s.errno, fd, sc.empty, AT_EMPTY_PATH, STATX_TYPE,
                    sc.statx), s);
            return r < 0 ? r : Short.toUnsignedInt(sc.statx.get(JAVA_SHORT, STX_MODE_OFFSET)) & S_IFMT;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * @param type {@code S_IF*} bits, as {@link #fileType} returns them
     * @return the type in words for a message: "regular file", "directory", "FIFO", ...
     */
    public static String typeName(int type) {
        return switch (type & S_IFMT) {
            case S_IFREG -> "regular file";
            case S_IFDIR -> "directory";
            case S_IFIFO -> "FIFO";
            case S_IFCHR -> "character device";
            case S_IFBLK -> "block device";
            case S_IFSOCK -> "socket";
            case S_IFLNK -> "symbolic link";
            default -> "file of type 0" + Integer.toOctalString(type & S_IFMT);
        };
    }

    /** @return the size of the file {@code fd} names ({@code lseek} to its end), or {@code -errno} */
    public static long size(int fd) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((long) Lseek.HANDLE.invokeExact(s.errno, fd, 0L, SEEK_END), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static int openat(int dirfd, MemorySegment path, int flags) {
        Native.Scratch s = Native.scratch();
        try {
            return Native.result((int) Openat.HANDLE.invokeExact(s.errno, dirfd, path, flags), s);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Per-thread memory of the calls; errno goes through {@link Native#scratch()}. */
    private static final class Scratch {
        private final Arena arena = Arena.ofAuto();
        /** The NUL-terminated path of the current call. */
        final MemorySegment path = arena.allocate(PATH_MAX);
        final MemorySegment how = arena.allocate(OPEN_HOW_SIZE, 8);
        final MemorySegment statx = arena.allocate(STATX_SIZE, 8);
        /** The empty string {@code AT_EMPTY_PATH} asks for. */
        final MemorySegment empty = arena.allocate(1);

        /** Copies {@code p} into {@link #path} with its NUL; false if it does not fit. */
        boolean path(String p) {
            byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
            if (bytes.length >= PATH_MAX) {
                return false;
            }
            MemorySegment.copy(bytes, 0, path, JAVA_BYTE, 0, bytes.length);
            path.set(JAVA_BYTE, bytes.length, (byte) 0);
            return true;
        }
    }

    /** {@code int openat(int dirfd, const char *path, int flags, ...)}, without the mode (no O_CREAT). */
    private static final class Openat {
        static final MethodHandle HANDLE = Native.variadicDowncall("openat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), 3);
    }

    /** {@code long syscall(long nr, ...)} with four word arguments: {@code openat2}, which glibc does not wrap. */
    private static final class Syscall {
        static final MethodHandle HANDLE = Native.variadicDowncall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    }

    /** {@code int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf)}. */
    private static final class Statx {
        static final MethodHandle HANDLE = Native.downcall("statx",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), false);
    }

    /** {@code off_t lseek(int fd, off_t offset, int whence)}. */
    private static final class Lseek {
        static final MethodHandle HANDLE = Native.downcall("lseek",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), false);
    }
}
