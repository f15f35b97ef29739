package org.kevent.netty;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.kevent.EventBuffer;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.QueueClosedException;
import org.kevent.Ukevent;

/**
 * Netty 4.2's {@link IoHandler} on one kevent queue: the event loop waits in
 * {@link KeventQueue#getEvents}, and runs Netty's tasks and scheduled tasks between waits.
 *
 * <h2>Semantics</h2>
 * Each event loop of a {@code MultiThreadIoEventLoopGroup} made with {@link #newFactory()} owns
 * one queue. A wait ends when an event is ready, at the deadline of the loop's next scheduled task
 * (kevent honours sub-millisecond timeouts, so a task is not run a millisecond late for want of
 * precision), or when another thread hands the loop a task ({@link #wakeup()}, which reaches the
 * queue only while the loop is waiting or about to). Channels register their sockets with
 * edge-triggered interests ({@code REQ_ET}); the other sources of {@link KeventEventLoops} register
 * on the same queue. Graceful shutdown closes every registered channel, then the queue.
 *
 * <p>Use it with {@link KeventServerSocketChannel} and {@link KeventSocketChannel}:
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(n, KeventIoHandler.newFactory());
 * new ServerBootstrap().group(group).channel(KeventServerSocketChannel.class) ...
 * }</pre>
 *
 * <h2>Threading</h2>
 * As {@link IoHandler} requires: everything on the loop's thread except {@link #wakeup()} and
 * {@link #isCompatible}.
 */
public final class KeventIoHandler implements IoHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(KeventIoHandler.class);

    /** Events taken from the queue per wait unless the factory says otherwise. */
    static final int DEFAULT_MAX_EVENTS = 1024;

    /** {@link #nextWakeupNanos} while the loop runs: a wake-up then would only cost a spurious return. */
    private static final long AWAKE = -1L;
    /** {@link #nextWakeupNanos} while the loop waits with no scheduled task. */
    private static final long NONE = Long.MAX_VALUE;

    /** Capacity of {@link #scratch()}: what kevent's sockets move in one staged call for a byte array. */
    static final int SCRATCH_BYTES = 16 * 1024;
    /** Most bytes a channel reads through {@link #scratch()} at once. */
    static final int READ_COPY_MAX = 4096;
    /**
     * Most bytes of one buffer a channel copies into {@link #scratch()} to write: the copy goes
     * eight bytes a call (about 10 ns for 128 bytes, 100 ns for 1 KiB, where a bulk copy costs
     * 10 ns), worth it only while it costs less than the ByteBuffer view it saves.
     */
    static final int WRITE_COPY_MAX = 256;

    private final ThreadAwareExecutor executor;
    private final KeventQueue queue;
    private final EventBuffer events;
    private final int maxEvents;
    private final KeventIoEvent event = new KeventIoEvent();
    /** See {@link #scratch()}. */
    private final byte[] scratch = new byte[SCRATCH_BYTES];
    private final Set<Registration> registrations = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The deadline the loop waits for, or AWAKE: other threads wake the queue only when it waits. */
    private final AtomicLong nextWakeupNanos = new AtomicLong(AWAKE);
    /** Ids for the sources of {@link KeventEventLoops}: unique per queue and type, never reused. */
    private long nextSourceId = 1;

    private KeventIoHandler(ThreadAwareExecutor executor, int maxEvents) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.maxEvents = maxEvents;
        this.events = new EventBuffer(maxEvents);
        this.queue = KeventQueue.open();
    }

    /**
     * The factory to give {@code MultiThreadIoEventLoopGroup}: one handler, so one kevent queue,
     * per event loop, taking up to 1024 events per wait.
     *
     * @return the factory
     */
    public static IoHandlerFactory newFactory() {
        return newFactory(DEFAULT_MAX_EVENTS);
    }

    /**
     * The factory to give {@code MultiThreadIoEventLoopGroup}, with the number of events taken per
     * wait.
     *
     * @param maxEvents events taken from the queue per wait, from 1 to
     *                  {@link EventBuffer#MAX_CAPACITY}
     * @return the factory
     * @throws IllegalArgumentException if {@code maxEvents} is out of range
     */
    public static IoHandlerFactory newFactory(int maxEvents) {
        if (maxEvents < 1 || maxEvents > EventBuffer.MAX_CAPACITY) {
            throw new IllegalArgumentException("maxEvents must be in [1, " + EventBuffer.MAX_CAPACITY + "], got "
                    + maxEvents);
        }
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor ioExecutor) {
                return new KeventIoHandler(ioExecutor, maxEvents);
            }

            @Override
            public boolean isChangingThreadSupported() {
                // The queue has no thread affinity; the loop's rules still give one thread at a time.
                return true;
            }
        };
    }

    @Override
    public int run(IoHandlerContext context) {
        int n = 0;
        try {
            boolean report = context.shouldReportActiveIoTime();
            n = waitForEvents(context);
            long start = report ? System.nanoTime() : 0;
            for (int i = 0; i < n; i++) {
                if (events.attachment(i) instanceof Registration r) {
                    r.deliver(events, i);
                }
            }
            if (report) {
                context.reportActiveIoTime(n == 0 ? 0 : System.nanoTime() - start);
            }
        } catch (QueueClosedException e) {
            // Only destroy() closes the queue; a loop still turning after it has nothing to do.
            return 0;
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            logger.warn("Unexpected exception in the kevent event loop.", t);
        }
        return n;
    }

    private int waitForEvents(IoHandlerContext context) {
        if (!context.canBlock()) {
            return queue.getEvents(0, maxEvents, 0, TimeUnit.NANOSECONDS, events);
        }
        long deadline = context.deadlineNanos();
        nextWakeupNanos.set(deadline == -1 ? NONE : deadline);
        try {
            // Checked again after publishing the deadline: a task added before that saw AWAKE and
            // did not wake the queue, so it must be seen here.
            if (!context.canBlock()) {
                return queue.getEvents(0, maxEvents, 0, TimeUnit.NANOSECONDS, events);
            }
            long timeout = deadline == -1 ? -1 : Math.max(0, context.delayNanos(System.nanoTime()));
            return queue.getEvents(1, maxEvents, timeout, TimeUnit.NANOSECONDS, events);
        } finally {
            // A wake-up that lands after this is kept by the queue and ends the next wait at once:
            // one spurious turn, never a lost task.
            nextWakeupNanos.set(AWAKE);
        }
    }

    @Override
    public void wakeup() {
        if (!executor.isExecutorThread(Thread.currentThread()) && nextWakeupNanos.getAndSet(AWAKE) != AWAKE) {
            try {
                queue.wakeup();
            } catch (QueueClosedException ignored) {
                // The loop is gone: nobody to wake.
            }
        }
    }

    @Override
    public void prepareToDestroy() {
        for (Registration r : new ArrayList<>(registrations)) {
            r.cancel();
            try {
                r.handle.close();
            } catch (Exception e) {
                logger.debug("Exception while closing {}", r.handle, e);
            }
        }
    }

    @Override
    public void destroy() {
        queue.close();
    }

    @Override
    public IoRegistration register(IoHandle handle) {
        if (!(handle instanceof KeventIoHandle h)) {
            throw new IllegalArgumentException("IoHandle of type " + handle.getClass().getName()
                    + " cannot register with a KeventIoHandler");
        }
        Registration r = new Registration(h);
        registrations.add(r);
        h.registered();
        return r;
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return KeventIoHandle.class.isAssignableFrom(handleType);
    }

    /**
     * The loop's staging array for small reads and writes of its channels. Netty's pooled direct
     * buffers (without {@code sun.misc.Unsafe}, as on JDK 25) hand out a ByteBuffer view only by
     * making one for each new buffer, a 64-byte object per read and per response; kevent's sockets
     * move a small byte array through their thread's native I/O area with no object at all. So a
     * small read lands here and is copied into the ByteBuf, and small buffers to write are copied
     * here and sent in one call. A channel uses it only within one read or one write, never across
     * a call into the pipeline. Loop thread only.
     *
     * @return the array, {@value #SCRATCH_BYTES} bytes
     */
    byte[] scratch() {
        return scratch;
    }

    /** @return a fresh id for a source of {@link KeventEventLoops}; loop thread only */
    long nextSourceId() {
        return nextSourceId++;
    }

    /**
     * Triggers a user event of this loop's queue; any thread.
     *
     * @return whether it was registered (and is now ready)
     */
    boolean trigger(long id) {
        try {
            return queue.trigger(new long[] {id}, 0, 1) == 1;
        } catch (QueueClosedException e) {
            return false;
        }
    }

    /** @return the registrations, for tests; loop thread only */
    List<IoRegistration> registrations() {
        return List.copyOf(registrations);
    }

    /**
     * One handle's registration: the interest it submitted last, delivered to it with this
     * registration as the event's attachment.
     */
    final class Registration implements IoRegistration {
        final KeventIoHandle handle;
        private final AtomicBoolean canceled = new AtomicBoolean();
        /** The record in the queue, or null; loop thread only. */
        private Ukevent interest;

        Registration(KeventIoHandle handle) {
            this.handle = handle;
        }

        void deliver(EventBuffer buffer, int i) {
            if (canceled.get()) {
                return; // a closed source's last (BROKEN) event, or one ready before the cancel
            }
            event.point(buffer, i);
            handle.handle(this, event);
        }

        /** @return the handler this registration belongs to */
        KeventIoHandler ioHandler() {
            return KeventIoHandler.this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T attachment() {
            return (T) KeventIoHandler.this;
        }

        /**
         * Applies {@link KeventIoOps}: adds, replaces or removes this registration's interest.
         *
         * @return 0, or -1 once canceled
         * @throws KeventException if the queue refuses the record (its reason named)
         */
        @Override
        public long submit(IoOps ops) {
            if (!(ops instanceof KeventIoOps k)) {
                throw new IllegalArgumentException("IoOps of type " + ops.getClass().getName()
                        + " cannot be submitted to a KeventIoHandler");
            }
            if (canceled.get()) {
                return -1;
            }
            Ukevent want = k.record();
            Ukevent had = interest;
            if (want == null) {
                if (had != null) {
                    interest = null;
                    removeQuietly(had);
                }
                return 0;
            }
            want = want.withAttachment(this);
            if (had != null && had.type() == want.type() && had.id() == want.id()) {
                if (!had.equals(want)) {
                    queue.modify(want);
                    interest = want;
                }
                return 0;
            }
            if (had != null) {
                interest = null;
                removeQuietly(had);
            }
            queue.add(want);
            interest = want;
            return 0;
        }

        private void removeQuietly(Ukevent record) {
            try {
                queue.remove(record.type(), record.id());
            } catch (KeventException | QueueClosedException e) {
                // Closing a socket removes its interests itself; nothing is left to remove.
            }
        }

        @Override
        public boolean isValid() {
            return !canceled.get();
        }

        @Override
        public boolean cancel() {
            if (!canceled.compareAndSet(false, true)) {
                return false;
            }
            if (executor.isExecutorThread(Thread.currentThread())) {
                cancelOnLoop();
            } else {
                executor.execute(this::cancelOnLoop);
            }
            return true;
        }

        private void cancelOnLoop() {
            Ukevent had = interest;
            interest = null;
            if (had != null) {
                removeQuietly(had);
            }
            if (registrations.remove(this)) {
                handle.unregistered();
            }
        }

        @Override
        public String toString() {
            return "KeventIoHandler.Registration[" + handle + ", " + interest + "]";
        }
    }
}
