package org.kevent.internal.queue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.kevent.CtlOp;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.QueueClosedException;
import org.kevent.QueueStats;
import org.kevent.Ukevent;
import org.kevent.internal.timer.ExpiryHandler;
import org.kevent.internal.timer.TimerNode;
import org.kevent.internal.timer.Saturating;
import org.kevent.internal.timer.TimerWheel;
import org.kevent.internal.waiters.HotLock;
import org.kevent.internal.jfr.WaitEvent;
import org.kevent.internal.waiters.WaitProtocol;
import org.kevent.internal.timer.NanoClock;

/**
 * The queue engine (the seed's {@code kevent_user}): every interest of one queue, its FIFO ready
 * list, the timer wheel, the waiting threads, and the optional ring. Pure Java: the kernel is
 * reached only through the {@link Poller}.
 *
 * <h2>Semantics</h2>
 * docs/SEMANTICS.md §3–6. An interest goes on the ready list when its source has undelivered activity and
 * it is enabled; delivery copies the event out and applies the trigger mode (level re-check, ET
 * re-arm, ONESHOT removal, DISPATCH disable).
 *
 * <h2>Threading</h2>
 * One {@link ReentrantLock} guards all state; every public method may be called from any thread.
 * Who waits how — one thread in the kernel, the others parked, who is woken for what — is the
 * {@link WaitProtocol}, with its state table and invariants. The engine tells it when the ready
 * list grows and when a thread is done taking events; the protocol calls back for the kernel
 * side (harvest, kernel wait, dispatch).
 */
public final class Engine implements ExpiryHandler, SourceContext {
    /** Deadline meaning "wait forever". */
    public static final long FOREVER = WaitProtocol.FOREVER;

    private static final int EXPIRE_BATCH = 1 << 16;

    private final ReentrantLock lock = new ReentrantLock();
    private final WaitProtocol waits;
    private final KernelSide kernel;
    private final Poller poller;
    /** Tests: every blocking wait parks as a virtual thread's does (see {@link #parkEveryWait}). */
    boolean parkedWaits;
    private final NanoClock clock;
    private final int maxInterests;
    private final InterestTable table = new InterestTable();
    private final Control control;
    private final TimerWheel wheel;

    private final ReadyList ready = new ReadyList();

    private long armedDeadline = TimerWheel.NO_DEADLINE;
    private boolean exported;
    private boolean exportedReadable;
    private int exportedFd = -1;
    private boolean closed;

    private Ring ring;

    /**
     * The thread that last took events: an event loop, which will wait again soon, so its AIO
     * requests can wait for that wait and go to the kernel in one batch.
     */
    private Thread loopThread;

    /**
     * The kind with work around waits (network AIO: submit before the kernel wait, refuse a second
     * waiter on a single-issuer ring), or null: one field, not a loop over the kinds per wait.
     */
    private SourceKind waitHooks;
    /** The TIMER kind, which says what an expiry means; the wheel itself is the queue's. */
    private ExpiryHandler timerExpiry = (node, now) -> {
        throw new IllegalStateException("a timer expired on a queue with no TIMER kind");
    };

    /** Per event type, its kind, as the backend's wiring installed it; null for a type it does not serve. */
    private final SourceKind[] kinds = new SourceKind[EventType.values().length];

    /** The descriptors the kinds watch in the kernel wait set, by token. */
    private final FdWatchers fds = new FdWatchers();

    private long delivered;
    /** Numbers delivery calls, so a call can tell an interest it already handed out. */
    private long deliveryEpoch;
    private long overflows;

    /** Set while {@link #expireTimers} runs: wake-ups are deferred to the end of the batch. */
    private boolean expiring;
    private boolean expiryWakeAll;

    /**
     * Creates an engine.
     *
     * @param poller       the kernel side; owned by the engine from now on
     * @param clock        the monotonic clock
     * @param maxInterests the per-queue registration cap
     */
    public Engine(Poller poller, NanoClock clock, int maxInterests) {
        this.poller = poller;
        this.clock = clock;
        this.maxInterests = maxInterests;
        this.wheel = new TimerWheel(clock.nanoTime());
        this.kernel = new KernelSide(this, poller, clock, fds);
        this.waits = new WaitProtocol(lock, kernel);
        this.control = new Control(this, table, kinds, maxInterests);
    }

    /**
     * Makes every blocking wait take the virtual threads' path ({@link Poller#pollParked}), whatever
     * the calling thread: for tests whose threads are platform threads (a controlled-concurrency
     * checker runs its own). Call before the queue is used.
     */
    public void parkEveryWait() {
        parkedWaits = true;
    }

    /**
     * Installs the kind that serves an event type; the backend's wiring installs every kind
     * before the queue is used, so the queue room names none of them.
     *
     * @param type the event type
     * @param kind its kind, made with this engine as its {@link SourceContext}
     */
    public void installKind(EventType type, SourceKind kind) {
        lockHot();
        try {
            kinds[type.ordinal()] = kind;
            if (kind.hasWaitHooks()) {
                waitHooks = kind;
            }
            if (type == EventType.TIMER) {
                timerExpiry = (ExpiryHandler) kind;
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the poller's engine name */
    public String name() {
        return poller.name();
    }

    // ---------------------------------------------------------------------------------- control

    /**
     * Applies one control record. Never throws for a bad record: returns its error instead.
     *
     * @param op     the operation
     * @param record the record
     * @param owner  the socket object a SOCKET record names, or null (see {@link SourceKind#attach(Interest, Ukevent, Object)})
     * @return null on success, else the error
     */
    public CtlError ctl(CtlOp op, Ukevent record, Object owner) {
        lockHot();
        try {
            ensureOpen("ctl");
            return ctlLocked(op, record, owner);
        } finally {
            lock.unlock();
        }
    }

    /** Locks for a batch of {@link #ctlLocked} calls, so a batch takes the lock once. */
    public void lockBatch(String what) {
        lockHot();
        try {
            ensureOpen(what);
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
    }

    /** Ends a batch started with {@link #lockBatch}. */
    public void unlockBatch() {
        lock.unlock();
    }

    @Override
    public int registeredLocked() {
        return table.size();
    }

    /**
     * Applies one record inside a batch opened by {@link #lockBatch}.
     *
     * @param op     the operation
     * @param record the record
     * @param owner  the socket object a SOCKET record names, or null
     * @return null on success, else the error
     */
    public CtlError ctlLocked(CtlOp op, Ukevent record, Object owner) {
        return control.apply(op, record, owner);
    }

    /**
     * Removes one interest.
     *
     * @param type its type
     * @param id   its id
     * @return null on success, else the error a REMOVE record would get
     */
    public CtlError remove(EventType type, long id) {
        lockHot();
        try {
            ensureOpen("remove");
            return control.remove(type, id);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks user events ready (the seed's {@code KEVENT_CTL_READY}).
     *
     * @param ids    user event ids
     * @param offset first index in ids
     * @param length how many
     * @return how many ids named a registered user event
     */
    public int trigger(long[] ids, int offset, int length) {
        lockHot();
        try {
            ensureOpen("trigger");
            return control.triggerAll(ids, offset, length);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks one user event ready.
     *
     * @param id the user event id
     * @return null on success, else the error a TRIGGER record would get
     */
    public CtlError trigger(long id) {
        lockHot();
        try {
            ensureOpen("trigger");
            return control.trigger(EventType.USER, id);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void ready(Interest i) {
        if (i.enabled && !i.onReady && i.readyEvents != 0) {
            makeReady(i);
        }
    }

    @Override
    public void notReady(Interest i) {
        i.readyEvents = 0;
        unlinkReady(i);
        syncExportedReadiness();
    }

    @Override
    public void requeue(Interest i) {
        if (i.readyEvents == 0) {
            if (i.onReady) {
                notReady(i);
            }
        } else {
            ready(i);
        }
    }

    /**
     * Re-arms a DISPATCH interest disabled by its delivery.
     *
     * @param type the interest's type
     * @param id   its id
     * @return null on success, else the error an ENABLE record would get
     */
    public CtlError enable(EventType type, long id) {
        lockHot();
        try {
            ensureOpen("enable");
            return control.enable(type, id);
        } finally {
            lock.unlock();
        }
    }

    /** Forces one waiter out of its wait with what is ready, possibly nothing; sticky if none waits. */
    public void wakeup() {
        lockHot();
        try {
            ensureOpen("wakeup");
            waits.wakeup();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------- waiting

    /**
     * Waits until {@code min} events are ready, the deadline passes, or a wake-up; then hands out
     * up to {@code max} of them.
     *
     * @param min      events to wait for
     * @param max      most events to hand out
     * @param deadline absolute monotonic deadline, {@link #FOREVER}, or anything {@code <=} now for no wait
     * @param out      where events go
     * @return events handed out
     */
    public int getEvents(int min, int max, long deadline, EventSlots out) {
        lockHot();
        try {
            ensureOpen("getEvents");
            checkWaiter();
            WaitEvent event = WaitEvent.beginIfBlocking(min, ready.size(), deadline != WaitProtocol.NO_WAIT);
            int n = 0;
            try {
                waits.await(min, max, deadline, event);
                n = deliver(max, out);
                loopThread = Thread.currentThread();
            } finally {
                waits.restore();
            }
            if (event != null) {
                event.finish(poller.name(), n);
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Converts a relative timeout to an absolute deadline on this engine's clock.
     *
     * @param timeout negative means forever
     * @param unit    its unit
     * @return the deadline, {@link #FOREVER} for none
     */
    public long deadlineAfter(long timeout, TimeUnit unit) {
        return clock.deadlineAfter(timeout, unit);
    }

    @Override
    public long now() {
        return clock.nanoTime();
    }


    // ---------------------------------------------------------------------------------- delivery

    private int deliver(int max, EventSlots out) {
        out.beginFill();
        deliverTo(out, max);
        return out.endFill();
    }

    /**
     * Hands out up to {@code room} ready events, oldest first, and applies each one's trigger mode.
     *
     * @return events handed out
     */
    private int deliverTo(EventSink sink, int room) {
        int n = 0;
        long epoch = ++deliveryEpoch;
        Interest i;
        while (n < room && (i = ready.head()) != null) {
            if (i.deliveredEpoch == epoch && !i.manyPerCall()) {
                // Put back by its own delivery in this call (a level condition that still holds):
                // it waits for the next call, as epoll's ready-list splice does, instead of coming
                // out twice here. Everything behind it was put back too.
                break;
            }
            i.deliveredEpoch = epoch;
            ready.unlink(i);
            long position = sink.put(i);
            int generation = i.generation;
            afterDelivery(i);
            sink.delivered(position, i, generation);
            n++;
        }
        delivered += n;
        syncExportedReadiness();
        return n;
    }

    /** Applies the trigger mode after an interest's event was handed out (docs/SEMANTICS.md §3). */
    private void afterDelivery(Interest i) {
        i.pending = 0;
        i.readyEvents = 0;
        int f = i.flags;
        if ((f & Kevent.REQ_ONESHOT) != 0 || (i.retFlags & Kevent.RET_BROKEN) != 0) {
            // A BROKEN interest is delivered once and then removed: its source is gone.
            retire(i);
        } else if ((f & Kevent.REQ_DISPATCH) != 0) {
            i.enabled = false;
        } else {
            // Level and ET: the condition of timers and user events is "undelivered activity",
            // which delivery just consumed; fd kinds re-check or re-arm their source. A fired
            // single-expiry timer stays too, disarmed: MODIFY re-arms it, REMOVE removes it, as
            // uv_timer_again or kqueue's re-add expect; only ONESHOT and BROKEN remove (§3).
            SourceKind kind = i.kind;
            if (kind != null && kind.deliveryHook) {
                kind.delivered(i);
            }
        }
    }

    // ---------------------------------------------------------------------------------- for kinds

    private void checkWaiter() {
        SourceKind hooks = waitHooks;
        if (hooks != null) {
            hooks.checkWaiter();
        }
    }

    /** @return events on the ready list now */
    int readyCount() {
        return ready.size();
    }

    /**
     * @return whether a harvest must ask the kernel: a descriptor is watched, or the readiness fd
     *         was exported (a fired timer or a stale wake-up left in the wait set would keep an
     *         outside watcher's view of it readable)
     */
    boolean harvestNeeded() {
        return fds.size() > 0 || exported;
    }

    void beforeKernelWait() {
        SourceKind hooks = waitHooks;
        if (hooks != null) {
            hooks.beforeKernelWait();
        }
    }

    /** @return {@link SourceKind#epollState} of the kind with wait hooks, or {@link SourceKind#EPOLL_UNWATCHED} */
    int epollState() {
        SourceKind hooks = waitHooks;
        return hooks == null ? SourceKind.EPOLL_UNWATCHED : hooks.epollState();
    }

    /** Tells the kind that watches the epoll set what a harvest found. */
    void epollHarvested(boolean empty) {
        waitHooks.epollHarvested(empty);
    }

    /** @return the kind that takes the coming kernel wait, or null for the poller's */
    SourceKind kernelWaitTaker() {
        SourceKind hooks = waitHooks;
        return hooks != null && hooks.takesKernelWait() ? hooks : null;
    }

    /** @return whether the calling thread waits by parking (a virtual thread, or tests that ask so) */
    boolean waitsParked() {
        return parkedWaits || Thread.currentThread().isVirtual();
    }

    @Override
    public int waitSetFd() {
        return poller.waitSetFd();
    }

    @Override
    public boolean callerWaitsAlone() {
        return waits.callerWaitsAlone();
    }

    @Override
    public boolean callerMayBlockInKernel() {
        return !waitsParked();
    }

    @Override
    public void lockOpen(String what) {
        lockBatch(what);
    }

    @Override
    public void unlock() {
        lock.unlock();
    }

    @Override
    public int maxInterests() {
        return maxInterests;
    }

    @Override
    public void nudgeKernelWait() {
        waits.nudgeKernel();
    }

    @Override
    public Interest newInterest(EventType type, long id, int events, int flags, long cookie, Object attachment) {
        Interest i = table.allocate();
        i.type = type;
        i.id = id;
        i.events = events;
        i.flags = flags;
        i.cookie = cookie;
        i.attachment = attachment;
        i.enabled = true;
        table.insert(i);
        return i;
    }

    @Override
    public Interest lookup(EventType type, long id) {
        return table.get(type, id);
    }

    @Override
    public boolean isClosedLocked() {
        return closed;
    }

    @Override
    public boolean kernelWaitUnderway() {
        return waits.kernelWaitUnderway();
    }

    @Override
    public boolean callerIsLoopThread() {
        return loopThread == Thread.currentThread();
    }

    @Override
    public boolean readinessExported() {
        return exported;
    }

    // ---------------------------------------------------------------------------------- ring

    /**
     * Opens the queue's ring, once.
     *
     * @param capacity slots, a power of two
     * @return the ring
     */
    public Ring openRing(int capacity) {
        lockHot();
        try {
            ensureOpen("ring");
            if (ring != null) {
                throw new IllegalStateException("this queue already has a ring of " + ring.capacity() + " slots");
            }
            ring = new Ring(capacity);
            return ring;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fills free ring slots and waits until {@code min} are readable, or the deadline.
     *
     * @param min      readable slots to wait for, at most the capacity
     * @param deadline absolute deadline as in {@link #getEvents}
     * @return the end sequence (exclusive) of the readable range
     */
    public long ringAwait(int min, long deadline) {
        lockHot();
        try {
            ensureOpen("ring await");
            checkWaiter();
            Thread me = Thread.currentThread();
            if (ring.consumer != null && ring.consumer != me) {
                throw new IllegalStateException("ring has one consumer; " + ring.consumer.getName()
                        + " is in await, " + me.getName() + " is not allowed in");
            }
            ring.consumer = me;
            try {
                // Look at the clock and the kernel first, as getEvents does: with min already met
                // the wait below is skipped, and a due timer or a ready descriptor would be missed.
                kernel.harvest(waits.kernelWaitUnderway());
                expireDue();
                fillRing();
                int readable = (int) (ring.end - ring.committed);
                if (readable < min) {
                    int need = Math.min(min - readable, ring.free());
                    WaitEvent event = WaitEvent.beginIfBlocking(need, ready.size(), deadline != WaitProtocol.NO_WAIT);
                    waits.await(need, ring.free(), deadline, event);
                    fillRing();
                    if (event != null) {
                        event.finish(poller.name(), (int) (ring.end - ring.committed));
                    }
                }
                loopThread = me;
                return ring.end;
            } finally {
                ring.consumer = null;
                waits.restore();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases ring slots up to {@code upTo} (exclusive).
     *
     * @param upTo a sequence in {@code [committed, end]}
     */
    public void ringCommit(long upTo) {
        lockHot();
        try {
            ensureOpen("ring commit");
            if (upTo < ring.committed || upTo > ring.end) {
                throw new IllegalArgumentException("commit up to " + upTo + " outside the readable range ["
                        + ring.committed + ", " + ring.end + "]");
            }
            ring.release(upTo);
        } finally {
            lock.unlock();
        }
    }

    private void fillRing() {
        deliverTo(ring, ring.free());
    }

    // ---------------------------------------------------------------------------------- ready list

    private void makeReady(Interest i) {
        ready.add(i);
        if (exported && ready.size() == 1) {
            syncExportedReadiness();
        }
        if (expiring) {
            // Timer expiry wakes once for the whole batch, after the wheel is consistent again.
            expiryWakeAll |= (i.flags & Kevent.REQ_WAKEUP_ALL) != 0;
        } else if ((i.flags & Kevent.REQ_WAKEUP_ALL) != 0) {
            waits.readyForAll();
        } else {
            waits.restore();
        }
    }

    void unlinkReady(Interest i) {
        ready.unlink(i);
    }

    /**
     * Removes an interest that its own delivery ended (ONESHOT, BROKEN). Unlike a
     * caller's REMOVE, this does not tombstone ring slots it filled earlier: those events were
     * delivered and must stay readable (docs/SEMANTICS.md §6). The slots keep a stale owner reference,
     * which the generation check of {@link Ring} ignores once the object is reused.
     */
    private void retire(Interest i) {
        i.ringRefs = 0;
        unregister(i);
    }

    void unregister(Interest i) {
        unlinkReady(i);
        SourceKind kind = kinds[i.type.ordinal()];
        if (kind != null) {
            kind.detach(i);
        }
        table.remove(i);
        if (i.ringRefs > 0) {
            ring.tombstone(i);
        }
        table.free(i);
    }

    // ---------------------------------------------------------------------------------- timers

    /**
     * Expires due timers if the wheel has any.
     *
     * @return the clock reading taken, or {@link Long#MIN_VALUE} if the clock was not read
     */
    long expireDue() {
        if (wheel.isEmpty()) {
            return Long.MIN_VALUE;
        }
        long now = clock.nanoTime();
        if (now >= wheel.nextDeadline()) {
            expireTimers(now);
        }
        return now;
    }

    private void expireTimers(long now) {
        int before = ready.size();
        expiring = true;
        expiryWakeAll = false;
        try {
            while (wheel.expire(now, this, EXPIRE_BATCH) == EXPIRE_BATCH) {
                // keep going: a bounded batch per call, but nothing due is left behind
            }
        } finally {
            expiring = false;
        }
        if (expiryWakeAll) {
            waits.readyForAll();
        } else if (ready.size() > before) {
            waits.restore();
        }
        if (exported && armedDeadline <= now) {
            // The timerfd fired and reads as readable; re-arming resets it so an outside poller of
            // the exported fd does not spin on a timer we already handled.
            armTimer(now);
        }
    }

    @Override
    public void onExpiry(TimerNode node, long now) {
        timerExpiry.onExpiry(node, now);
    }

    @Override
    public void schedule(Interest i, long deadline, long now) {
        wheel.schedule(i, deadline);
        if (expiring) {
            // A periodic timer's next expiry, from within the batch: the batch arms once at its end.
            return;
        }
        if (deadline <= now) {
            expireTimers(now);
        } else if (waits.pollerBusy() || exported) {
            armTimer(now);
        }
    }

    @Override
    public void unschedule(Interest i) {
        wheel.cancel(i);
    }

    void armTimer(long now) {
        long next = wheel.nextDeadline();
        if (next < armedDeadline || (armedDeadline <= now && next != armedDeadline)) {
            poller.armTimer(next);
            armedDeadline = next;
        }
    }

    @Override
    public void runLocked(Runnable action) {
        lockHot();
        try {
            if (!closed) {
                action.run();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void releaseKey(Interest i) {
        table.remove(i);
    }

    @Override
    public void countOverflow() {
        overflows++;
    }

    // ---------------------------------------------------------------------------------- descriptors

    @Override
    public long watchFd(int fd, int events, FdWatchers.Watcher watcher) {
        long token = fds.add(watcher);
        int r = poller.ctlFd(Poller.FD_ADD, fd, events, token);
        if (r < 0) {
            fds.remove(token);
            return r;
        }
        return token;
    }

    @Override
    public int rewatchFd(long token, int fd, int events) {
        return poller.ctlFd(Poller.FD_MOD, fd, events, token);
    }

    @Override
    public void unwatchFd(long token, int fd) {
        if (fds.remove(token)) {
            poller.ctlFd(Poller.FD_DEL, fd, 0, token);
        }
    }


    // ---------------------------------------------------------------------------------- fd, stats, close

    /**
     * Returns the descriptor readable while events are ready, enabling its upkeep.
     *
     * @return the file descriptor
     */
    public int readinessFd() {
        lockHot();
        try {
            ensureOpen("readinessFd");
            if (!exported) {
                exportedFd = poller.exportFd();
                exported = true;
                syncExportedReadiness();
                armTimer(clock.nanoTime());
                if (waitHooks != null) {
                    // A kind that took completions out of the epoll set puts them back in view.
                    waitHooks.readinessExported();
                }
            }
            return exportedFd;
        } finally {
            lock.unlock();
        }
    }

    private void syncExportedReadiness() {
        if (exported) {
            boolean readable = ready.size() > 0;
            if (readable != exportedReadable) {
                poller.setReadable(readable);
                exportedReadable = readable;
            }
        }
    }

    /** @return a snapshot of the counters */
    public QueueStats stats() {
        lockHot();
        try {
            SourceKind naio = kinds[EventType.NAIO.ordinal()];
            return new QueueStats(table.size(), ready.size(), delivered, poller.syscalls(), overflows, waits.wakeups(),
                    requests(naio, SourceKind.Requests.STARTED), requests(naio, SourceKind.Requests.ENDED),
                    requests(naio, SourceKind.Requests.CANCELLED), requests(naio, SourceKind.Requests.BUFFERS_LENT),
                    requests(naio, SourceKind.Requests.SYSCALLS));
        } finally {
            lock.unlock();
        }
    }

    private static long requests(SourceKind kind, SourceKind.Requests which) {
        return kind == null ? 0 : kind.requests(which);
    }

    /** @return threads blocked in a wait right now: the poller plus parked waiters (for tests and stats) */
    public int waitingThreads() {
        lockHot();
        try {
            return waits.waitingThreads();
        } finally {
            lock.unlock();
        }
    }

    /** @return whether {@link #close} has run */
    public boolean isClosed() {
        lockHot();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the queue: removes every interest, wakes every waiter (they throw
     * {@link QueueClosedException}), waits for the poller to leave the kernel, then releases the
     * kernel resources. Idempotent.
     */
    public void close() {
        lockHot();
        try {
            if (closed) {
                return;
            }
            closed = true;
            waits.close();
            // Requests end first (as cancelled), so no kernel work still points at a buffer below.
            for (SourceKind kind : kinds) {
                if (kind != null) {
                    kind.shutdown();
                }
            }
            ready.clear();
            table.forEach(i -> {
                SourceKind kind = kinds[i.type.ordinal()];
                if (kind != null) {
                    kind.detach(i);
                }
                i.onReady = false;
                i.readyNext = i.readyPrev = null;
                i.clear();
            });
            table.clear();
            for (SourceKind kind : kinds) {
                if (kind != null) {
                    kind.close();
                }
            }
            poller.close();
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen(String what) {
        if (closed) {
            throw new QueueClosedException("kevent queue is closed (" + what + ")");
        }
    }

    private void lockHot() {
        HotLock.lock(lock);
    }

}
