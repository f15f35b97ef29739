package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class EpollTest {

    private static final long DATA = 0xDEADBEEF_CAFEBABEL;
    private static final long LONG_ENOUGH = TimeUnit.SECONDS.toNanos(5);

    private final Fds fds = new Fds();
    private final EpollEventArray events = new EpollEventArray(8);

    @AfterEach
    void closeAll() {
        events.close();
        fds.close();
    }

    @Test
    void eventFdIsReadableOnlyAfterAWriteAndCarriesItsDataWord() {
        int epfd = fds.epoll();
        int efd = fds.eventFd();
        assertThat(Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN, DATA)).isZero();

        assertThat(Epoll.wait(epfd, events, 8, 0)).isZero();

        assertThat(EventFd.write(efd, 1)).isZero();
        assertThat(Epoll.wait(epfd, events, 8, LONG_ENOUGH)).isEqualTo(1);
        assertThat(events.events(0) & Epoll.EPOLLIN).isEqualTo(Epoll.EPOLLIN);
        assertThat(events.data(0)).isEqualTo(DATA);
    }

    @Test
    void waitForeverReturnsAsSoonAsAnEventIsReady() {
        int epfd = fds.epoll();
        int efd = fds.eventFd();
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN, 7);
        EventFd.write(efd, 1);
        assertThat(Epoll.wait(epfd, events, 1, -1)).isEqualTo(1);
        assertThat(events.data(0)).isEqualTo(7);
    }

    @Test
    void modChangesTheDataWordAndDelStopsReporting() {
        int epfd = fds.epoll();
        int efd = fds.eventFd();
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN, 1);
        EventFd.write(efd, 1);

        assertThat(Epoll.ctl(epfd, Epoll.EPOLL_CTL_MOD, efd, Epoll.EPOLLIN, -1L)).isZero();
        assertThat(Epoll.wait(epfd, events, 8, 0)).isEqualTo(1);
        assertThat(events.data(0)).isEqualTo(-1L);

        assertThat(Epoll.ctl(epfd, Epoll.EPOLL_CTL_DEL, efd, 0, 0)).isZero();
        assertThat(Epoll.wait(epfd, events, 8, 0)).isZero();
    }

    @Test
    void ctlOnABadFdReturnsEbadf() {
        int epfd = fds.epoll();
        assertThat(Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, -1, Epoll.EPOLLIN, 0)).isEqualTo(-Errno.EBADF);
        int efd = fds.eventFd();
        assertThat(Epoll.ctl(-1, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN, 0)).isEqualTo(-Errno.EBADF);
    }

    @Test
    void addingTheSameFdTwiceReturnsEexist() {
        int epfd = fds.epoll();
        int efd = fds.eventFd();
        assertThat(Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN, 0)).isZero();
        assertThat(Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN, 0)).isEqualTo(-Errno.EEXIST);
    }

    @Test
    void deletingAnUnregisteredFdReturnsEnoent() {
        int epfd = fds.epoll();
        int efd = fds.eventFd();
        assertThat(Epoll.ctl(epfd, Epoll.EPOLL_CTL_DEL, efd, 0, 0)).isEqualTo(-Errno.ENOENT);
        assertThat(Epoll.ctl(epfd, Epoll.EPOLL_CTL_MOD, efd, Epoll.EPOLLIN, 0)).isEqualTo(-Errno.ENOENT);
    }

    @Test
    void modifyRearmsAOneShotRegistrationWithItsNewDataWord() {
        int epfd = fds.epoll();
        int efd = fds.eventFd();
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT, 1);
        EventFd.write(efd, 1);
        assertThat(Epoll.wait(epfd, events, 8, 0)).isEqualTo(1);
        assertThat(Epoll.wait(epfd, events, 8, 0)).as("disarmed after its one report").isZero();

        assertThat(Epoll.modify(epfd, efd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT, DATA)).isZero();
        assertThat(Epoll.wait(epfd, events, 8, 0)).isEqualTo(1);
        assertThat(events.data(0)).isEqualTo(DATA);
    }

    @Test
    void modifyReturnsTheErrnoOfTheFailedCall() {
        int epfd = fds.epoll();
        int efd = fds.eventFd();
        assertThat(Epoll.modify(epfd, efd, Epoll.EPOLLIN, 0)).as("not registered").isEqualTo(-Errno.ENOENT);
        assertThat(Epoll.modify(epfd, -1, Epoll.EPOLLIN, 0)).isEqualTo(-Errno.EBADF);
        assertThat(Epoll.modify(-1, efd, Epoll.EPOLLIN, 0)).isEqualTo(-Errno.EBADF);
        assertThat(Epoll.modify(epfd, epfd, Epoll.EPOLLIN, 0)).as("an epoll set in itself").isEqualTo(-Errno.EINVAL);
    }

    @Test
    void zeroTimeoutReturnsZeroAtOnceWhenNothingIsReady() {
        int epfd = fds.epoll();
        assertThat(Epoll.wait(epfd, events, 8, 0)).isZero();
    }

    @Test
    void smallPositiveTimeoutExpiresWithZeroEventsNotAnError() {
        int epfd = fds.epoll();
        assertThat(Epoll.wait(epfd, events, 8, TimeUnit.MILLISECONDS.toNanos(1))).isZero();
        assertThat(Epoll.wait(epfd, events, 8, 1)).isZero();
    }

    @Test
    void epollWaitFallbackTreatsASubMillisecondTimeoutAsAWaitNotAnError() {
        int epfd = fds.epoll();
        assertThat(Epoll.waitMillis(epfd, events, 8, 1)).isZero();
        int efd = fds.eventFd();
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN, DATA);
        EventFd.write(efd, 1);
        assertThat(Epoll.waitMillis(epfd, events, 8, LONG_ENOUGH)).isEqualTo(1);
        assertThat(events.data(0)).isEqualTo(DATA);
        assertThat(Epoll.waitMillis(-1, events, 8, 1)).isEqualTo(-Errno.EBADF);
    }

    @Test
    void waitOnABadEpollFdReturnsEbadfOnEveryPath() {
        assertThat(Epoll.wait(-1, events, 8, 0)).isEqualTo(-Errno.EBADF);
        assertThat(Epoll.wait(-1, events, 8, -1)).isEqualTo(-Errno.EBADF);
        assertThat(Epoll.wait(-1, events, 8, 1_000)).isEqualTo(-Errno.EBADF);
    }

    @Test
    void waitReturnsAtMostMaxEvents() {
        int epfd = fds.epoll();
        for (int i = 0; i < 3; i++) {
            int efd = fds.eventFd();
            Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN, i);
            EventFd.write(efd, 1);
        }
        assertThat(Epoll.wait(epfd, events, 2, 0)).isEqualTo(2);
        assertThat(Epoll.wait(epfd, events, 8, 0)).isEqualTo(3);
    }

    @Test
    void maxEventsOutsideOneToCapacityIsRejected() {
        int epfd = fds.epoll();
        assertThatThrownBy(() -> Epoll.wait(epfd, events, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> Epoll.wait(epfd, events, 9, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9");
    }

    @Test
    void waitingIntoAClosedArrayThrowsInsteadOfWritingFreedMemory() {
        int epfd = fds.epoll();
        EpollEventArray closed = new EpollEventArray(1);
        closed.close();
        assertThatThrownBy(() -> Epoll.wait(epfd, closed, 1, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void positiveTimeoutsRoundUpToWholeMillisecondsNeverDownToZero() {
        assertThat(Epoll.toMillis(-1)).isEqualTo(-1);
        assertThat(Epoll.toMillis(Long.MIN_VALUE)).isEqualTo(-1);
        assertThat(Epoll.toMillis(0)).isZero();
        assertThat(Epoll.toMillis(1)).isEqualTo(1);
        assertThat(Epoll.toMillis(999_999)).isEqualTo(1);
        assertThat(Epoll.toMillis(1_000_000)).isEqualTo(1);
        assertThat(Epoll.toMillis(1_000_001)).isEqualTo(2);
        assertThat(Epoll.toMillis(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void ctlAndWaitFromManyThreadsAtOnceKeepEachThreadsResultsApart() throws Exception {
        int epfd = fds.epoll();
        int threads = 8;
        int rounds = 500;
        int[] efds = new int[threads];
        for (int t = 0; t < threads; t++) {
            efds[t] = fds.eventFd();
        }
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers[t] = Thread.ofPlatform().start(() -> {
                try (EpollEventArray mine = new EpollEventArray(threads)) {
                    for (int r = 0; r < rounds; r++) {
                        long data = ((long) me << 32) | r;
                        check(failures, Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efds[me],
                                Epoll.EPOLLIN, data), 0, "add");
                        check(failures, Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efds[me],
                                Epoll.EPOLLIN, data), -Errno.EEXIST, "add again");
                        check(failures, EventFd.write(efds[me], 1), 0, "write");
                        check(failures, (int) EventFd.read(efds[me]), 1, "read");
                        check(failures, EventFd.read(efds[me]) == -Errno.EAGAIN ? 0 : 1, 0, "drained");
                        int n = Epoll.wait(epfd, mine, threads, 0);
                        check(failures, n < 0 ? n : 0, 0, "wait");
                        check(failures, Epoll.ctl(epfd, Epoll.EPOLL_CTL_DEL, efds[me], 0, 0), 0, "del");
                    }
                }
            });
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(failures).isEmpty();
    }

    private static void check(Queue<String> failures, int actual, int expected,
                              String what) {
        if (actual != expected) {
            failures.add(what + ": expected " + expected + " got " + actual
                    + (actual < 0 ? " (" + Errno.name(actual) + ")" : ""));
        }
    }
}
