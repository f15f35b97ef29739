package org.kevent.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * Bindings for plain file-descriptor calls: {@code close}, {@code fcntl(F_DUPFD_CLOEXEC)},
 * {@code pipe2}, {@code read}, {@code write} and {@code poll} on one fd.
 *
 * <p><b>Semantics.</b> Every method returns {@code -errno} on failure and never throws for one.
 * {@link #read} and {@link #write} move at most {@value #MAX_TRANSFER} bytes per call, through
 * the calling thread's scratch; like the system calls they may move fewer bytes than asked, and
 * the caller loops.
 *
 * <p><b>Threading.</b> Any thread, any time.
 *
 * <p><b>Caveats.</b> Only {@link #close} is a critical call; the others may block on a blocking
 * fd.
 */
public final class Fd {

    /** Close-on-exec. */
    public static final int O_CLOEXEC = 0x80000; // asm-generic/fcntl.h (02000000)
    /** Nonblocking I/O. */
    public static final int O_NONBLOCK = 0x800; // asm-generic/fcntl.h (04000)
    /** {@code fcntl} command: duplicate to the lowest free fd at or above arg, close-on-exec. */
    public static final int F_DUPFD_CLOEXEC = 1030; // linux/fcntl.h (F_LINUX_SPECIFIC_BASE + 6)

    /** Readable. */
    public static final int POLLIN = 0x001; // asm-generic/poll.h
    /** Urgent data. */
    public static final int POLLPRI = 0x002; // asm-generic/poll.h
    /** Writable. */
    public static final int POLLOUT = 0x004; // asm-generic/poll.h
    /** Error; always reported. */
    public static final int POLLERR = 0x008; // asm-generic/poll.h
    /** Hang-up; always reported. */
    public static final int POLLHUP = 0x010; // asm-generic/poll.h
    /** The fd is not open; always reported. */
    public static final int POLLNVAL = 0x020; // asm-generic/poll.h
    /** Stream peer closed its writing half. */
    public static final int POLLRDHUP = 0x2000; // asm-generic/poll.h

    /** Most bytes one {@link #read} or {@link #write} moves. */
    public static final int MAX_TRANSFER = Native.IO_AREA_SIZE;

    // struct pollfd { int fd; short events; short revents; }  (poll.h, 8 bytes)
    private static final long POLLFD_FD_OFFSET = 0;
    private static final long POLLFD_EVENTS_OFFSET = 4;
    private static final long POLLFD_REVENTS_OFFSET = 6;
    private static final long ONE_POLLFD = 1;

    private Fd() {
    }

    /**
     * Closes {@code fd}.
     *
     * <p>{@code EINTR} is reported as success: Linux releases the descriptor before it can be
     * interrupted (the interruption only concerns flushing, e.g. on NFS), so the fd is gone either
     * way, and retrying could close a descriptor another thread has just been given the same number.
     *
     * @param fd the descriptor
     * @return {@code 0}, or {@code -errno} ({@code -EBADF}, {@code -EIO}, {@code -ENOSPC},
     *         {@code -EDQUOT}); after any of them the fd is closed all the same, except for
     *         {@code -EBADF}, where it was never open
     */
    public static int close(int fd) {
        Native.Scratch scratch = Native.scratch();
        try {
            int result = Native.result((int) Close.HANDLE.invokeExact(scratch.errno, fd), scratch);
            return result == -Errno.EINTR ? 0 : result;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Duplicates {@code fd} with close-on-exec set, as {@code fcntl(fd, F_DUPFD_CLOEXEC, 0)}:
     * unlike {@code dup}, the copy never leaks into a child process started meanwhile.
     *
     * @param fd the descriptor
     * @return the new descriptor, or {@code -errno} ({@code -EBADF}, {@code -EMFILE})
     */
    public static int dup(int fd) {
        Native.Scratch scratch = Native.scratch();
        try {
            return Native.result(
                    (int) Fcntl.HANDLE.invokeExact(scratch.errno, fd, F_DUPFD_CLOEXEC, 0), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Makes {@code newfd} a close-on-exec copy of {@code oldfd}, closing what {@code newfd} was
     * first, in one step ({@code dup3(oldfd, newfd, O_CLOEXEC)}): no other thread can be given the
     * number in between, as it could between a {@code close} and a {@code dup}.
     *
     * @param oldfd the descriptor to copy
     * @param newfd the number the copy takes
     * @return {@code newfd}, or {@code -errno} ({@code -EBADF}, {@code -EINVAL} when both are the
     *         same, {@code -EBUSY})
     */
    public static int dup3(int oldfd, int newfd) {
        Native.Scratch scratch = Native.scratch();
        try {
            return Native.result((int) Dup3.HANDLE.invokeExact(scratch.errno, oldfd, newfd, O_CLOEXEC), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Creates a nonblocking, close-on-exec pipe.
     *
     * @param fds receives the read end at {@code [0]} and the write end at {@code [1]}; untouched
     *            on failure
     * @return {@code 0}, or {@code -errno} ({@code -EMFILE}, {@code -ENFILE})
     * @throws IllegalArgumentException if {@code fds} has fewer than two elements
     */
    public static int pipe(int[] fds) {
        if (fds.length < 2) {
            throw new IllegalArgumentException("fds must hold 2 descriptors: length " + fds.length);
        }
        Native.Scratch scratch = Native.scratch();
        try {
            int result = Native.result((int) Pipe2.HANDLE.invokeExact(scratch.errno,
                    scratch.struct, O_CLOEXEC | O_NONBLOCK), scratch);
            if (result == 0) {
                fds[0] = scratch.struct.get(JAVA_INT, 0);
                fds[1] = scratch.struct.get(JAVA_INT, Integer.BYTES);
            }
            return result;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Writes up to {@code min(len, MAX_TRANSFER)} bytes of {@code src[off..off+len)} to
     * {@code fd}.
     *
     * @param fd  the descriptor
     * @param src the bytes
     * @param off where they start in {@code src}
     * @param len how many to write
     * @return bytes written, or {@code -errno} ({@code -EAGAIN} when a nonblocking fd is full,
     *         {@code -EPIPE} when no reader is left, {@code -EBADF}, ...)
     * @throws IndexOutOfBoundsException if the range is outside {@code src}
     */
    public static long write(int fd, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        int count = Math.min(len, MAX_TRANSFER);
        Native.Scratch scratch = Native.scratch();
        MemorySegment io = scratch.io();
        MemorySegment.copy(src, off, io, JAVA_BYTE, 0, count);
        try {
            return Native.result((long) Write.HANDLE.invokeExact(scratch.errno, fd, io,
                    (long) count), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Reads up to {@code min(len, MAX_TRANSFER)} bytes from {@code fd} into
     * {@code dst[off..off+len)}.
     *
     * @param fd  the descriptor
     * @param dst where the bytes go
     * @param off where they start in {@code dst}
     * @param len how many to read at most
     * @return bytes read ({@code 0} at end of file), or {@code -errno} ({@code -EAGAIN} when a
     *         nonblocking fd is empty, {@code -EBADF}, ...)
     * @throws IndexOutOfBoundsException if the range is outside {@code dst}
     */
    public static long read(int fd, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        int count = Math.min(len, MAX_TRANSFER);
        Native.Scratch scratch = Native.scratch();
        MemorySegment io = scratch.io();
        long n;
        try {
            n = Native.result((long) Read.HANDLE.invokeExact(scratch.errno, fd, io, (long) count),
                    scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (n > 0) {
            MemorySegment.copy(io, JAVA_BYTE, 0, dst, off, (int) n);
        }
        return n;
    }

    /**
     * Polls one descriptor.
     *
     * @param fd            the descriptor
     * @param events        {@code POLL*} bits of interest
     * @param timeoutMillis negative to wait forever, {@code 0} to return at once
     * @return the {@code revents} bits ({@code 0} on timeout; {@link #POLLNVAL} when {@code fd} is
     *         not open), or {@code -errno} ({@code -EINTR}, {@code -ENOMEM})
     */
    public static int poll(int fd, int events, int timeoutMillis) {
        Native.Scratch scratch = Native.scratch();
        MemorySegment pollfd = scratch.struct;
        pollfd.set(JAVA_INT, POLLFD_FD_OFFSET, fd);
        pollfd.set(JAVA_SHORT, POLLFD_EVENTS_OFFSET, (short) events);
        pollfd.set(JAVA_SHORT, POLLFD_REVENTS_OFFSET, (short) 0);
        try {
            int result = Native.result((int) Poll.HANDLE.invokeExact(scratch.errno, pollfd,
                    ONE_POLLFD, timeoutMillis), scratch);
            return result <= 0 ? result : Short.toUnsignedInt(pollfd.get(JAVA_SHORT, POLLFD_REVENTS_OFFSET));
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code int close(int fd)}: returns at once (the final release may be deferred). */
    private static final class Close {
        static final MethodHandle HANDLE = Native.downcall("close",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    }

    /** {@code int fcntl(int fd, int cmd, ...)}, used with one {@code int} argument. */
    private static final class Fcntl {
        static final MethodHandle HANDLE = Native.variadicDowncall("fcntl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    }

    /** {@code int dup3(int oldfd, int newfd, int flags)}. */
    private static final class Dup3 {
        static final MethodHandle HANDLE = Native.downcall("dup3",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), true);
    }

    /** {@code int pipe2(int pipefd[2], int flags)}. */
    private static final class Pipe2 {
        static final MethodHandle HANDLE = Native.downcall("pipe2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), false);
    }

    /** {@code ssize_t read(int fd, void *buf, size_t count)}. */
    private static final class Read {
        static final MethodHandle HANDLE = Native.downcall("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), false);
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count)}. */
    private static final class Write {
        static final MethodHandle HANDLE = Native.downcall("write",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), false);
    }

    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}. */
    private static final class Poll {
        static final MethodHandle HANDLE = Native.downcall("poll",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), false);
    }
}
