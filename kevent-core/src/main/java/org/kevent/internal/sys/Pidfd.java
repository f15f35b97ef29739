package org.kevent.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * Bindings for process descriptors ({@code pidfd_open(2)}, Linux 5.3): a descriptor that names
 * one process for as long as it is open, immune to the reuse of its pid, and that {@code poll} and
 * {@code epoll} report readable ({@code POLLIN}) once the process has exited.
 *
 * <p><b>Semantics.</b> {@link #open} returns a close-on-exec descriptor (the kernel always sets
 * {@code O_CLOEXEC} on one) or {@code -errno}; close it with {@link Fd#close}. Only
 * {@code pidfd_open} is bound: waiting for a child ({@code waitid(P_PIDFD)}) would reap it behind
 * the back of the JDK, which reaps its own children and reports their status through
 * {@link Process}; readability alone says the process exited, and takes nothing from anyone.
 *
 * <p><b>Threading.</b> Any thread, any time.
 *
 * <p><b>Caveats.</b> Not wrapped by older C libraries (glibc 2.36): called through
 * {@code syscall(2)}. On a kernel before 5.3 it returns {@code -ENOSYS}.
 */
public final class Pidfd {

    /** {@code __NR_pidfd_open}: the same number on every architecture (asm-generic/unistd.h). */
    private static final long SYS_PIDFD_OPEN = 434;

    private Pidfd() {
    }

    /**
     * Opens a descriptor for the process {@code pid}.
     *
     * @param pid the process id; the kernel refuses a value that is not a positive {@code pid_t}
     *            and so is refused here without a call, with the same errno
     * @return the descriptor, or {@code -errno}: {@code -ESRCH} when no process has that pid (one
     *         above {@code kernel.pid_max} included), {@code -EINVAL} for a pid that is not
     *         positive or not a {@code pid_t}, {@code -ENOSYS} before Linux 5.3, {@code -EMFILE},
     *         {@code -ENFILE}, {@code -ENOMEM}
     */
    public static int open(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            // syscall() would pass the long whole and the kernel truncate it to an int pid_t:
            // 2^32 + 1 would name pid 1.
            return -Errno.EINVAL;
        }
        Native.Scratch scratch = Native.scratch();
        try {
            return (int) Native.result((long) Syscall.HANDLE.invokeExact(scratch.errno, SYS_PIDFD_OPEN, pid, 0L),
                    scratch);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code long syscall(long nr, ...)} with two word arguments: {@code pidfd_open(pid, flags)}. */
    private static final class Syscall {
        static final MethodHandle HANDLE = Native.variadicDowncall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    }
}
