package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class EventFdTest {

    private final Fds fds = new Fds();

    @AfterEach
    void closeAll() {
        fds.close();
    }

    @Test
    void writesAddUpAndAReadTakesTheWholeCounter() {
        int efd = fds.eventFd();
        assertThat(EventFd.write(efd, 3)).isZero();
        assertThat(EventFd.write(efd, 4)).isZero();
        assertThat(EventFd.read(efd)).isEqualTo(7);
        assertThat(EventFd.read(efd)).isEqualTo(-Errno.EAGAIN);
    }

    @Test
    void initialValueIsReadable() {
        int efd = fds.track(EventFd.create(5, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC));
        assertThat(EventFd.read(efd)).isEqualTo(5);
    }

    @Test
    void semaphoreReadsTakeOneAtATime() {
        int efd = fds.track(EventFd.create(2,
                EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC | EventFd.EFD_SEMAPHORE));
        assertThat(EventFd.read(efd)).isEqualTo(1);
        assertThat(EventFd.read(efd)).isEqualTo(1);
        assertThat(EventFd.read(efd)).isEqualTo(-Errno.EAGAIN);
    }

    @Test
    void writeThatWouldOverflowTheCounterReturnsEagain() {
        int efd = fds.eventFd();
        assertThat(EventFd.write(efd, Long.MAX_VALUE)).isZero();
        assertThat(EventFd.write(efd, Long.MAX_VALUE)).isZero(); // 2^64 - 2, the kernel's limit
        assertThat(EventFd.write(efd, 1)).isEqualTo(-Errno.EAGAIN);
    }

    @Test
    void negativeValueIsRefusedWithoutReachingTheKernel() {
        int efd = fds.eventFd();
        assertThat(EventFd.write(efd, -1)).isEqualTo(-Errno.EINVAL);
        assertThat(EventFd.read(efd)).isEqualTo(-Errno.EAGAIN);
    }

    @Test
    void callsOnABadFdReturnEbadf() {
        assertThat(EventFd.write(-1, 1)).isEqualTo(-Errno.EBADF);
        assertThat(EventFd.read(-1)).isEqualTo(-Errno.EBADF);
    }

    @Test
    void badFlagsAreRejected() {
        assertThat(EventFd.create(0, 0x40000000)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void signalAddsOneAndReportsABadFd() {
        int fd = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        try {
            assertThat(EventFd.signal(fd)).isTrue();
            assertThat(EventFd.signal(fd)).isTrue();
            assertThat(EventFd.read(fd)).isEqualTo(2);
        } finally {
            Fd.close(fd);
        }
        assertThat(EventFd.signal(fd)).isFalse();
    }
}
