package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class TimerFdTest {

    private static final long LONG_ENOUGH = TimeUnit.SECONDS.toNanos(5);
    private static final long ONE_MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long ONE_HOUR = TimeUnit.HOURS.toNanos(1);

    private final Fds fds = new Fds();
    private final EpollEventArray events = new EpollEventArray(4);

    @AfterEach
    void closeAll() {
        events.close();
        fds.close();
    }

    @Test
    void relativeTimerBecomesReadableAndReadsItsExpirations() {
        int epfd = fds.epoll();
        int tfd = fds.timerFd();
        assertThat(Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, tfd, Epoll.EPOLLIN, 42)).isZero();

        assertThat(TimerFd.setTime(tfd, 0, ONE_MS, 0)).isZero();

        assertThat(Epoll.wait(epfd, events, 4, LONG_ENOUGH)).isEqualTo(1);
        assertThat(events.data(0)).isEqualTo(42);
        assertThat(TimerFd.read(tfd)).isGreaterThanOrEqualTo(1);
        assertThat(TimerFd.read(tfd)).isEqualTo(-Errno.EAGAIN);
    }

    @Test
    void disarmedTimerIsNeverReadable() {
        int epfd = fds.epoll();
        int tfd = fds.timerFd();
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, tfd, Epoll.EPOLLIN, 0);
        assertThat(Epoll.wait(epfd, events, 4, 0)).isZero();

        assertThat(TimerFd.setTime(tfd, 0, ONE_HOUR, 0)).isZero();
        assertThat(TimerFd.setTime(tfd, 0, 0, 0)).isZero();

        assertThat(Epoll.wait(epfd, events, 4, 0)).isZero();
        assertThat(TimerFd.read(tfd)).isEqualTo(-Errno.EAGAIN);
        assertThat(TimerFd.getTime(tfd)).isZero();
    }

    @Test
    void absoluteDeadlineInThePastFiresAtOnce() {
        int epfd = fds.epoll();
        int tfd = fds.timerFd();
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, tfd, Epoll.EPOLLIN, 0);

        assertThat(TimerFd.setTime(tfd, TimerFd.TFD_TIMER_ABSTIME, 1, 0)).isZero();

        assertThat(Epoll.wait(epfd, events, 4, LONG_ENOUGH)).isEqualTo(1);
        assertThat(TimerFd.read(tfd)).isEqualTo(1);
    }

    @Test
    void absoluteDeadlineOnTheNanoTimeClockIsInTheFuture() {
        int tfd = fds.timerFd();
        assertThat(TimerFd.setTime(tfd, TimerFd.TFD_TIMER_ABSTIME, System.nanoTime() + ONE_HOUR, 0))
                .isZero();
        assertThat(TimerFd.getTime(tfd)).isPositive().isLessThanOrEqualTo(ONE_HOUR);
        assertThat(TimerFd.read(tfd)).isEqualTo(-Errno.EAGAIN);
    }

    @Test
    void getTimeReportsTheTimeLeftOfAnArmedTimer() {
        int tfd = fds.timerFd();
        assertThat(TimerFd.setTime(tfd, 0, ONE_HOUR, ONE_HOUR)).isZero();
        assertThat(TimerFd.getTime(tfd)).isPositive().isLessThanOrEqualTo(ONE_HOUR);
    }

    @Test
    void negativeDelayIsRejectedByTheKernel() {
        int tfd = fds.timerFd();
        assertThat(TimerFd.setTime(tfd, 0, -ONE_MS, 0)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void callsOnABadFdReturnEbadf() {
        assertThat(TimerFd.setTime(-1, 0, ONE_MS, 0)).isEqualTo(-Errno.EBADF);
        assertThat(TimerFd.getTime(-1)).isEqualTo(-Errno.EBADF);
        assertThat(TimerFd.read(-1)).isEqualTo(-Errno.EBADF);
    }

    @Test
    void unknownClockIsRejected() {
        assertThat(TimerFd.create(4242, 0)).isEqualTo(-Errno.EINVAL);
    }
}
