package org.kevent.testing;

import static org.kevent.internal.sys.Epoll.EPOLLET;
import static org.kevent.internal.sys.Epoll.EPOLLONESHOT;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.kevent.internal.queue.Poller;


/**
 * A kernel stand-in with descriptors, for controlled-concurrency checks of the waiter protocol:
 * edge- and one-shot readiness as epoll keeps it, a blocking wait that returns when a watched
 * descriptor becomes ready or on {@link #wakeup()}, and nothing else (no timer: checks wait
 * without a deadline). Its own monitor stands for the kernel's locks, so any interleaving of
 * {@link #poll}, {@link #ctlFd} and {@link #makeReady} is one the real kernel allows.
 *
 * <p>Semantics kept from epoll: an ET registration reports each new readiness once; a level one
 * reports while ready; an {@code EPOLLONESHOT} one reports once and then stays silent until
 * {@code EPOLL_CTL_MOD}. Several threads may be in {@link #poll} at once (the real kernel allows
 * it too); each collects what it finds, so one report never reaches two pollers.
 */
public final class FdKernel implements Poller {

    private static final class Registration {
        final long token;
        int events;
        boolean readyNow;
        boolean reported;
        boolean disarmed;

        Registration(long token, int events) {
            this.token = token;
            this.events = events;
        }
    }

    private final Map<Integer, Registration> fds = new HashMap<>();
    private final long[][] polledTokens = new long[2][16];
    private final int[][] polledBits = new int[2][16];
    private final int[] polledCount = new int[2];
    private boolean woken;
    private boolean hold;
    private int blocked;
    /** Threads whose parked wait already came back empty once. */
    private final Set<Thread> emptyReturned = new HashSet<>();

    @Override
    public String name() {
        return "fd-kernel";
    }

    /**
     * The descriptors' conditions became true (bytes arrived) in one kernel step, so a thread in
     * {@link #poll} collects all of them at once: wakes it.
     */
    public synchronized void makeReady(int... ready) {
        for (int fd : ready) {
            Registration r = fds.get(fd);
            if (r != null) {
                r.readyNow = true;
                r.reported = false;
            }
        }
        notifyAll();
    }

    /** The descriptor's condition became false (the bytes were read). */
    synchronized void makeNotReady(int fd) {
        Registration r = fds.get(fd);
        if (r != null) {
            r.readyNow = false;
        }
    }

    @Override
    public synchronized void poll(long timeoutNanos) {
        polledCount[WAIT_SET] = 0;
        if (timeoutNanos != 0) {
            blocked++;
            try {
                while (hold) {
                    waitForChange();
                }
            } finally {
                blocked--;
            }
        }
        while (!collect(WAIT_SET) && !woken) {
            if (timeoutNanos == 0) {
                return;
            }
            if (timeoutNanos > 0) {
                throw new AssertionError("checks wait without a deadline; a timed kernel wait would need a clock");
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        woken = false;
    }

    /**
     * While held, a blocking poll collects nothing and does not return, as a thread the kernel
     * woke but the scheduler has not run yet; a harvest still collects.
     */
    public synchronized void holdBlockingPolls(boolean on) {
        hold = on;
        notifyAll();
    }

    /** @return threads inside a blocking {@link #poll} now */
    public synchronized int blockedPolls() {
        return blocked;
    }

    private void waitForChange() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a held poll", e);
        }
    }

    @Override
    public synchronized void harvest(boolean kernelWaitUnderway) {
        polledCount[HARVEST_SET] = 0;
        collect(HARVEST_SET);
    }

    private boolean collect(int set) {
        long[] tokens = polledTokens[set];
        int[] bits = polledBits[set];
        for (Registration r : fds.values()) {
            boolean edge = (r.events & EPOLLET) != 0;
            if (r.readyNow && !r.disarmed && !(edge && r.reported) && polledCount[set] < tokens.length) {
                tokens[polledCount[set]] = r.token;
                bits[polledCount[set]] = r.events & ~(EPOLLET | EPOLLONESHOT);
                polledCount[set]++;
                r.reported = true;
                if ((r.events & EPOLLONESHOT) != 0) {
                    r.disarmed = true;
                }
            }
        }
        return polledCount[set] > 0;
    }

    @Override
    public synchronized void wakeup() {
        woken = true;
        notifyAll();
    }

    /**
     * A virtual thread's wait as the waiter protocol sees it: like {@link #poll}, except that it may
     * come back with nothing at all (a park returns spuriously, or an unpark meant for an earlier
     * wait lands). Here each thread's first such wait does, so every program also checks that the
     * protocol takes an empty return in its stride. (The park itself is not modelled: the checker
     * lets a raw {@code LockSupport.park} return spuriously without bound, which it then reports
     * as a livelock of any park loop; the real handshake is {@code EpollPoller.pollParked}, run by
     * the tests that wait on virtual threads over the kernel.)
     */
    @Override
    public synchronized void pollParked(long timeoutNanos) {
        if (timeoutNanos != 0 && emptyReturned.add(Thread.currentThread())) {
            polledCount[WAIT_SET] = 0;
            return;
        }
        poll(timeoutNanos);
    }

    @Override
    public synchronized int ctlFd(int op, int fd, int events, long token) {
        switch (op) {
            case FD_ADD -> fds.put(fd, new Registration(token, events));
            case FD_MOD -> {
                Registration r = fds.get(fd);
                r.events = events;
                r.disarmed = false;
                r.reported = false;
                notifyAll();
                    }
            case FD_DEL -> fds.remove(fd);
            default -> throw new IllegalArgumentException("op " + op);
        }
        return 0;
    }

    @Override
    public synchronized int polledCount(int set) {
        return polledCount[set];
    }

    @Override
    public synchronized long polledToken(int set, int k) {
        return polledTokens[set][k];
    }

    @Override
    public synchronized int polledEvents(int set, int k) {
        return polledBits[set][k];
    }

    @Override
    public void armTimer(long deadlineNanos) {
    }

    @Override
    public int exportFd() {
        throw new UnsupportedOperationException("fd-kernel has no fd to export");
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
    }
}
