package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class FdTest {

    private final Fds fds = new Fds();

    @AfterEach
    void closeAll() {
        fds.close();
    }

    private int[] pipe() {
        int[] pipe = new int[2];
        assertThat(Fd.pipe(pipe)).isZero();
        fds.track(pipe[0]);
        fds.track(pipe[1]);
        return pipe;
    }

    @Test
    void bytesWrittenToAPipeArePolledAsReadableAndReadBack() {
        int[] pipe = pipe();
        assertThat(Fd.poll(pipe[0], Fd.POLLIN, 0)).isZero();
        assertThat(Fd.poll(pipe[1], Fd.POLLOUT, 0)).isEqualTo(Fd.POLLOUT);

        byte[] hello = "xxhelloxx".getBytes(StandardCharsets.US_ASCII);
        assertThat(Fd.write(pipe[1], hello, 2, 5)).isEqualTo(5);

        assertThat(Fd.poll(pipe[0], Fd.POLLIN, 1_000)).isEqualTo(Fd.POLLIN);
        byte[] dst = new byte[16];
        assertThat(Fd.read(pipe[0], dst, 3, 13)).isEqualTo(5);
        assertThat(new String(dst, 3, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(Fd.read(pipe[0], dst, 0, 16)).isEqualTo(-Errno.EAGAIN);
    }

    @Test
    void closingTheWriteEndReadsAsEndOfFileAndHangUp() {
        int[] pipe = new int[2];
        assertThat(Fd.pipe(pipe)).isZero();
        fds.track(pipe[0]);
        assertThat(Fd.close(pipe[1])).isZero();
        assertThat(Fd.poll(pipe[0], Fd.POLLIN, 0) & Fd.POLLHUP).isEqualTo(Fd.POLLHUP);
        assertThat(Fd.read(pipe[0], new byte[1], 0, 1)).isZero();
    }

    @Test
    void writesLargerThanTheScratchAreShortNotOverrun() {
        int[] pipe = pipe();
        byte[] big = new byte[Fd.MAX_TRANSFER * 4];
        long n = Fd.write(pipe[1], big, 0, big.length);
        assertThat(n).isPositive().isLessThanOrEqualTo(Fd.MAX_TRANSFER);
    }

    @Test
    void rangesOutsideTheArrayAreRejected() {
        int[] pipe = pipe();
        byte[] buf = new byte[4];
        assertThatThrownBy(() -> Fd.write(pipe[1], buf, 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Fd.read(pipe[0], buf, -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Fd.pipe(new int[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dupGivesASecondDescriptorForTheSamePipe() {
        int[] pipe = pipe();
        int copy = fds.track(Fd.dup(pipe[1]));
        assertThat(copy).isNotIn(pipe[0], pipe[1]);
        assertThat(Fd.write(copy, new byte[] {42}, 0, 1)).isEqualTo(1);
        byte[] dst = new byte[1];
        assertThat(Fd.read(pipe[0], dst, 0, 1)).isEqualTo(1);
        assertThat(dst[0]).isEqualTo((byte) 42);
    }

    @Test
    void callsOnABadFdReturnEbadfOrPollnval() {
        assertThat(Fd.close(-1)).isEqualTo(-Errno.EBADF);
        assertThat(Fd.dup(-1)).isEqualTo(-Errno.EBADF);
        assertThat(Fd.read(-1, new byte[1], 0, 1)).isEqualTo(-Errno.EBADF);
        assertThat(Fd.write(-1, new byte[1], 0, 1)).isEqualTo(-Errno.EBADF);
        assertThat(Fd.poll(-1, Fd.POLLIN, 0)).isZero(); // poll ignores negative fds
    }

    @Test
    void creatingAndClosingQueuesAndSourcesLeaksNoDescriptor() throws IOException {
        warmUp();
        long before = openDescriptors();
        for (int i = 0; i < 2000; i++) {
            int epfd = Epoll.create();
            int efd = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
            int tfd = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_CLOEXEC);
            assertThat(Math.min(epfd, Math.min(efd, tfd))).isNotNegative();
            assertThat(Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN, i)).isZero();
            assertThat(Fd.close(tfd)).isZero();
            assertThat(Fd.close(efd)).isZero();
            assertThat(Fd.close(epfd)).isZero();
        }
        assertThat(openDescriptors()).isEqualTo(before);
    }

    /** Links every binding the loop uses first, so class loading's own fds are not counted. */
    private static void warmUp() {
        Fd.close(Epoll.create());
        Fd.close(EventFd.create(0, 0));
        Fd.close(TimerFd.create(TimerFd.CLOCK_MONOTONIC, 0));
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }

    @Test
    void dup3MakesTheNumberACopyOfTheOtherDescriptor() {
        int[] a = new int[2];
        int[] b = new int[2];
        assertThat(Fd.pipe(a)).isZero();
        assertThat(Fd.pipe(b)).isZero();
        try {
            assertThat(Fd.dup3(a[0], b[0])).isEqualTo(b[0]);
            assertThat(Fd.write(a[1], new byte[] {42}, 0, 1)).isEqualTo(1);
            byte[] got = new byte[1];
            assertThat(Fd.read(b[0], got, 0, 1)).as("read through the replaced number").isEqualTo(1);
            assertThat(got[0]).isEqualTo((byte) 42);
        } finally {
            for (int fd : new int[] {a[0], a[1], b[0], b[1]}) {
                Fd.close(fd);
            }
        }
    }

    @Test
    void dup3RefusesTheSameNumberAndAClosedDescriptor() {
        int[] p = new int[2];
        assertThat(Fd.pipe(p)).isZero();
        try {
            assertThat(Fd.dup3(p[0], p[0])).isEqualTo(-Errno.EINVAL);
            assertThat(Fd.dup3(-1, p[0])).isEqualTo(-Errno.EBADF);
            assertThat(Fd.poll(p[0], Fd.POLLIN, 0)).as("the refused calls left the pipe open").isZero();
        } finally {
            Fd.close(p[0]);
            Fd.close(p[1]);
        }
    }
}
