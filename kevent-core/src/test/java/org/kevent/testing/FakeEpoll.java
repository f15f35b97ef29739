package org.kevent.testing;

import static org.kevent.internal.sys.Epoll.EPOLLET;
import static org.kevent.internal.sys.Epoll.EPOLLONESHOT;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.kevent.Kevent;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.queue.Poller;

/**
 * A deterministic, single-threaded epoll stand-in with descriptors, for the model tests
 * ({@code org.kevent.ModelHarness}): the clock and timer side is a {@link FakePoller} (a blocking
 * poll "sleeps" by moving the manual clock), the descriptor side keeps epoll's ready list as Linux
 * does (fs/eventpoll.c).
 *
 * <ul>
 *   <li>A descriptor has readiness bits that the test sets ({@link #arrive}: new activity, which
 *       wakes epoll's callback) and clears ({@link #clear}: drained, no callback).</li>
 *   <li>The ready list is FIFO. A registration joins its tail when activity with a bit it asks
 *       for ({@code events | EPOLLERR | EPOLLHUP}) arrives while it is armed, and when ADD or MOD
 *       finds the descriptor ready; one already on the list keeps its place.</li>
 *   <li>Collecting (a poll or a harvest) takes the whole list in order and reports each
 *       registration whose descriptor is ready now (a registration no longer ready is dropped).
 *       Then {@code EPOLLONESHOT} disarms it until MOD; {@code EPOLLET} leaves it armed and off the
 *       list; plain level puts it back on the list at once (it is dropped at the first collect
 *       that finds it not ready).</li>
 *   <li>A poll collects first and returns at once with what it found; with nothing, it sleeps as
 *       {@link FakePoller} does (nothing can arrive meanwhile: the test is single-threaded), then
 *       collects again.</li>
 *   <li>ADD of a descriptor that does not exist is {@code EBADF}, of one already added
 *       {@code EEXIST}; MOD and DEL of one not added {@code ENOENT}.</li>
 * </ul>
 */
public final class FakeEpoll implements Poller {
    private static final int ALWAYS = Kevent.POLLERR | Kevent.POLLHUP;
    private static final int MAX_EVENTS = 64;

    private static final class Registration {
        final int fd;
        int events;
        long token;
        boolean disarmed;

        Registration(int fd, int events, long token) {
            this.fd = fd;
            this.events = events;
            this.token = token;
        }

        /** The poll bits it reports: none while an EPOLLONESHOT report disarmed it. */
        int mask() {
            return disarmed ? 0 : (events & ~(EPOLLET | EPOLLONESHOT)) | ALWAYS;
        }
    }

    private final FakePoller time;
    /** Open descriptors and their readiness bits. */
    private final Map<Integer, Integer> readiness = new HashMap<>();
    private final Map<Integer, Registration> registered = new HashMap<>();
    private final LinkedHashSet<Registration> readyList = new LinkedHashSet<>();
    private final long[][] polledTokens = new long[2][MAX_EVENTS];
    private final int[][] polledBits = new int[2][MAX_EVENTS];
    private final int[] polledCount = new int[2];
    private int nextFd = 100;

    /** @param clock the clock a blocking poll moves when it finds nothing */
    public FakeEpoll(ManualClock clock) {
        this.time = new FakePoller(clock);
    }

    /** Makes descriptor {@code fd} exist (not ready). */
    public synchronized void open(int fd) {
        readiness.putIfAbsent(fd, 0);
    }

    /** @return a new descriptor, not ready (an inotify instance, say) */
    synchronized int newDescriptor() {
        int fd = nextFd++;
        readiness.put(fd, 0);
        return fd;
    }

    /** Activity on {@code fd}: its readiness gains {@code bits}, and epoll's callback runs. */
    public synchronized void arrive(int fd, int bits) {
        readiness.merge(fd, bits, (a, b) -> a | b);
        Registration r = registered.get(fd);
        if (r != null && (bits & r.mask()) != 0) {
            readyList.add(r);
        }
    }

    /** {@code fd} is no longer ready for {@code bits} (drained); no callback, as in the kernel. */
    public synchronized void clear(int fd, int bits) {
        readiness.computeIfPresent(fd, (k, v) -> v & ~bits);
    }

    @Override
    public String name() {
        return "fake-epoll";
    }

    @Override
    public synchronized int ctlFd(int op, int fd, int events, long token) {
        switch (op) {
            case FD_ADD -> {
                if (!readiness.containsKey(fd)) {
                    return -Errno.EBADF;
                }
                if (registered.containsKey(fd)) {
                    return -Errno.EEXIST;
                }
                Registration r = new Registration(fd, events, token);
                registered.put(fd, r);
                pollOnCtl(r);
            }
            case FD_MOD -> {
                Registration r = registered.get(fd);
                if (r == null) {
                    return -Errno.ENOENT;
                }
                r.events = events;
                r.token = token;
                r.disarmed = false;
                pollOnCtl(r);
            }
            case FD_DEL -> {
                Registration r = registered.remove(fd);
                if (r == null) {
                    return -Errno.ENOENT;
                }
                readyList.remove(r);
            }
            default -> throw new IllegalArgumentException("op " + op);
        }
        return 0;
    }

    /** ADD and MOD poll the descriptor: ready with a wanted bit, it joins the list (if not on it). */
    private void pollOnCtl(Registration r) {
        if ((readiness.get(r.fd) & r.mask()) != 0) {
            readyList.add(r);
        }
    }

    private boolean collect(int set) {
        polledCount[set] = 0;
        List<Registration> scan = new ArrayList<>(readyList);
        readyList.clear();
        for (Registration r : scan) {
            if (polledCount[set] == MAX_EVENTS) {
                throw new AssertionError("more than " + MAX_EVENTS + " ready registrations: not modelled");
            }
            int revents = readiness.get(r.fd) & r.mask();
            if (revents == 0) {
                continue;
            }
            polledTokens[set][polledCount[set]] = r.token;
            polledBits[set][polledCount[set]] = revents;
            polledCount[set]++;
            if ((r.events & EPOLLONESHOT) != 0) {
                r.disarmed = true;
            } else if ((r.events & EPOLLET) == 0) {
                readyList.add(r);
            }
        }
        return polledCount[set] > 0;
    }

    @Override
    public synchronized void poll(long timeoutNanos) {
        if (collect(WAIT_SET)) {
            return;
        }
        time.poll(timeoutNanos);
        collect(WAIT_SET);
    }

    @Override
    public synchronized void harvest(boolean kernelWaitUnderway) {
        collect(HARVEST_SET);
    }

    @Override
    public synchronized int polledCount(int set) {
        return polledCount[set];
    }

    @Override
    public synchronized long polledToken(int set, int k) {
        if (k >= polledCount[set]) {
            throw new IndexOutOfBoundsException(k);
        }
        return polledTokens[set][k];
    }

    @Override
    public synchronized int polledEvents(int set, int k) {
        if (k >= polledCount[set]) {
            throw new IndexOutOfBoundsException(k);
        }
        return polledBits[set][k];
    }

    @Override
    public void wakeup() {
        time.wakeup();
    }

    @Override
    public void armTimer(long deadlineNanos) {
        time.armTimer(deadlineNanos);
    }

    @Override
    public int exportFd() {
        throw new UnsupportedOperationException("fake-epoll has no fd to export");
    }

    @Override
    public void setReadable(boolean readable) {
    }

    @Override
    public long syscalls() {
        return 0;
    }

    @Override
    public void close() {
        time.close();
    }
}
