package org.kevent.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Bindings for timerfd: a kernel timer that makes its fd readable on expiry, so deadlines and
 * I/O are waited for in one {@link Epoll#wait}.
 *
 * <p><b>Semantics.</b> Reading returns how many times the timer expired since the last read and
 * resets that count; the fd stays readable while the count is non-zero. Re-arming with
 * {@link #setTime} also resets it, so a stale expiry is never read after a re-arm. All methods
 * return {@code -errno} on failure.
 *
 * <p><b>Threading.</b> Any thread, any time.
 *
 * <p><b>Caveats.</b> {@link #read} is not a critical call: on a blocking timerfd it waits for the
 * next expiry. A {@link #CLOCK_REALTIME} timer armed with {@link #TFD_TIMER_CANCEL_ON_SET} reads
 * {@code -ECANCELED} after the wall clock is set.
 */
public final class TimerFd {

    /** Wall-clock time; jumps when the clock is set. */
    public static final int CLOCK_REALTIME = 0; // linux/time.h
    /** Time since boot, excluding suspend; never jumps. Same clock as {@link System#nanoTime()}. */
    public static final int CLOCK_MONOTONIC = 1; // linux/time.h
    /** Like {@link #CLOCK_MONOTONIC} but counts suspend. */
    public static final int CLOCK_BOOTTIME = 7; // linux/time.h

    /** Close-on-exec. */
    public static final int TFD_CLOEXEC = 0x80000; // sys/timerfd.h (= O_CLOEXEC, 02000000)
    /** Nonblocking reads. */
    public static final int TFD_NONBLOCK = 0x800; // sys/timerfd.h (= O_NONBLOCK, 04000)
    /** {@link #setTime}: the value is an instant of the timer's clock, not a delay. */
    public static final int TFD_TIMER_ABSTIME = 1; // sys/timerfd.h
    /** {@link #setTime}: with an absolute realtime timer, fail reads when the clock is set. */
    public static final int TFD_TIMER_CANCEL_ON_SET = 2; // sys/timerfd.h

    private static final long U64 = Long.BYTES;

    private TimerFd() {
    }

    /**
     * Creates a disarmed timer.
     *
     * @param clockId {@link #CLOCK_MONOTONIC}, {@link #CLOCK_REALTIME}, {@link #CLOCK_BOOTTIME}
     * @param flags   {@link #TFD_CLOEXEC}, {@link #TFD_NONBLOCK}
     * @return the fd, or {@code -errno} ({@code -EINVAL}, {@code -EMFILE}, {@code -ENFILE},
     *         {@code -ENODEV}, {@code -ENOMEM})
     */
    public static int create(int clockId, int flags) {
        Native.Scratch scratch = Native.scratch();
        try {
            return Native.result((int) Create.HANDLE.invokeExact(scratch.errno, clockId, flags),
                    scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Arms or disarms the timer.
     *
     * @param fd            the timerfd
     * @param flags         {@code 0} for a delay, {@link #TFD_TIMER_ABSTIME} for an instant
     *                      (optionally with {@link #TFD_TIMER_CANCEL_ON_SET})
     * @param valueNanos    first expiry: a delay, or an instant of the timer's clock; {@code 0}
     *                      disarms, even with {@link #TFD_TIMER_ABSTIME}, so an absolute deadline
     *                      of exactly zero cannot be expressed (any instant in the past fires at
     *                      once, so use {@code 1})
     * @param intervalNanos period after the first expiry, {@code 0} for a one-shot timer
     * @return {@code 0}, or {@code -errno}: {@code -EINVAL} (negative times, bad flags),
     *         {@code -EBADF}
     */
    public static int setTime(int fd, int flags, long valueNanos, long intervalNanos) {
        Native.Scratch scratch = Native.scratch();
        Itimerspec.set(scratch.struct, 0, valueNanos, intervalNanos);
        try {
            return Native.result((int) SetTime.HANDLE.invokeExact(scratch.errno, fd, flags,
                    scratch.struct, MemorySegment.NULL), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Returns the time left until the next expiry.
     *
     * @param fd the timerfd
     * @return nanoseconds until the next expiry ({@code 0} when disarmed), or {@code -errno}
     *         ({@code -EBADF}, {@code -EINVAL})
     */
    public static long getTime(int fd) {
        Native.Scratch scratch = Native.scratch();
        try {
            int result = (int) GetTime.HANDLE.invokeExact(scratch.errno, fd, scratch.struct);
            return result < 0
                    ? Native.result(result, scratch)
                    : Timespec.get(scratch.struct, Itimerspec.IT_VALUE_OFFSET);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Takes the count of expirations since the last read.
     *
     * @param fd the timerfd
     * @return expirations ({@code >= 1}), or {@code -errno}: {@code -EAGAIN} when none on a
     *         nonblocking fd, {@code -ECANCELED} (see {@link #TFD_TIMER_CANCEL_ON_SET}),
     *         {@code -EBADF}
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

    /** {@code int timerfd_create(int clockid, int flags)}. */
    private static final class Create {
        static final MethodHandle HANDLE = Native.downcall("timerfd_create",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
    }

    /**
     * {@code int timerfd_settime(int fd, int flags, const struct itimerspec *new,
     * struct itimerspec *old)}.
     */
    private static final class SetTime {
        static final MethodHandle HANDLE = Native.downcall("timerfd_settime",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), true);
    }

    /** {@code int timerfd_gettime(int fd, struct itimerspec *curr)}. */
    private static final class GetTime {
        static final MethodHandle HANDLE = Native.downcall("timerfd_gettime",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), true);
    }

    /** {@code ssize_t read(int fd, void *buf, size_t count)}: may block, so not critical. */
    private static final class Read {
        static final MethodHandle HANDLE = Native.downcall("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), false);
    }
}
