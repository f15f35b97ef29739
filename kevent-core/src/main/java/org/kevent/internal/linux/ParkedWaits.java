package org.kevent.internal.linux;

import java.util.concurrent.locks.LockSupport;

import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.EpollEventArray;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Fd;

/**
 * Where virtual threads wait: for every queue a virtual thread waits on, the queue's epoll
 * descriptor, and for every socket a virtual thread has blocked on, the socket; whoever sees the
 * report unparks the virtual thread waiting for it. A virtual thread never sleeps in
 * {@code epoll_wait} or {@code poll} itself, which would pin its carrier (a downcall cannot
 * unmount).
 *
 * <pre>
 *   watcher epoll ──┬── queue A's epfd  (EPOLLIN | EPOLLONESHOT, data = A's slot)
 *   (platform       ├── queue B's epfd
 *    thread)        └── sockets' epoll  (EPOLLIN | EPOLLONESHOT, data = POLLER_TAG),
 *                        armed only while the socket poller is idle
 *   sockets' epoll ──┬── socket S       (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
 *   (virtual thread  │                   data = S's slot in {@link SocketSlots})
 *    "kevent-socket-poller")
 *                    └── ...
 *   thread "kevent-parked-waits": epoll_wait(-1) → slot → LockSupport.unpark(queue's parked thread,
 *                                                          or the idle socket poller)
 *   socket poller: epoll_wait(0) → fold reports, unpark readers/writers → yield → again;
 *                  found nothing → arm its epoll in the watcher's, park
 * </pre>
 *
 * <p><b>Sockets are polled on the carriers.</b> The socket poller is itself a virtual thread: it
 * asks the kernel without waiting, and while it finds reports it yields between rounds, so under
 * load the reports are collected by the carriers that run the woken threads anyway, with no
 * thread switch to a platform thread and no {@code futex} per report. Only when a round finds
 * nothing does it hand the wait to the platform watcher (one {@code epoll_ctl} to re-arm) and
 * park. The JDK's default poller mode does the same. A socket is added once, at the first blocking
 * wait of a virtual thread on it, and stays, edge-triggered, until the socket closes
 * ({@link SocketWaits}): a blocking read that would block costs no {@code epoll_ctl}, where the JDK
 * re-arms a one-shot registration per read. Each report is folded into the socket's readiness word
 * before the parked reader or writer is unparked, which is how a wait that starts after the edge
 * still sees it.
 *
 * <p><b>Queues are watched by the platform thread.</b> A queue is added at the first parked wait
 * on it and stays (re-armed with {@code EPOLL_CTL_MOD} at each parked wait: one system call, like
 * the JDK's one-shot registration per blocking read) until the queue closes; its waiter is
 * unparked straight from the watcher, one hop. Being watched puts one more epoll instance above
 * the queue, so such a queue nests one level less deep inside other queues
 * (docs/SEMANTICS.md §5). If the kernel refuses the registration (e.g. {@code ELOOP} for a queue
 * already nested as deep as epoll allows), {@link #arm} says so and the caller waits in the kernel
 * instead.
 *
 * <p><b>Stopping:</b> if either wait fails (the watcher's or the socket poller's), nothing can be
 * watched any more: every parked waiter is unparked, and every later arm or park throws.
 *
 * <p><b>Threading:</b> {@link #arm} and {@link #forget} are called by the queue's poller (under or
 * outside the queue lock: they take this class's own monitor only for the slot table); the
 * watcher thread reads slots without locking from a copy-on-write array. An unpark may reach a
 * thread that already left its wait (it timed out meanwhile): a spurious wake-up, which every
 * park loop tolerates.
 */
final class ParkedWaits {
    private static final int MAX_EVENTS = 64;
    /** Data word of the sockets' epoll in the watcher's; queue slots are small numbers. */
    private static final long POLLER_TAG = 1L << 61;
    /** What a socket is watched for: every edge, both directions, and the peer's half-close. */
    private static final int SOCKET_EVENTS = Epoll.EPOLLIN | Epoll.EPOLLOUT | Epoll.EPOLLRDHUP | Epoll.EPOLLET;

    /** Started on first use: a JVM whose virtual threads never wait on a queue has no such thread. */
    private static final class Holder {
        static final ParkedWaits INSTANCE = start();
    }

    /** The watcher's epoll. Package-private for a test that replaces it to make the watcher stop. */
    final int epfd;
    private final EpollEventArray events = new EpollEventArray(MAX_EVENTS);
    /** The sockets' epoll, polled by {@link #socketPoller}. */
    private final int socketEpfd;
    private final EpollEventArray socketEvents = new EpollEventArray(MAX_EVENTS);
    /** The virtual thread that polls {@link #socketEpfd}; started with the first socket watched. */
    private volatile Thread socketPoller;
    /** Whether {@link #socketPoller} is parked, its epoll armed in the watcher's (for a test). */
    private volatile boolean socketPollerIdle;
    /**
     * Times the socket poller resumed (after a yield or a park): each costs the JDK's scheduling
     * of a virtual thread, as an unpark does. Written by the poller only; read by tests.
     */
    private volatile long socketPollerRounds;
    /**
     * Of {@link #socketPollerRounds}, those after a park (the rest came after a yield). Plain, as
     * the next: one writer, and a reader that is a round behind only misses that round.
     */
    private long socketPollerParks;
    /**
     * Readers and writers the socket poller unparked: with its rounds, every scheduling of a
     * virtual thread that a blocking call makes the JDK do.
     */
    private long socketPollerUnparks;
    /**
     * Slot i holds the poller registered under token i, or null (a free slot); replaced whole on
     * every change, under {@code this}.
     */
    private volatile EpollPoller[] slots = new EpollPoller[16];
    /** Sockets watched for blocking calls, in the sockets' epoll under their slot. */
    private final SocketSlots sockets = new SocketSlots();
    /** Why the watcher thread ended, or null while it runs. */
    private volatile org.kevent.KeventException stopped;

    private ParkedWaits(int epfd, int socketEpfd) {
        this.epfd = epfd;
        this.socketEpfd = socketEpfd;
    }

    /** @return the shared watcher, starting it if this is the first parked wait in the JVM */
    static ParkedWaits get() {
        return Holder.INSTANCE;
    }

    private static ParkedWaits start() {
        int ep = Epoll.create();
        if (ep < 0) {
            throw Errno.exception("epoll_create1", -ep, "starting the watcher of virtual threads' waits");
        }
        int sockets = Epoll.create();
        if (sockets < 0) {
            Fd.close(ep);
            throw Errno.exception("epoll_create1", -sockets, "starting the poller of virtual threads' sockets");
        }
        int r = Epoll.ctl(ep, Epoll.EPOLL_CTL_ADD, sockets, 0, POLLER_TAG);
        if (r < 0) {
            Fd.close(ep);
            Fd.close(sockets);
            throw Errno.exception("epoll_ctl", -r, "starting the poller of virtual threads' sockets");
        }
        ParkedWaits w = new ParkedWaits(ep, sockets);
        Thread t = Thread.ofPlatform().name("kevent-parked-waits").daemon().unstarted(w::run);
        t.start();
        return w;
    }

    /**
     * Arms the watch of {@code poller}'s epoll descriptor for one report: the watcher unparks the
     * poller's parked thread when the descriptor is (or becomes) readable.
     *
     * @return 0, or the {@code errno} of the refused {@code epoll_ctl} (the caller then waits in
     *         the kernel itself)
     * @throws org.kevent.KeventException if the watcher thread has stopped (its wait failed):
     *         nothing would ever unpark the caller
     */
    int arm(EpollPoller poller, int pollerEpfd) {
        checkRunning("wait on a queue");
        int slot = poller.parkedSlot;
        int events = Epoll.EPOLLIN | Epoll.EPOLLONESHOT;
        if (slot >= 0) {
            int r = Epoll.modify(epfd, pollerEpfd, events, slot);
            return r < 0 ? -r : 0;
        }
        slot = take(poller);
        int r = Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, pollerEpfd, events, slot);
        if (r < 0) {
            release(slot);
            return -r;
        }
        poller.parkedSlot = slot;
        return 0;
    }

    /**
     * @param what what the caller cannot do without the watcher, for the message
     * @throws org.kevent.KeventException if the watcher thread has stopped (its wait failed):
     *         nothing would ever unpark the caller
     */
    void checkRunning(String what) {
        org.kevent.KeventException why = stopped;
        if (why != null) {
            // A new exception for this caller's stack; the message names the failed call.
            throw new org.kevent.KeventException(why.call(), why.errorName(),
                    "the watcher of virtual threads' waits stopped earlier; a virtual thread cannot " + what);
        }
    }

    /**
     * Starts watching a socket for a virtual thread's blocking calls, edge-triggered, until
     * {@link #forgetSocket}. The kernel reports the socket's current state at once, so an edge
     * that came before this call is not lost.
     *
     * @return the slot (&ge; 0), or the negated {@code errno} of the refused {@code epoll_ctl}
     *         ({@code ENOMEM}, {@code ENOSPC} at {@code max_user_watches}): the caller then waits
     *         in the kernel itself
     * @throws org.kevent.KeventException if the watcher thread has stopped
     */
    int watchSocket(SocketWaits waits, int fd) {
        checkRunning("block on a socket");
        if (socketPoller == null) {
            startSocketPoller();
        }
        int slot = sockets.take(waits);
        int r = Epoll.ctl(socketEpfd, Epoll.EPOLL_CTL_ADD, fd, SOCKET_EVENTS, slot);
        if (r < 0) {
            sockets.release(slot);
            return r;
        }
        return slot;
    }

    /** Stops watching a socket; called before its descriptor is released, so the number is still its. */
    void forgetSocket(int slot, int fd) {
        Epoll.ctl(socketEpfd, Epoll.EPOLL_CTL_DEL, fd, 0, 0);
        sockets.release(slot);
    }

    private synchronized void startSocketPoller() {
        if (socketPoller == null) {
            Thread t = Thread.ofVirtual().name("kevent-socket-poller").unstarted(this::pollSockets);
            socketPoller = t;
            t.start();
        }
    }

    /** @return whether the socket poller is parked, its epoll armed in the watcher's (for tests) */
    boolean socketPollerIdle() {
        return socketPollerIdle;
    }

    /** @return times the socket poller resumed after a yield or a park (for tests) */
    long socketPollerRounds() {
        return socketPollerRounds;
    }

    /** @return of {@link #socketPollerRounds()}, those after a park (for tests) */
    long socketPollerParks() {
        return socketPollerParks;
    }

    /** @return readers and writers the socket poller unparked (for tests) */
    long socketPollerUnparks() {
        return socketPollerUnparks;
    }

    /** @return sockets watched now (for tests) */
    int watchedSockets() {
        return sockets.used();
    }

    /** @return socket registrations made since the JVM started (for tests: one per socket) */
    long socketRegistrations() {
        return sockets.taken();
    }

    /** Stops watching {@code poller}'s descriptor; called before the descriptor is closed. */
    void forget(EpollPoller poller, int pollerEpfd) {
        int slot = poller.parkedSlot;
        if (slot < 0) {
            return;
        }
        // Closing the descriptor would drop the watch too; deleting it first means no report
        // for this slot can come after the slot is reused.
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_DEL, pollerEpfd, 0, 0);
        poller.parkedSlot = -1;
        release(slot);
    }

    private synchronized int take(EpollPoller poller) {
        EpollPoller[] s = slots;
        int free = 0;
        while (free < s.length && s[free] != null) {
            free++;
        }
        EpollPoller[] next = java.util.Arrays.copyOf(s, free < s.length ? s.length : s.length * 2);
        next[free] = poller;
        slots = next;
        return free;
    }

    private synchronized void release(int slot) {
        EpollPoller[] next = slots.clone();
        next[slot] = null;
        slots = next;
    }

    private void run() {
        for (;;) {
            int n = Epoll.wait(epfd, events, MAX_EVENTS, -1);
            if (n < 0) {
                if (n == -Errno.EINTR) {
                    continue;
                }
                stop(Errno.exception("epoll_wait", -n, "the watcher of virtual threads' waits stopped"));
                return;
            }
            EpollPoller[] s = slots;
            for (int k = 0; k < n; k++) {
                long slot = events.data(k);
                if (slot == POLLER_TAG) {
                    LockSupport.unpark(socketPoller);
                    continue;
                }
                EpollPoller p = slot < s.length ? s[(int) slot] : null;
                if (p != null) {
                    Thread t = p.parkedThread;
                    if (t != null) {
                        LockSupport.unpark(t);
                    }
                }
            }
        }
    }

    /**
     * The socket poller's loop, on a virtual thread: collect without waiting and yield while
     * there are reports; park, the watcher armed to unpark it, when there are none.
     */
    private void pollSockets() {
        boolean found = true;
        while (stopped == null) {
            if (found) {
                Thread.yield();
            } else {
                int r = Epoll.modify(epfd, socketEpfd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT, POLLER_TAG);
                if (r < 0) {
                    stop(Errno.exception("epoll_ctl", -r, "the poller of virtual threads' sockets stopped"));
                    return;
                }
                socketPollerIdle = true;
                LockSupport.park(this);
                socketPollerIdle = false;
                if (stopped != null) {
                    return;
                }
                socketPollerParks++;   // only this thread writes the counters
            }
            socketPollerRounds++;
            int n = Epoll.wait(socketEpfd, socketEvents, MAX_EVENTS, 0);
            if (n < 0) {
                if (n == -Errno.EINTR) {
                    continue;
                }
                stop(Errno.exception("epoll_wait", -n, "the poller of virtual threads' sockets stopped"));
                return;
            }
            int unparked = 0;
            for (int k = 0; k < n; k++) {
                SocketWaits w = sockets.get(socketEvents.data(k));
                if (w != null) {
                    unparked += w.reported(socketEvents.events(k));
                }
            }
            found = n > 0;
            socketPollerUnparks += unparked;
        }
    }

    /**
     * Nothing can be watched any more: every parked wait comes back now, and its next arm or park
     * throws {@code why} instead of parking for good. The first failure is the one reported.
     */
    private synchronized void stop(org.kevent.KeventException why) {
        if (stopped == null) {
            stopped = why;
        }
        for (EpollPoller p : slots) {
            Thread t = p == null ? null : p.parkedThread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        sockets.forEach(SocketWaits::wakeAll);
        Thread poller = socketPoller;
        if (poller != null) {
            LockSupport.unpark(poller);
        }
    }
}
