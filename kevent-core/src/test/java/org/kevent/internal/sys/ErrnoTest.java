package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.KeventException;

@EnabledOnOs(OS.LINUX)
class ErrnoTest {

    @Test
    void namesKnownValuesWhicheverSignTheyCarry() {
        assertThat(Errno.name(9)).isEqualTo("EBADF");
        assertThat(Errno.name(-9)).isEqualTo("EBADF");
        assertThat(Errno.name(Errno.EAGAIN)).isEqualTo("EAGAIN");
        assertThat(Errno.name(-Errno.ENAMETOOLONG)).isEqualTo("ENAMETOOLONG");
        assertThat(Errno.name(133)).isEqualTo("EHWPOISON");
    }

    @Test
    void constantsHaveTheGenericLinuxValues() {
        assertThat(new int[] {Errno.EPERM, Errno.EINTR, Errno.EBADF, Errno.EAGAIN, Errno.EEXIST,
            Errno.EINVAL, Errno.EMFILE, Errno.ENOSYS, Errno.ELOOP, Errno.ECONNREFUSED,
            Errno.EINPROGRESS, Errno.ECANCELED})
                .containsExactly(1, 4, 9, 11, 17, 22, 24, 38, 40, 111, 115, 125);
    }

    @Test
    void namesUnknownValuesByNumber() {
        assertThat(Errno.name(4242)).isEqualTo("errno 4242");
        assertThat(Errno.name(-4242)).isEqualTo("errno 4242");
        assertThat(Errno.name(0)).isEqualTo("errno 0");
        assertThat(Errno.name(41)).isEqualTo("errno 41");
        assertThat(Errno.name(Integer.MIN_VALUE)).isEqualTo("errno 2147483648");
    }

    @Test
    void describesKnownValuesWithTheCLibraryText() {
        assertThat(Errno.message(Errno.EBADF)).isEqualTo("Bad file descriptor");
        assertThat(Errno.message(-Errno.ENOENT)).isEqualTo("No such file or directory");
        assertThat(Errno.message(Errno.EAGAIN)).isEqualTo("Resource temporarily unavailable");
    }

    @Test
    void describesUnknownValuesAsUnknown() {
        assertThat(Errno.message(4242)).isEqualTo("Unknown error 4242");
        assertThat(Errno.message(-4242)).isEqualTo("Unknown error 4242");
        assertThat(Errno.message(0)).isEqualTo("Unknown error 0");
    }

    @Test
    void exceptionNamesTheCallAndTheErrno() {
        KeventException e = Errno.exception("epoll_ctl", -Errno.EBADF);
        assertThat(e.call()).isEqualTo("epoll_ctl");
        assertThat(e.errorName()).isEqualTo("EBADF");
        assertThat(e.getMessage()).contains("epoll_ctl", "EBADF", "Bad file descriptor");
    }

    @Test
    void exceptionWithContextAppendsItToTheMessage() {
        KeventException e = Errno.exception("timerfd_settime", Errno.EINVAL, "arming fd 7");
        assertThat(e.errorName()).isEqualTo("EINVAL");
        assertThat(e.getMessage()).contains("timerfd_settime", "EINVAL", "Invalid argument; arming fd 7");
    }

    @Test
    void nameTableAgreesWithTheCLibrary() throws Throwable {
        Optional<MemorySegment> symbol = Native.LIBC.find("strerrorname_np");
        assumeTrue(symbol.isPresent(), "glibc before 2.32 has no strerrorname_np");
        MethodHandle strerrorname = Linker.nativeLinker().downcallHandle(symbol.get(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        for (int errno = 1; errno <= Errno.MAX; errno++) {
            MemorySegment text = (MemorySegment) strerrorname.invokeExact(errno);
            String expected = text.equals(MemorySegment.NULL)
                    ? "errno " + errno
                    : text.reinterpret(64).getString(0);
            assertThat(Errno.name(errno)).as("errno %d", errno).isEqualTo(expected);
        }
    }
}
