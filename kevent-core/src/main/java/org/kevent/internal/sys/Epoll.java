package org.kevent.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Bindings for epoll: {@code epoll_create1}, {@code epoll_ctl}, {@code epoll_wait} and
 * {@code epoll_pwait2}.
 *
 * <p><b>Semantics.</b> Every method returns {@code -errno} on failure and never throws for one.
 * {@link #wait} returns {@code -EINTR} when a signal interrupts it (the kernel never restarts
 * epoll waits, whatever {@code SA_RESTART} says); the caller resumes with its remaining time.
 *
 * <p><b>Threading.</b> Any thread may call any method at any time, on any epoll fd: structs go
 * through the calling thread's scratch. Registering from one thread while another waits is what
 * epoll is designed for.
 *
 * <p><b>Caveats.</b> Positive timeouts use {@code epoll_pwait2} (Linux 5.11, glibc 2.35) for
 * nanosecond resolution. Where it is missing, or a seccomp filter refuses it, the first failure is
 * remembered and every later wait uses {@code epoll_wait} with milliseconds rounded up, so a wait
 * is never shorter than asked and a positive timeout never turns into a busy poll.
 */
public final class Epoll {

    /** Readable. */
    public static final int EPOLLIN = 0x001; // sys/epoll.h
    /** Urgent data, or an exceptional condition. */
    public static final int EPOLLPRI = 0x002; // sys/epoll.h
    /** Writable. */
    public static final int EPOLLOUT = 0x004; // sys/epoll.h
    /** Error on the fd; always reported, need not be asked for. */
    public static final int EPOLLERR = 0x008; // sys/epoll.h
    /** Hang-up; always reported, need not be asked for. */
    public static final int EPOLLHUP = 0x010; // sys/epoll.h
    /** Stream peer closed its writing half. */
    public static final int EPOLLRDHUP = 0x2000; // sys/epoll.h
    /** Wake one of several epoll fds waiting on the same target (ADD only). */
    public static final int EPOLLEXCLUSIVE = 1 << 28; // sys/epoll.h
    /** Hold a wakeup source while the event is pending (needs CAP_BLOCK_SUSPEND). */
    public static final int EPOLLWAKEUP = 1 << 29; // sys/epoll.h
    /** Disable the registration after one event until re-armed with MOD. */
    public static final int EPOLLONESHOT = 1 << 30; // sys/epoll.h
    /** Edge-triggered. */
    public static final int EPOLLET = 1 << 31; // sys/epoll.h

    /** Register a target fd. */
    public static final int EPOLL_CTL_ADD = 1; // sys/epoll.h
    /** Deregister a target fd. */
    public static final int EPOLL_CTL_DEL = 2; // sys/epoll.h
    /** Change the events and data of a registration. */
    public static final int EPOLL_CTL_MOD = 3; // sys/epoll.h

    /** Close-on-exec flag of {@code epoll_create1}. */
    public static final int EPOLL_CLOEXEC = 0x80000; // sys/epoll.h (= O_CLOEXEC, 02000000)

    private static final int NO_WAIT = 0;
    private static final int FOREVER = -1;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private Epoll() {
    }

    /**
     * Creates an epoll instance with {@link #EPOLL_CLOEXEC}.
     *
     * @return the new epoll fd, or {@code -errno} ({@code -EMFILE}, {@code -ENFILE},
     *         {@code -ENOMEM})
     */
    public static int create() {
        Native.Scratch scratch = Native.scratch();
        try {
            return Native.result((int) Create1.HANDLE.invokeExact(scratch.errno, EPOLL_CLOEXEC),
                    scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Adds, modifies or removes the registration of {@code fd} in {@code epfd}.
     *
     * @param epfd   the epoll fd
     * @param op     {@link #EPOLL_CTL_ADD}, {@link #EPOLL_CTL_MOD} or {@link #EPOLL_CTL_DEL}
     * @param fd     the target fd
     * @param events the {@code EPOLL*} mask (ignored by DEL)
     * @param data   the word {@link #wait} reports with the target's events (ignored by DEL)
     * @return {@code 0}, or {@code -errno}: {@code -EBADF}, {@code -EEXIST} (ADD of a registered
     *         fd), {@code -ENOENT} (MOD or DEL of an unregistered one), {@code -EPERM} (a regular
     *         file), {@code -EINVAL}, {@code -ELOOP}, {@code -ENOMEM}, {@code -ENOSPC}
     */
    public static int ctl(int epfd, int op, int fd, int events, long data) {
        Native.Scratch scratch = Native.scratch();
        // DEL ignores the event, but kernels before 2.6.9 fault on NULL; pass the scratch anyway.
        EpollEvent.set(scratch.struct, 0, events, data);
        try {
            return Native.result(
                    (int) Ctl.HANDLE.invokeExact(scratch.errno, epfd, op, fd, scratch.struct),
                    scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * {@link #ctl} with {@link #EPOLL_CTL_MOD}, for a one-shot registration re-armed at every
     * wait: the call that succeeds captures no errno. Capturing slices the capture segment on
     * every call, 40 bytes that only C2's escape analysis removes, and a re-arm that runs once per
     * idle spell (the socket poller's) may never be compiled by C2. A modification is idempotent,
     * so a failed one is made again with capture to learn the errno; an error that does not
     * repeat (an {@code ENOMEM} gone meanwhile) leaves the registration modified, as asked.
     *
     * @param epfd   the epoll fd
     * @param fd     the registered target fd
     * @param events the new {@code EPOLL*} mask
     * @param data   the new data word
     * @return {@code 0}, or {@code -errno} as for {@link #ctl} ({@code -ENOENT} if {@code fd} is
     *         not registered)
     */
    public static int modify(int epfd, int fd, int events, long data) {
        MemorySegment event = Native.scratch().struct;
        EpollEvent.set(event, 0, events, data);
        int r;
        try {
            r = (int) FastCtl.HANDLE.invokeExact(epfd, EPOLL_CTL_MOD, fd, event);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return r >= 0 ? r : ctl(epfd, EPOLL_CTL_MOD, fd, events, data);
    }

    /** {@code epoll_ctl} without errno capture, for {@link #modify}'s first attempt. */
    private static final class FastCtl {
        static final MethodHandle HANDLE = Native.LINKER.downcallHandle(Native.LIBC.findOrThrow("epoll_ctl"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.critical(false));
    }

    /**
     * Waits for events on {@code epfd} and writes up to {@code maxEvents} of them into
     * {@code events}.
     *
     * @param epfd         the epoll fd
     * @param events       where the kernel writes the events
     * @param maxEvents    how many events to take at most, {@code 1..events.capacity()}
     * @param timeoutNanos negative to wait forever, {@code 0} to return at once, else the longest
     *                     wait in nanoseconds
     * @return how many events were written ({@code 0} on timeout), or {@code -errno}:
     *         {@code -EINTR} (a signal arrived; retry with the remaining time), {@code -EBADF},
     *         {@code -EINVAL}
     * @throws IllegalArgumentException if {@code maxEvents} is out of range
     * @throws IllegalStateException    if {@code events} is closed
     */
    public static int wait(int epfd, EpollEventArray events, int maxEvents, long timeoutNanos) {
        checkMaxEvents(events, maxEvents);
        MemorySegment array = events.segment();
        Native.Scratch scratch = Native.scratch();
        if (timeoutNanos > 0 && Pwait2.usable) {
            int n = pwait2Fast(epfd, array, maxEvents, timeoutNanos, scratch);
            if (n >= 0) {
                return n;
            }
            // As below for epoll_wait: ask again at once, capturing errno this time.
            n = pwait2(epfd, array, maxEvents, 0, scratch);
            if (!isMissing(n)) {
                return n;
            }
            Pwait2.usable = false;
        }
        int millis = toMillis(timeoutNanos);
        int n = epollWaitFast(epfd, array, maxEvents, millis);
        // The fast call captures no errno (capturing costs a segment per call that the JIT does
        // not always remove, on the path every blocking wait takes). On failure, ask again without
        // waiting and with capture: an EINTR then reads as a short wait (the caller recomputes the
        // remaining time, as it must for EINTR), a real error as itself.
        return n >= 0 ? n : epollWait(epfd, array, maxEvents, NO_WAIT, scratch);
    }

    private static int epollWaitFast(int epfd, MemorySegment array, int maxEvents, int timeoutMillis) {
        try {
            return (int) FastWait.HANDLE.invokeExact(epfd, array, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static int pwait2Fast(int epfd, MemorySegment array, int maxEvents, long timeoutNanos,
                                  Native.Scratch scratch) {
        Timespec.set(scratch.struct, 0, timeoutNanos);
        try {
            return (int) FastPwait2.HANDLE.invokeExact(epfd, array, maxEvents, scratch.struct, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code epoll_wait} without errno capture, for the blocking fast path. */
    private static final class FastWait {
        static final MethodHandle HANDLE = Native.LINKER.downcallHandle(Native.LIBC.findOrThrow("epoll_wait"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    /** {@code epoll_pwait2} without errno capture; only used once {@link Pwait2} linked. */
    private static final class FastPwait2 {
        static final MethodHandle HANDLE = Native.LINKER.downcallHandle(Native.LIBC.findOrThrow("epoll_pwait2"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    }

    /**
     * Waits through {@code epoll_wait} alone, as {@link #wait} does once {@code epoll_pwait2}
     * proved unavailable; lets tests exercise the fallback on kernels that have it.
     *
     * @param epfd         the epoll fd
     * @param events       where the kernel writes the events
     * @param maxEvents    how many events to take at most, {@code 1..events.capacity()}
     * @param timeoutNanos as for {@link #wait}, rounded up to milliseconds
     * @return as for {@link #wait}
     */
    static int waitMillis(int epfd, EpollEventArray events, int maxEvents, long timeoutNanos) {
        checkMaxEvents(events, maxEvents);
        return epollWait(epfd, events.segment(), maxEvents, toMillis(timeoutNanos),
                Native.scratch());
    }

    private static void checkMaxEvents(EpollEventArray events, int maxEvents) {
        if (maxEvents < 1 || maxEvents > events.capacity()) {
            throw new IllegalArgumentException(
                    "maxEvents must be in 1.." + events.capacity() + ": " + maxEvents);
        }
    }

    /**
     * Converts a timeout to {@code epoll_wait}'s milliseconds, rounding a positive timeout up so
     * that a sub-millisecond wait does not become {@code 0}, a busy poll.
     *
     * @param timeoutNanos negative for forever, {@code 0}, or a positive timeout
     * @return {@code -1}, {@code 0}, or milliseconds in {@code 1..Integer.MAX_VALUE}
     */
    static int toMillis(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return FOREVER;
        }
        if (timeoutNanos == 0) {
            return NO_WAIT;
        }
        long millis = timeoutNanos / NANOS_PER_MILLI + (timeoutNanos % NANOS_PER_MILLI == 0 ? 0 : 1);
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }

    /**
     * Tells "the kernel or a seccomp filter does not let us call epoll_pwait2" from real errors:
     * an old kernel answers {@code ENOSYS}; container runtimes with a default-deny seccomp profile
     * (Docker before 20.10) answer {@code EPERM}, which epoll_pwait2 itself never returns.
     */
    private static boolean isMissing(int result) {
        return result == -Errno.ENOSYS || result == -Errno.EPERM;
    }

    private static int pwait2(int epfd, MemorySegment array, int maxEvents, long timeoutNanos,
                              Native.Scratch scratch) {
        Timespec.set(scratch.struct, 0, timeoutNanos);
        try {
            return Native.result((int) Pwait2.HANDLE.invokeExact(scratch.errno, epfd, array,
                    maxEvents, scratch.struct, MemorySegment.NULL), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static int epollWait(int epfd, MemorySegment array, int maxEvents, int timeoutMillis,
                                 Native.Scratch scratch) {
        try {
            return Native.result((int) Wait.HANDLE.invokeExact(scratch.errno, epfd, array,
                    maxEvents, timeoutMillis), scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code int epoll_create1(int flags)}. */
    private static final class Create1 {
        static final MethodHandle HANDLE = Native.downcall("epoll_create1",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    }

    /** {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)}. */
    private static final class Ctl {
        static final MethodHandle HANDLE = Native.downcall("epoll_ctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), true);
    }

    /** {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)}. */
    private static final class Wait {
        // Not critical: it blocks, and a critical call would hold off safepoints meanwhile.
        static final MethodHandle HANDLE = Native.downcall("epoll_wait",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), false);
    }

    /**
     * {@code int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
     * const struct timespec *timeout, const sigset_t *sigmask)}.
     */
    private static final class Pwait2 {
        static final MethodHandle HANDLE = Native.optionalDowncall("epoll_pwait2",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS),
                false).orElse(null);

        // Cleared once on ENOSYS/EPERM. Racing threads may each make one more failing call before
        // they see it, which costs a syscall and nothing else.
        static volatile boolean usable = HANDLE != null;
    }
}
