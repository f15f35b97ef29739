package org.kevent.internal.linux;

import org.kevent.internal.engine.Poller;
import org.kevent.internal.engine.TimerWheel;
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.EpollEventArray;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.EventFd;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.TimerFd;

/**
 * The Linux backend of a queue: one epoll instance holding an eventfd for wake-ups and a timerfd
 * armed to the timer wheel's nearest deadline.
 *
 * <pre>
 *   epfd ──┬── wakeFd  (eventfd)  written by another thread to end a poll early
 *          └── timerFd (timerfd)  CLOCK_MONOTONIC, absolute, = TimerWheel.nextDeadline()
 *
 *   exported readiness fd (made on first request):
 *   outerFd ──┬── epfd             readable when a timer fired or a wake-up is pending
 *             └── readyFd (eventfd) non-zero while the engine's ready list is non-empty
 * </pre>
 *
 * <p>The ready-list eventfd lives in a second epoll instance on purpose: in {@code epfd} it would
 * keep the poller's own wait returning at once whenever fewer than {@code min} events are ready.
 *
 * <p><b>Threading:</b> see {@link Poller}. The syscall counter is written by the polling thread
 * and by lock holders; hand-over of the poller role goes through the queue lock, so plain fields
 * suffice, and {@link #syscalls()} is a snapshot that may lag an ongoing poll.
 */
public final class EpollPoller implements Poller {
    private static final long WAKE = 1;
    private static final long TIMER = 2;
    private static final long INNER = 3;
    private static final long READY = 4;
    private static final int MAX_EVENTS = 64;

    private final int epfd;
    private final int wakeFd;
    private final int timerFd;
    private final EpollEventArray events;
    /** Descriptor events of the last poll, copied out of the native array for the engine. */
    private final long[] polledTokens = new long[MAX_EVENTS];
    private final int[] polledEvents = new int[MAX_EVENTS];
    private int polled;
    private int outerFd = -1;
    private int readyFd = -1;
    private long pollSyscalls;
    private long lockedSyscalls;
    private boolean closed;

    private EpollPoller(int epfd, int wakeFd, int timerFd) {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        this.timerFd = timerFd;
        this.events = new EpollEventArray(MAX_EVENTS);
    }

    /**
     * Creates the epoll instance, the wake-up eventfd and the timerfd.
     *
     * @return the poller
     * @throws org.kevent.KeventException naming the call that failed; nothing is left open
     */
    public static EpollPoller open() {
        int ep = check("epoll_create1", Epoll.create(), -1, -1);
        int wake = check("eventfd", EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK), ep, -1);
        int timer = check("timerfd_create",
                TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_CLOEXEC | TimerFd.TFD_NONBLOCK), ep, wake);
        int r = Epoll.ctl(ep, Epoll.EPOLL_CTL_ADD, wake, Epoll.EPOLLIN, WAKE);
        if (r == 0) {
            r = Epoll.ctl(ep, Epoll.EPOLL_CTL_ADD, timer, Epoll.EPOLLIN, TIMER);
        }
        if (r < 0) {
            Fd.close(timer);
            Fd.close(wake);
            Fd.close(ep);
            throw Errno.exception("epoll_ctl", -r);
        }
        return new EpollPoller(ep, wake, timer);
    }

    private static int check(String call, int result, int open1, int open2) {
        if (result < 0) {
            if (open2 >= 0) {
                Fd.close(open2);
            }
            if (open1 >= 0) {
                Fd.close(open1);
            }
            throw Errno.exception(call, -result, "opening a kevent queue");
        }
        return result;
    }

    @Override
    public String name() {
        return "linux-epoll";
    }

    @Override
    public void poll(long timeoutNanos) {
        polled = 0;
        int n = Epoll.wait(epfd, events, MAX_EVENTS, timeoutNanos);
        pollSyscalls++;
        if (n < 0) {
            if (n == -Errno.EINTR) {
                return;
            }
            throw Errno.exception("epoll_wait", -n);
        }
        for (int k = 0; k < n; k++) {
            long data = events.data(k);
            if (data == WAKE) {
                // Drain so the next poll blocks again; EAGAIN just means another drain won.
                EventFd.read(wakeFd);
                pollSyscalls++;
            } else if (data == TIMER) {
                TimerFd.read(timerFd);
                pollSyscalls++;
            } else {
                polledTokens[polled] = data;
                polledEvents[polled] = events.events(k);
                polled++;
            }
        }
    }

    @Override
    public int ctlFd(int op, int fd, int eventMask, long token) {
        lockedSyscalls++;
        return Epoll.ctl(epfd, op, fd, eventMask, token);
    }

    @Override
    public int polledCount() {
        return polled;
    }

    @Override
    public long polledToken(int k) {
        return polledTokens[k];
    }

    @Override
    public int polledEvents(int k) {
        return polledEvents[k];
    }

    @Override
    public void wakeup() {
        // A refused write means the counter is already huge, i.e. a wake-up is pending: nothing lost.
        EventFd.signal(wakeFd);
        lockedSyscalls++;
    }

    @Override
    public void armTimer(long deadlineNanos) {
        int r;
        if (deadlineNanos == TimerWheel.NO_DEADLINE) {
            r = TimerFd.setTime(timerFd, 0, 0, 0);
        } else {
            // An absolute value of 0 would disarm: a deadline at or before the epoch of the
            // monotonic clock is simply "already due".
            r = TimerFd.setTime(timerFd, TimerFd.TFD_TIMER_ABSTIME, Math.max(1, deadlineNanos), 0);
        }
        lockedSyscalls++;
        if (r < 0) {
            throw Errno.exception("timerfd_settime", -r);
        }
    }

    @Override
    public int exportFd() {
        if (outerFd >= 0) {
            return outerFd;
        }
        int outer = Epoll.create();
        if (outer < 0) {
            throw Errno.exception("epoll_create1", -outer, "exporting the queue's readiness fd");
        }
        int ready = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        if (ready < 0) {
            Fd.close(outer);
            throw Errno.exception("eventfd", -ready, "exporting the queue's readiness fd");
        }
        int r = Epoll.ctl(outer, Epoll.EPOLL_CTL_ADD, epfd, Epoll.EPOLLIN, INNER);
        if (r == 0) {
            r = Epoll.ctl(outer, Epoll.EPOLL_CTL_ADD, ready, Epoll.EPOLLIN, READY);
        }
        lockedSyscalls += 4;
        if (r < 0) {
            Fd.close(ready);
            Fd.close(outer);
            throw Errno.exception("epoll_ctl", -r, "exporting the queue's readiness fd");
        }
        outerFd = outer;
        readyFd = ready;
        return outer;
    }

    @Override
    public void setReadable(boolean readable) {
        if (readable) {
            EventFd.write(readyFd, 1);
        } else {
            EventFd.read(readyFd);
        }
        lockedSyscalls++;
    }

    @Override
    public long syscalls() {
        return pollSyscalls + lockedSyscalls;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (outerFd >= 0) {
            Fd.close(outerFd);
            Fd.close(readyFd);
        }
        Fd.close(timerFd);
        Fd.close(wakeFd);
        Fd.close(epfd);
        events.close();
    }
}
