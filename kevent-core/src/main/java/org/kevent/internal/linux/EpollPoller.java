package org.kevent.internal.linux;

import java.util.concurrent.locks.LockSupport;

import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.EpollEventArray;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.EventFd;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.TimerFd;
import org.kevent.internal.queue.Poller;
import org.kevent.internal.timer.TimerWheel;

/**
 * The Linux backend of a queue: one epoll instance holding an eventfd for wake-ups, a timerfd
 * armed to the timer wheel's nearest deadline, the watched descriptors, and, once the readiness fd
 * was asked for, an eventfd mirroring the ready list.
 *
 * <pre>
 *   epfd ──┬── wakeFd  (eventfd)  written by another thread to end a poll early
 *          ├── timerFd (timerfd)  CLOCK_MONOTONIC, absolute, = TimerWheel.nextDeadline()
 *          ├── watched fds        POLL, SOCKET, INODE and AIO sources; other queues' epfds
 *          └── readyFd (eventfd)  added by the first exportFd(): non-zero while the engine's
 *                                 ready list is non-empty, except during a blocking poll
 *
 *   exported readiness fd = epfd itself
 * </pre>
 *
 * <p>The exported descriptor is the wait set itself, not a second epoll instance around it: the
 * kernel limits how deep epoll instances nest (EP_MAX_NESTS, counted in epoll instances whatever
 * else they hold), so one instance per queue lets queues nest exactly as deep as plain epoll
 * instances, and the ADD that would go deeper fails with {@code ELOOP} like a cycle. Because
 * {@code epfd} is readable whenever a timer fired, a watched descriptor has events the engine has
 * not collected, or {@code readyFd} is set, an outside watcher sees everything a
 * {@code getEvents(0, ...)} could take, with nobody inside the queue.
 *
 * <p>{@code readyFd} inside {@code epfd} would keep a blocking poll returning at once whenever
 * fewer than {@code min} events are ready. So a blocking {@link #poll} <em>hides</em> it: it zeroes
 * the counter before {@code epoll_wait} and sets it again afterwards if the engine still wants it
 * set. {@link #setReadable} and the hiding share a small monitor, so the counter is non-zero
 * exactly when the engine wants it readable and no blocking poll is under way, whatever the
 * interleaving. While a thread sleeps in the queue's kernel wait, ready events therefore do not
 * make the exported fd readable: they belong to that thread, which wakes for them once its
 * {@code min} is met and leaves the fd readable if it leaves events behind. A non-blocking poll
 * (harvest) does not hide; it just skips {@code readyFd}'s event.
 *
 * <p><b>Cost</b> once exported: an eventfd write when the ready list becomes non-empty and a read
 * when it becomes empty (each made at the end of a blocking poll instead if one is under way), plus
 * a read and a write around a blocking poll that starts with events ready ({@code min} above the
 * ready count). Never exported: nothing, {@code poll} only tests a field.
 *
 * <p><b>Threading:</b> see {@link Poller}. The syscall counter is written by the polling thread
 * and by lock holders; hand-over of the poller role goes through the queue lock, so plain fields
 * suffice, and {@link #syscalls()} is a snapshot that may lag an ongoing poll.
 */
public final class EpollPoller implements Poller {
    private static final long WAKE = 1;
    private static final long TIMER = 2;
    private static final long READY = 3;
    private static final int MAX_EVENTS = 64;

    private final int epfd;
    private final int wakeFd;
    private final int timerFd;
    /**
     * One native array and one copy per result set: the blocking poll (without the queue lock) and
     * a harvest (with it) may run at the same time.
     */
    private final EpollEventArray[] events;
    private final long[][] polledTokens = new long[2][MAX_EVENTS];
    private final int[][] polledEvents = new int[2][MAX_EVENTS];
    private final int[] polled = new int[2];
    /** The ready-list eventfd, -1 until exported; written under the queue lock, read by {@link #poll}. */
    private int readyFd = -1;
    /** Guards {@link #wantReadable}, {@link #hidden} and the counter of {@link #readyFd}. */
    private final Object readyLock = new Object();
    /** What the engine last asked for through {@link #setReadable}. */
    private boolean wantReadable;
    /** Whether a blocking poll is under way with {@link #readyFd} zeroed. */
    private boolean hidden;
    /** What the last {@link #harvest}'s epoll_wait returned; written and read under the queue lock. */
    private int harvestResult;
    private long pollSyscalls;
    private long lockedSyscalls;
    private boolean closed;
    /** The virtual thread in {@link #pollParked} now, for {@link ParkedWaits} and {@link #wakeup}. */
    volatile Thread parkedThread;
    /** This queue's slot in {@link ParkedWaits}, -1 until its first parked wait; poller thread only. */
    int parkedSlot = -1;

    private EpollPoller(int epfd, int wakeFd, int timerFd) {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        this.timerFd = timerFd;
        this.events = new EpollEventArray[] {new EpollEventArray(MAX_EVENTS), new EpollEventArray(MAX_EVENTS)};
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
        waitSet(timeoutNanos, false);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the calling thread parks while {@link ParkedWaits} watches {@code epfd} for it, then
     * collects with a non-blocking {@code epoll_wait}. If the watcher cannot take this descriptor
     * (the kernel refused it: e.g. the queue is nested as deep as epoll allows), the thread waits
     * in the kernel as in {@link #poll}.
     */
    @Override
    public void pollParked(long timeoutNanos) {
        waitSet(timeoutNanos, timeoutNanos != 0);
    }

    /** The kernel wait of {@link #poll} and {@link #pollParked}, into {@link #WAIT_SET}. */
    private void waitSet(long timeoutNanos, boolean parked) {
        polled[WAIT_SET] = 0;
        boolean hid = timeoutNanos != 0 && readyFd >= 0;
        if (hid) {
            hideReady();
        }
        int n;
        try {
            long kernelTimeout = parked && parkUntilReported(timeoutNanos) ? 0 : timeoutNanos;
            n = Epoll.wait(epfd, events[WAIT_SET], MAX_EVENTS, kernelTimeout);
        } finally {
            if (hid) {
                showReady();
            }
        }
        pollSyscalls++;
        pollSyscalls += collect(WAIT_SET, n, true);
    }

    /**
     * Parks the calling thread until {@link ParkedWaits} reports {@code epfd}, {@link #wakeup},
     * an interrupt or the timeout; a spurious return just collects nothing and the caller decides
     * again.
     *
     * @return whether it parked; false if the watcher refused the descriptor (wait in the kernel)
     */
    private boolean parkUntilReported(long timeoutNanos) {
        parkedThread = Thread.currentThread();
        try {
            int refused = ParkedWaits.get().arm(this, epfd);
            pollSyscalls++;
            if (refused != 0) {
                return false;
            }
            if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, timeoutNanos);
            }
            return true;
        } finally {
            parkedThread = null;
        }
    }

    @Override
    public void harvest(boolean kernelWaitUnderway) {
        polled[HARVEST_SET] = 0;
        int n = Epoll.wait(epfd, events[HARVEST_SET], MAX_EVENTS, 0);
        harvestResult = n;
        lockedSyscalls++;
        lockedSyscalls += collect(HARVEST_SET, n, !kernelWaitUnderway);
    }

    @Override
    public boolean lastHarvestEmpty() {
        return harvestResult == 0;
    }

    @Override
    public int waitSetFd() {
        return epfd;
    }

    /**
     * Copies the descriptor events of one epoll_wait into a result set.
     *
     * @param drain whether to consume the wake-up and timer notifications (only the thread in the
     *              kernel wait, or a harvest while there is none: a harvest that drained the wake-up
     *              eventfd under a sleeping poller would swallow its wake-up)
     * @return system calls made for the draining
     */
    private int collect(int set, int n, boolean drain) {
        if (n < 0) {
            if (n == -Errno.EINTR) {
                return 0;
            }
            throw Errno.exception("epoll_wait", -n);
        }
        EpollEventArray array = events[set];
        long[] tokens = polledTokens[set];
        int[] bits = polledEvents[set];
        int count = 0;
        int syscalls = 0;
        for (int k = 0; k < n; k++) {
            long data = array.data(k);
            if (data == WAKE) {
                if (drain) {
                    // Drain so the next poll blocks again; EAGAIN just means another drain won.
                    EventFd.read(wakeFd);
                    syscalls++;
                }
            } else if (data == TIMER) {
                if (drain) {
                    TimerFd.read(timerFd);
                    syscalls++;
                }
            } else if (data != READY) {
                // READY is the ready list's own flag, for outside watchers: the engine knows its list.
                tokens[count] = data;
                bits[count] = array.events(k);
                count++;
            }
        }
        polled[set] = count;
        return syscalls;
    }

    /** Zeroes {@link #readyFd} for a blocking poll, which it would otherwise end at once. */
    private void hideReady() {
        synchronized (readyLock) {
            hidden = true;
            if (wantReadable) {
                EventFd.read(readyFd);
                pollSyscalls++;
            }
        }
    }

    /** Sets {@link #readyFd} again after a blocking poll if the engine wants it set by now. */
    private void showReady() {
        synchronized (readyLock) {
            hidden = false;
            if (wantReadable) {
                EventFd.write(readyFd, 1);
                pollSyscalls++;
            }
        }
    }

    @Override
    public int ctlFd(int op, int fd, int eventMask, long token) {
        lockedSyscalls++;
        return Epoll.ctl(epfd, op, fd, eventMask, token);
    }

    @Override
    public int polledCount(int set) {
        return polled[set];
    }

    @Override
    public long polledToken(int set, int k) {
        return polledTokens[set][k];
    }

    @Override
    public int polledEvents(int set, int k) {
        return polledEvents[set][k];
    }

    @Override
    public void wakeup() {
        Thread parked = parkedThread;
        if (parked != null) {
            // A virtual thread is inside pollParked: the unpark ends its park, or the one it is
            // about to begin (the permit), and it returns. No eventfd write: that would wake the
            // watcher thread too, a third thread for one wake-up. If it is just leaving, it was
            // returning anyway, and a stale permit only makes a later park return early.
            LockSupport.unpark(parked);
            return;
        }
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

    /**
     * {@inheritDoc}
     *
     * <p>The descriptor is {@code epfd} itself, so exporting adds no epoll level: it adds
     * {@code readyFd} to {@code epfd} (an eventfd and an {@code epoll_ctl}, which cannot fail for
     * nesting depth since an eventfd is no epoll instance).
     */
    @Override
    public int exportFd() {
        if (readyFd >= 0) {
            return epfd;
        }
        int ready = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        if (ready < 0) {
            throw Errno.exception("eventfd", -ready, "exporting the queue's readiness fd");
        }
        int r = Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, ready, Epoll.EPOLLIN, READY);
        lockedSyscalls += 2;
        if (r < 0) {
            Fd.close(ready);
            throw Errno.exception("epoll_ctl", -r, "exporting the queue's readiness fd");
        }
        readyFd = ready;
        return epfd;
    }

    @Override
    public void setReadable(boolean readable) {
        synchronized (readyLock) {
            wantReadable = readable;
            if (hidden) {
                // The blocking poll sets the counter when it ends, from wantReadable.
                return;
            }
            if (readable) {
                EventFd.write(readyFd, 1);
            } else {
                EventFd.read(readyFd);
            }
            lockedSyscalls++;
        }
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
        if (parkedSlot >= 0) {
            ParkedWaits.get().forget(this, epfd);
        }
        if (readyFd >= 0) {
            Fd.close(readyFd);
        }
        Fd.close(timerFd);
        Fd.close(wakeFd);
        Fd.close(epfd);
        events[WAIT_SET].close();
        events[HARVEST_SET].close();
    }
}
