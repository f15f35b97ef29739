package org.kevent.internal.waiters;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.kevent.internal.jfr.WaitEvent;

/**
 * The waiter protocol of one queue (docs/SEMANTICS.md §5): which waiting thread sleeps in the
 * kernel, which ones park, and who is woken when events become ready, a deadline passes,
 * {@code wakeup()} or {@code close()} is called, or a waiting thread is interrupted.
 *
 * <h2>Roles</h2>
 * Every thread inside a wait ({@code getEvents}, a ring {@code await}) holds one role. Everything
 * happens under the queue lock except the kernel wait itself.
 * <pre>
 * role     | taken when                           | blocks in                 | comes back on
 * ---------+--------------------------------------+---------------------------+-------------------------------
 * deciding | the wait starts; a poller or a       | nothing (lock held)       | -: leaves (rule L), or polls if
 *          | parked thread comes back             |                           |  no thread polls, else parks
 * poller   | deciding while no thread polls; kept | the kernel, lock released | kernel activity, a kernel wake,
 *          | until the thread leaves the wait     | (Host.kernelWait)         |  its deadline, an interrupt
 * parked   | deciding while a poller exists       | its own Condition         | a signal, its deadline, an
 *          |                                      |                           |  interrupt, close
 * </pre>
 *
 * Rule L, a deciding thread leaves when: the queue is closed (it throws); its {@code need} is met
 * or zero; its timeout is zero; {@link #wakeup} chose it; it is interrupted; or its deadline passed
 * and rule T found nothing more.
 *
 * <p>Rule T, the last look before a deadline ends a wait with fewer than {@code need} events: if
 * the poller is in the kernel, wake it and wait until it is back with what it collected; then
 * collect from the kernel without blocking. Without it, a thread parked behind the poller could
 * time out while the poller holds readiness it has not yet put on the ready list. A zero-timeout
 * wait does the cheap half: if the poller is already out of the kernel ({@code kernelReturned}),
 * it lets it put what it holds on the list first; it never wakes a poller still inside.
 *
 * <h2>State</h2>
 * <pre>
 * field          | meaning
 * ---------------+--------------------------------------------------------------------------
 * pollerBusy     | a thread holds the poller role (in the kernel, or back and deciding)
 * inKernel       | the poller is inside the kernel wait now (lock released)
 * kernelWoken    | a kernel wake was sent to this kernel wait, which has not come back yet
 * head..tail     | parked threads, oldest first: need, room (max), signalled, wokenUp
 * signalledCount | parked threads chosen to run that have not run yet
 * claimed        | events those threads (and a woken poller) can take: the sum of their rooms
 * pollerWokenUp  | wakeup() chose the poller
 * wakeupSticky   | wakeup() found no thread waiting: the next blocking wait returns at once
 * </pre>
 *
 * <h2>Invariants, true whenever the queue lock is free</h2>
 * <ol>
 *   <li><b>The kernel is watched</b>: a parked thread exists ⇒ {@code pollerBusy} or
 *       {@code signalledCount > 0}. A signalled thread runs the decision again, so it polls or
 *       leaves (and a leaving thread restores this invariant).</li>
 *   <li><b>Ready events reach waiters</b>: a parked, unsignalled thread with {@code need ≤ ready}
 *       exists ⇒ {@code claimed ≥ ready}; and the poller's own {@code need ≤ ready} while it is in
 *       the kernel ⇒ {@code claimed ≥ ready}. Every event that some waiter could take has a thread
 *       on its way to take it.</li>
 *   <li><b>A wake-up reaches its thread</b>: the thread {@link #wakeup} chose is signalled, or is
 *       the poller and is woken in the kernel or deciding.</li>
 *   <li><b>Close reaches everyone</b>: once closed, every parked thread is signalled and the
 *       poller is woken; {@link #close} returns only when no thread is in the kernel.</li>
 * </ol>
 *
 * <h2>Events and what they do</h2>
 * <pre>
 * event                             | action
 * ----------------------------------+--------------------------------------------------------------
 * the ready list grows              | restore(): signal parked threads with need ≤ ready, oldest
 *                                   |  first, until claimed ≥ ready; if still short, wake the poller
 *                                   |  when its need is met (one kernel wake per kernel wait)
 * a WAKEUP_ALL interest gets ready  | signal every parked thread and wake the poller
 * a thread leaves the wait          | drop its role; restore(), which also hands the kernel wait to
 *                                   |  the oldest parked thread when nobody polls (invariant 1)
 * a signalled thread must wait more | its claim is gone: restore(), then poll or park
 * wakeup()                          | choose the oldest parked thread (signal it), else the poller
 *                                   |  (wake it in the kernel), else remember it for the next wait
 * a deadline passes                 | rule T, then leave
 * an interrupt                      | parked: the Condition returns; poller: the interrupt hook wakes
 *                                   |  the kernel wait. Either leaves at once, status kept
 * close()                           | signal every parked thread, wake the poller, wait until it is
 *                                   |  out of the kernel
 * </pre>
 *
 * <p>Signals are counted, never merged: the old scheme (one boolean per thread, "already
 * signalled, it will pass the baton") lost a wake-up when the thread meant to take over the kernel
 * wait was already on its way for an event and left with it. Here a thread's signal is one claim
 * of {@code room} events, and the kernel duty is a separate invariant that every leaving thread
 * re-checks.
 *
 * <h2>Threading</h2>
 * Every method runs with the queue lock held, except {@link Host#kernelWait}, which the protocol
 * calls after releasing it. The fields need no other synchronisation.
 */
public final class WaitProtocol {
    /** Deadline meaning "wait forever". */
    public static final long FOREVER = Long.MAX_VALUE;
    /** Deadline meaning "do not block". */
    public static final long NO_WAIT = Long.MIN_VALUE;

    /** What the protocol needs from its queue. Called with the lock held unless stated. */
    public interface Host {
        /** @return events on the ready list */
        int readyCount();

        /** Expires due timers. @return the clock reading taken, or {@link Long#MIN_VALUE} if none was taken */
        long expireDue();

        /** @return the monotonic clock now */
        long nanoTime();

        /**
         * Collects kernel readiness without blocking.
         *
         * @param kernelWaitUnderway whether another thread is inside the kernel wait: the wake
         *                           and timer descriptors are then its to consume
         */
        void harvest(boolean kernelWaitUnderway);

        /**
         * Prepares the kernel wait (submits queued work, arms the timer for the nearest deadline).
         *
         * @param now the clock reading of this decision
         */
        void beforeKernelWait(long now);

        /**
         * Sleeps in the kernel; called WITHOUT the lock. Returns on kernel activity, a kernel wake,
         * the timeout or an interrupted system call.
         *
         * @param timeoutNanos negative: no limit
         */
        void kernelWait(long timeoutNanos);

        /** Hands what the kernel wait collected to the sources. */
        void afterKernelWait();

        /** Makes the ongoing kernel wait return; callable from any thread, lock held or not. */
        void wakeKernel();
    }

    private final ReentrantLock lock;
    private final Host host;
    private final Condition kernelLeft;
    private final InterruptHook interruptHook;

    private boolean pollerBusy;
    /** The thread holding the poller role, or null. */
    private Thread pollerThread;
    private boolean inKernel;
    /**
     * Set by the poller, without the lock, as soon as its kernel wait returned: from then on it
     * holds what the kernel reported until it has the lock again. Cleared under the lock.
     */
    private volatile boolean kernelReturned;
    private boolean kernelWoken;
    private int pollerNeed;
    private int pollerRoom;
    private boolean pollerWokenUp;
    /** Threads waiting in rule T or close for the poller to come out of the kernel. */
    private int kernelExitWaiters;
    /** Counts returns from the kernel wait, so rule T can tell that the poller came back. */
    private long kernelExits;

    private Waiter head;
    private Waiter tail;
    private Waiter freeWaiters;
    private int signalledCount;
    private long claimed;

    private boolean wakeupSticky;
    private boolean closed;

    private long wakeups;

    public WaitProtocol(ReentrantLock lock, Host host) {
        this.lock = lock;
        this.host = host;
        this.kernelLeft = lock.newCondition();
        this.interruptHook = new InterruptHook(host);
    }

    // ---------------------------------------------------------------------------------- waiting

    /**
     * Waits until {@code need} events are ready (or rule L says leave). Returns with the lock held
     * and the calling thread in no role; the caller takes events, then calls {@link #restore}.
     *
     * @param need     events to wait for; 0 never blocks
     * @param room     most events the caller takes (its claim when signalled)
     * @param deadline absolute monotonic deadline, {@link #FOREVER}, or {@link #NO_WAIT}
     * @param event    JFR event counting kernel waits, or null
     * @throws org.kevent.QueueClosedException if the queue is closed, also while waiting
     */
    public void await(int need, int room, long deadline, WaitEvent event) {
        // Look at the kernel at every wait, also while another thread sleeps there, so that a
        // zero-timeout wait sees what is ready now, and also with the ready list full, so that
        // descriptors (and level interests re-armed after their delivery) take their turn behind
        // what is queued instead of waiting for the list to run short.
        host.harvest(inKernel);
        if (need == 0 || deadline == NO_WAIT) {
            if (inKernel && kernelReturned) {
                // The poller is out of the kernel with what it collected, on its way to the lock:
                // what it holds is ready now too, so let it put it on the list (a few instructions
                // of its own, no kernel wake) before looking.
                awaitKernelExit();
            }
            host.expireDue();
            return;
        }
        awaitBlocking(need, room, deadline, event);
    }

    /**
     * The part of {@link #await} that may block, apart so that the non-blocking part stays small:
     * one decision per turn (rule L, then rule T at the deadline, then poll or park), taken again
     * each time the thread comes back from the kernel or from its {@code Condition}.
     */
    private void awaitBlocking(int need, int room, long deadline, WaitEvent event) {
        Waiter w = null;
        boolean poller = false;
        try {
            for (;;) {
                ensureOpen();
                long now = host.expireDue();
                if (leavesNow(need, w, poller)) {
                    return;
                }
                if (now == Long.MIN_VALUE) {
                    now = host.nanoTime();
                }
                if (deadline != FOREVER && now >= deadline) {
                    w = leaveParkedList(w);
                    lastLook(need);
                    ensureOpen();
                    return;
                }
                if (poller || !pollerBusy) {
                    // The kernel wait is free (its thread left): take it over. A poller is never
                    // also in the parked list, where a signal would reach nobody.
                    w = leaveParkedList(w);
                    poller = true;
                    poll(need, room, deadline, now, event);
                } else {
                    w = parkAndSleep(w, need, room, deadline, now);
                }
            }
        } finally {
            leaveWait(w, poller);
        }
    }

    /**
     * Rule L but for a closed queue (checked first, it throws) and the deadline (it needs the
     * clock): enough is ready, {@link #wakeup} chose this thread (now or before any thread
     * waited), or the thread is interrupted.
     *
     * @param w      this thread's place in the parked list, or null
     * @param poller whether this thread holds the poller role
     */
    private boolean leavesNow(int need, Waiter w, boolean poller) {
        if (host.readyCount() >= need) {
            return true;
        }
        if (w != null ? w.wokenUp : poller && pollerWokenUp) {
            return true;
        }
        if (wakeupSticky) {
            wakeupSticky = false;
            return true;
        }
        return Thread.currentThread().isInterrupted();
    }

    /** Takes this thread out of the parked list if it is in it. @return null, the thread's new place */
    private Waiter leaveParkedList(Waiter w) {
        if (w != null) {
            unpark(w);
        }
        return null;
    }

    /** One kernel wait as the poller; the role stays with the thread until it leaves the wait. */
    private void poll(int need, int room, long deadline, long now, WaitEvent event) {
        pollerBusy = true;
        pollerThread = Thread.currentThread();
        pollAsLeader(need, room, deadline, now);
        if (event != null) {
            event.kernelWaits++;
        }
    }

    /**
     * Parks (joining the parked list the first time round) until signalled, the deadline or an
     * interrupt. @return the thread's place in the parked list
     */
    private Waiter parkAndSleep(Waiter w, int need, int room, long deadline, long now) {
        if (w == null) {
            w = park(need, room);
        }
        // This thread's claim, if it had one, is spent: others may have to take over.
        restore();
        sleep(w, deadline, now);
        return w;
    }

    /** Drops whatever role the thread still holds as it leaves the wait (its caller restores). */
    private void leaveWait(Waiter w, boolean poller) {
        leaveParkedList(w);
        if (poller) {
            pollerBusy = false;
            pollerThread = null;
            pollerWokenUp = false;
        }
    }

    private void pollAsLeader(int need, int room, long deadline, long now) {
        host.beforeKernelWait(now);
        if (host.readyCount() >= need) {
            return;
        }
        restore();
        pollerNeed = need;
        pollerRoom = room;
        inKernel = true;
        kernelWoken = false;
        long timeout = deadline == FOREVER ? -1 : deadline - now;
        lock.unlock();
        try {
            interruptHook.enter();
            try {
                host.kernelWait(timeout);
            } finally {
                kernelReturned = true;
                interruptHook.exit();
            }
        } finally {
            // The thread that woke the kernel wait often holds the lock for a moment yet.
            HotLock.lock(lock);
            inKernel = false;
            kernelReturned = false;
            if (kernelWoken) {
                kernelWoken = false;
                claimed -= pollerRoom;
            }
            kernelExits++;
            if (kernelExitWaiters > 0) {
                kernelLeft.signalAll();
            }
            if (!closed) {
                host.afterKernelWait();
            }
        }
    }

    /** Rule T: nothing ready for a wait whose deadline passed may still sit in the kernel or with the poller. */
    private void lastLook(int need) {
        if (inKernel) {
            if (!kernelReturned) {
                nudgeKernel();
            }
            awaitKernelExit();
        }
        if (!closed && host.readyCount() < need) {
            host.harvest(inKernel);
        }
    }

    /** Waits (lock released) until the poller is back from its current kernel wait, or close. */
    private void awaitKernelExit() {
        long seen = kernelExits;
        kernelExitWaiters++;
        try {
            while (inKernel && kernelExits == seen && !closed) {
                kernelLeft.awaitUninterruptibly();
            }
        } finally {
            kernelExitWaiters--;
        }
    }

    private void sleep(Waiter w, long deadline, long now) {
        try {
            if (deadline == FOREVER) {
                w.condition.await();
            } else {
                w.condition.awaitNanos(deadline - now);
            }
        } catch (InterruptedException e) {
            // Keep the status for the caller, as Selector.select does; the loop returns at once.
            Thread.currentThread().interrupt();
        }
        if (w.signalled) {
            // It runs now: its claim is spent, whatever it finds.
            w.signalled = false;
            signalledCount--;
            claimed -= w.room;
        }
    }

    // ---------------------------------------------------------------------------------- waking

    /**
     * Re-establishes invariants 1 and 2 (and 3 for a wake-up whose thread left): after the ready
     * list grew, after a thread took events and leaves, after a signalled thread found too little.
     */
    public void restore() {
        if (head == null && !inKernel) {
            // Nobody parked and nobody in the kernel: no invariant can need a wake-up.
            return;
        }
        int ready = host.readyCount();
        if (claimed < ready) {
            for (Waiter w = head; w != null && claimed < ready; w = w.next) {
                if (!w.signalled && w.need <= ready) {
                    signal(w);
                }
            }
            if (claimed < ready && inKernel && !kernelWoken && pollerNeed <= ready) {
                nudgeKernel();
            }
        }
        if (!pollerBusy && signalledCount == 0 && head != null) {
            // Nobody watches the kernel: the oldest parked thread takes the kernel wait.
            signal(head);
        }
    }

    /** A {@code WAKEUP_ALL} interest became ready: every waiting thread comes out to look. */
    public void readyForAll() {
        for (Waiter w = head; w != null; w = w.next) {
            if (!w.signalled) {
                signal(w);
            }
        }
        if (inKernel && !kernelWoken) {
            nudgeKernel();
        }
    }

    /**
     * Forces one waiting thread out with what is ready, possibly nothing; if no thread waits, the
     * next blocking wait returns at once.
     */
    public void wakeup() {
        for (Waiter w = head; w != null; w = w.next) {
            if (!w.wokenUp) {
                // The oldest parked thread: the kernel wait goes on undisturbed.
                w.wokenUp = true;
                if (!w.signalled) {
                    signal(w);
                }
                return;
            }
        }
        if (pollerBusy && !pollerWokenUp) {
            pollerWokenUp = true;
            if (inKernel && !kernelWoken) {
                nudgeKernel();
            }
            return;
        }
        if (head == null && !pollerBusy) {
            wakeupSticky = true;
        }
    }

    /**
     * Makes the thread in the kernel wait come back (to submit new work, or to look at what
     * changed); one kernel wake per kernel wait. Until it is back it counts as a claim of its room,
     * and it restores the invariants before it sleeps again.
     */
    public void nudgeKernel() {
        if (inKernel && !kernelWoken) {
            kernelWoken = true;
            claimed += pollerRoom;
            wakeups++;
            host.wakeKernel();
        }
    }

    private void signal(Waiter w) {
        w.signalled = true;
        signalledCount++;
        claimed += w.room;
        wakeups++;
        w.condition.signal();
    }

    private Waiter park(int need, int room) {
        Waiter w = freeWaiters;
        if (w == null) {
            w = new Waiter(lock.newCondition());
        } else {
            freeWaiters = w.next;
        }
        w.need = need;
        w.room = room;
        w.signalled = false;
        w.wokenUp = false;
        w.next = null;
        w.prev = tail;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        return w;
    }

    private void unpark(Waiter w) {
        if (w.signalled) {
            w.signalled = false;
            signalledCount--;
            claimed -= w.room;
        }
        if (w.prev == null) {
            head = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tail = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = null;
        w.next = freeWaiters;
        freeWaiters = w;
    }

    // ---------------------------------------------------------------------------------- close, state

    /**
     * Marks the protocol closed, brings every waiting thread out (they throw) and returns once no
     * thread is inside the kernel wait, so the kernel resources can be released.
     */
    public void close() {
        closed = true;
        for (Waiter w = head; w != null; w = w.next) {
            if (!w.signalled) {
                signal(w);
            }
        }
        if (inKernel) {
            host.wakeKernel();
            kernelExitWaiters++;
            try {
                while (inKernel) {
                    kernelLeft.awaitUninterruptibly();
                }
            } finally {
                kernelExitWaiters--;
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new org.kevent.QueueClosedException("kevent queue was closed while waiting");
        }
    }

    /** @return whether a thread sleeps in the kernel wait right now (it submits before it sleeps again) */
    public boolean kernelWaitUnderway() {
        return inKernel;
    }

    /**
     * @return whether no thread but the caller is in a wait: nobody parked, and the poller role
     *         free or the caller's own
     */
    public boolean callerWaitsAlone() {
        return head == null && (!pollerBusy || pollerThread == Thread.currentThread());
    }

    /** @return whether a thread holds the poller role (in the kernel, or back and deciding) */
    public boolean pollerBusy() {
        return pollerBusy;
    }

    /** @return threads blocked in a wait right now: the poller plus parked threads */
    public int waitingThreads() {
        int n = pollerBusy ? 1 : 0;
        for (Waiter w = head; w != null; w = w.next) {
            n++;
        }
        return n;
    }

    /** @return signals and kernel wakes sent so far */
    public long wakeups() {
        return wakeups;
    }

    /** A parked thread. */
    private static final class Waiter {
        final Condition condition;
        int need;
        int room;
        /** Chosen to run (a claim of {@code room} events) and not yet running. */
        boolean signalled;
        /** Chosen by {@link WaitProtocol#wakeup}: leaves when it runs, whatever is ready. */
        boolean wokenUp;
        Waiter prev;
        Waiter next;

        Waiter(Condition condition) {
            this.condition = condition;
        }
    }
}
