package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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

    @Test
    void aWaiterForMoreThanIsReadyDoesNotSpinOnAnExportedQueue() {
        int fd = queue.readinessFd();
        queue.add(Ukevent.user(1));
        queue.trigger(1);
        long before = queue.stats().syscalls();
        long start = System.nanoTime();
        assertThat(queue.getEvents(2, 4, 300, TimeUnit.MILLISECONDS, out)).as("the one ready at the timeout").isEqualTo(1);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(queue.stats().syscalls() - before).as("system calls of a 300 ms wait for min 2 with 1 ready")
                .isLessThan(20);
        assertThat(readable(fd, 0)).isFalse();
    }

    @Test
    void theFdStaysReadableWhenAWaiterForMoreThanWasReadyLeavesEventsBehind() throws Exception {
        int fd = queue.readinessFd();
        for (long id = 1; id <= 3; id++) {
            queue.add(Ukevent.user(id));
        }
        queue.trigger(1);
        EventBuffer got = new EventBuffer(2);
        CompletableFuture<Integer> waiter = TestQueues.async(() -> queue.getEvents(2, 2, 10, TimeUnit.SECONDS, got));
        TestQueues.await("waiter blocks", () -> queue.waitingThreads() == 1);
        queue.trigger(new long[] {2, 3}, 0, 2);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(readable(fd, 0)).as("one event left behind").isTrue();
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(readable(fd, 0)).isFalse();
    }

    @Test
    void aDrainDuringAWaitForMoreLeavesTheFdNotReadable() throws Exception {
        int fd = queue.readinessFd();
        queue.add(Ukevent.user(1));
        queue.trigger(1);
        EventBuffer got = new EventBuffer(4);
        CompletableFuture<Integer> waiter = TestQueues.async(() -> queue.getEvents(2, 4, 300, TimeUnit.MILLISECONDS, got));
        TestQueues.await("waiter blocks", () -> queue.waitingThreads() == 1);
        assertThat(queue.poll(out)).as("a zero-timeout call takes it while the waiter sleeps").isEqualTo(1);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(readable(fd, 0)).isFalse();
        queue.trigger(1);
        assertThat(readable(fd, 0)).isTrue();
    }
}
