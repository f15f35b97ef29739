package org.kevent.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * Bindings for eventfd: a 64-bit counter in the kernel that is readable while non-zero, the
 * cheapest way to wake a thread blocked in {@link Epoll#wait}.
 *
 * <p><b>Semantics.</b> {@link #write} adds to the counter; {@link #read} returns it and resets it
 * to zero (or, with {@link #EFD_SEMAPHORE}, returns 1 and decrements it). All methods return
 * {@code -errno} on failure.
 *
 * <p><b>Threading.</b> Any thread, any time; the kernel serialises updates of one counter.
 *
 * <p><b>Caveats.</b> {@link #read} and {@link #write} are linked as <em>critical</em> calls for
 * speed, which is only sound on a nonblocking eventfd ({@link #EFD_NONBLOCK}): on a blocking one a
 * read of zero or a write that would overflow blocks while the thread holds off safepoints, and
 * the whole JVM stalls at the next GC. Every eventfd of this library is nonblocking.
 */
public final class EventFd {

    /** Close-on-exec. */
    public static final int EFD_CLOEXEC = 0x80000; // sys/eventfd.h (= O_CLOEXEC, 02000000)
    /** Nonblocking reads and writes (required by {@link #read} and {@link #write}). */
    public static final int EFD_NONBLOCK = 0x800; // sys/eventfd.h (= O_NONBLOCK, 04000)
    /** Each read takes 1 from the counter instead of all of it. */
    public static final int EFD_SEMAPHORE = 1; // sys/eventfd.h

    private static final long U64 = Long.BYTES;

    private EventFd() {
    }

    /**
     * Creates an eventfd.
     *
     * @param initialValue the counter's start value (taken as unsigned)
     * @param flags        {@link #EFD_CLOEXEC}, {@link #EFD_NONBLOCK}, {@link #EFD_SEMAPHORE}
     * @return the fd, or {@code -errno} ({@code -EINVAL}, {@code -EMFILE}, {@code -ENFILE},
     *         {@code -ENOMEM})
     */
    public static int create(int initialValue, int flags) {
        Native.Scratch scratch = Native.scratch();
        try {
            return Native.result(
                    (int) Create.HANDLE.invokeExact(scratch.errno, initialValue, flags), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Adds {@code value} to the counter of a nonblocking eventfd.
     *
     * @param fd    the eventfd
     * @param value what to add, {@code >= 0}
     * @return {@code 0}, or {@code -errno}: {@code -EAGAIN} when the counter would exceed
     *         {@code 2^64-2}, {@code -EINVAL} for a negative {@code value} (refused here so that
     *         a counter written only through this method stays within {@code long} and
     *         {@link #read} can never mistake it for an error), {@code -EBADF}
     */
    public static int write(int fd, long value) {
        if (value < 0) {
            return -Errno.EINVAL;
        }
        Native.Scratch scratch = Native.scratch();
        scratch.struct.set(JAVA_LONG, 0, value);
        try {
            long n = (long) Write.HANDLE.invokeExact(scratch.errno, fd, scratch.struct, U64);
            return n < 0 ? (int) Native.result(n, scratch) : 0;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Takes the counter of a nonblocking eventfd.
     *
     * @param fd the eventfd
     * @return the counter ({@code 1} for a semaphore eventfd), or {@code -errno}:
     *         {@code -EAGAIN} when it is zero, {@code -EBADF}
     */
    public static long read(int fd) {
        Native.Scratch scratch = Native.scratch();
        try {
            long n = (long) Read.HANDLE.invokeExact(scratch.errno, fd, scratch.struct, U64);
            return n < 0 ? Native.result(n, scratch) : scratch.struct.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Adds 1 to the counter of a nonblocking eventfd: the wake-up path, called on every hand-over
     * to a sleeping poller. It captures no errno, because capturing costs a segment per call that
     * the JIT does not always remove, and the one failure possible on a valid nonblocking eventfd,
     * {@code EAGAIN} at a counter of {@code 2^64-2}, means a wake-up is pending anyway.
     *
     * @param fd the eventfd
     * @return true if written; false if the counter is saturated or the fd is not a valid eventfd
     */
    public static boolean signal(int fd) {
        try {
            return (long) Signal.HANDLE.invokeExact(fd, Signal.ONE, U64) == U64;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code write(fd, &one, 8)} without errno capture; {@code ONE} is never written after init. */
    private static final class Signal {
        static final java.lang.foreign.MemorySegment ONE = one();
        static final MethodHandle HANDLE = Native.LINKER.downcallHandle(Native.LIBC.findOrThrow("write"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
                java.lang.foreign.Linker.Option.critical(false));

        private static java.lang.foreign.MemorySegment one() {
            java.lang.foreign.MemorySegment one = java.lang.foreign.Arena.global().allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            return one;
        }
    }

    /** {@code int eventfd(unsigned int initval, int flags)}. */
    private static final class Create {
        static final MethodHandle HANDLE = Native.downcall("eventfd",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
    }

    /** {@code ssize_t read(int fd, void *buf, size_t count)}, critical: nonblocking eventfd only. */
    private static final class Read {
        static final MethodHandle HANDLE = Native.downcall("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count)}, critical likewise. */
    private static final class Write {
        static final MethodHandle HANDLE = Native.downcall("write",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
    }
}
