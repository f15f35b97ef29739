package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;

/** Opens descriptors for a test and closes them all afterwards, whatever happened. */
final class Fds implements AutoCloseable {

    private final Deque<Integer> open = new ArrayDeque<>();

    /** Asserts that a create call succeeded and remembers the fd for {@link #close()}. */
    int track(int fd) {
        assertThat(fd).as("fd or -errno (%s)", fd < 0 ? Errno.name(fd) : "ok").isNotNegative();
        open.push(fd);
        return fd;
    }

    int epoll() {
        return track(Epoll.create());
    }

    int eventFd() {
        return track(EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK));
    }

    int timerFd() {
        return track(TimerFd.create(TimerFd.CLOCK_MONOTONIC,
                TimerFd.TFD_CLOEXEC | TimerFd.TFD_NONBLOCK));
    }

    @Override
    public void close() {
        while (!open.isEmpty()) {
            Fd.close(open.pop());
        }
    }
}
