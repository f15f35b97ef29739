package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Fd;

/** docs/SEMANTICS.md §1: the queue's own fd is readable while its ready list is non-empty. */
class ReadinessFdTest {
    private final KeventQueue queue = KeventQueue.open();
    private final EventBuffer out = new EventBuffer(4);

    @AfterEach
    void close() {
        queue.close();
    }

    private boolean readable(int fd, int timeoutMillis) {
        int revents = Fd.poll(fd, Epoll.EPOLLIN, timeoutMillis);
        assertThat(revents).isGreaterThanOrEqualTo(0);
        return (revents & Epoll.EPOLLIN) != 0;
    }

    @Test
    void fdIsReadableExactlyWhileEventsAreReady() {
        int fd = queue.readinessFd();
        queue.add(Ukevent.user(1));
        assertThat(readable(fd, 0)).isFalse();
        queue.trigger(1);
        assertThat(readable(fd, 0)).isTrue();
        queue.poll(out);
        assertThat(readable(fd, 0)).isFalse();
    }

    @Test
    void fdHandedOutWhileEventsAreReadyIsReadableAtOnce() {
        queue.add(Ukevent.user(1));
        queue.trigger(1);
        assertThat(readable(queue.readinessFd(), 0)).isTrue();
    }

    @Test
    void aFiredTimerMakesTheFdReadableWithoutAnyoneWaiting() {
        int fd = queue.readinessFd();
        queue.add(Ukevent.timer(1, Duration.ofMillis(2)));
        assertThat(readable(fd, 10_000)).isTrue();
        assertThat(queue.getEvents(1, 4, 0, TimeUnit.SECONDS, out)).isEqualTo(1);
        assertThat(readable(fd, 0)).as("handled timer does not keep it readable").isFalse();
    }

    @Test
    void aQueueNestedInAnotherEpollReportsReadiness() {
        int fd = queue.readinessFd();
        int outer = Epoll.create();
        try {
            assertThat(Epoll.ctl(outer, Epoll.EPOLL_CTL_ADD, fd, Epoll.EPOLLIN, 5)).isZero();
            queue.add(Ukevent.user(1));
            queue.trigger(1);
            assertThat(readable(outer, 0)).isTrue();
        } finally {
            Fd.close(outer);
        }
    }
}
