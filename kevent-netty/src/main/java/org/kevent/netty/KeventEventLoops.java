package org.kevent.netty;

import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongFunction;

import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.Ukevent;

/**
 * Beyond Netty: a kevent event loop offers kevent's other sources to the handlers running on it —
 * file-system events (INODE), user events and precise timers — delivered by the same wait that
 * delivers its sockets, on the loop's thread, with no thread of their own.
 *
 * <h2>Semantics</h2>
 * Each method registers one source on {@code loop}'s queue and returns a future completed on the
 * loop once the queue has it (at once when called on the loop), or failed with the queue's reason
 * ({@link KeventException}, e.g. {@code ENOENT} for a path that does not exist). The listener runs
 * on the loop for each event; a source whose events end (a single-expiry timer after it fired, a
 * watch whose directory was deleted: {@link KeventSourceEvent#broken()}) is cancelled after its
 * last event. {@link KeventRegistration#cancel} ends any of them; so does the group's shutdown.
 * The loop must be one of a group made with {@link KeventIoHandler#newFactory()}
 * ({@link #isKeventLoop}); another loop is an {@link IllegalArgumentException}.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * EventLoop loop = group.next();
 * KeventEventLoops.watch(loop, dir, Kevent.INODE_CREATE, e -> System.out.println("created " + e.path()));
 * KeventEventLoops.timer(loop, Duration.ofMillis(250), Duration.ofMillis(250), e -> tick());
 * }</pre>
 */
public final class KeventEventLoops {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(KeventEventLoops.class);

    private KeventEventLoops() {
    }

    /**
     * @param loop an event loop
     * @return whether it runs a {@link KeventIoHandler}, so that the methods of this class apply
     */
    public static boolean isKeventLoop(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(SourceHandle.class);
    }

    /**
     * Watches a directory or file for file-system events (docs/SEMANTICS.md §2, INODE).
     *
     * @param loop      a kevent event loop
     * @param path      the directory or file
     * @param events    INODE bits, e.g. {@code Kevent.INODE_CREATE | Kevent.INODE_MODIFY}
     * @param recursive whether a directory's whole tree is watched
     * @param listener  runs on the loop for each event; {@link KeventSourceEvent#path()} names the entry
     * @return the registration, once the queue watches the path
     */
    public static Future<KeventRegistration> watch(EventLoop loop, Path path, int events, boolean recursive,
                                                   KeventListener listener) {
        Objects.requireNonNull(path, "path");
        return register(loop, listener, false,
                id -> Ukevent.inode(id, path, events).withRecursive(recursive), null);
    }

    /**
     * Watches a directory (not its subdirectories) for file-system events; see
     * {@link #watch(EventLoop, Path, int, boolean, KeventListener)}.
     *
     * @param loop     a kevent event loop
     * @param path     the directory or file
     * @param events   INODE bits
     * @param listener runs on the loop for each event
     * @return the registration, once the queue watches the path
     */
    public static Future<KeventRegistration> watch(EventLoop loop, Path path, int events, KeventListener listener) {
        return watch(loop, path, events, false, listener);
    }

    /**
     * A timer on the queue's own clock, precise to the nanosecond as kevent's timers are (not
     * rounded to a millisecond as Netty's scheduled tasks are by the wait): it fires {@code delay}
     * after registration, then every {@code period} if that is positive. {@link KeventSourceEvent#data()}
     * counts expirations since the last delivery (a busy loop sees several at once, not a burst).
     *
     * @param loop     a kevent event loop
     * @param delay    until the first expiry, not negative
     * @param period   between expiries after that; zero for a single expiry (then the source is
     *                 cancelled after it fired); at least 50 µs if positive (a shorter one is raised)
     * @param listener runs on the loop for each expiry
     * @return the registration, once the timer is armed
     */
    public static Future<KeventRegistration> timer(EventLoop loop, Duration delay, Duration period,
                                                   KeventListener listener) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(period, "period");
        if (delay.isNegative() || period.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay + " or period " + period);
        }
        boolean single = period.isZero();
        return register(loop, listener, single, id -> Ukevent.timer(id, delay).withPeriod(period), null);
    }

    /**
     * A user event: {@link KeventUserEvent#trigger()} from any thread runs {@code listener} on the
     * loop, triggers coalesced until it runs.
     *
     * @param loop     a kevent event loop
     * @param listener runs on the loop; {@link KeventSourceEvent#data()} counts the coalesced triggers
     * @return the user event, once registered
     */
    @SuppressWarnings("unchecked")
    public static Future<KeventUserEvent> userEvent(EventLoop loop, KeventListener listener) {
        return (Future<KeventUserEvent>) (Future<?>) register(loop, listener, false, Ukevent::user,
                (registration, id) -> new KeventUserEvent(registration, registration.attachment(), id));
    }

    /** Makes what the future completes with, for a registration and the source's id. */
    private interface Result {
        KeventRegistration of(IoRegistration registration, long id);
    }

    private static Future<KeventRegistration> register(EventLoop loop, KeventListener listener, boolean single,
                                                       LongFunction<Ukevent> record, Result result) {
        Objects.requireNonNull(listener, "listener");
        if (!isKeventLoop(loop)) {
            throw new IllegalArgumentException("not a kevent event loop (make its group with KeventIoHandler.newFactory()): "
                    + loop);
        }
        Promise<KeventRegistration> promise = loop.newPromise();
        SourceHandle handle = new SourceHandle(listener, single);
        ((IoEventLoop) loop).register(handle).addListener(f -> {
            if (!f.isSuccess()) {
                promise.setFailure(f.cause());
                return;
            }
            IoRegistration registration = (IoRegistration) f.getNow();
            handle.registration = registration;
            KeventIoHandler handler = registration.attachment();
            long id = handler.nextSourceId();
            try {
                registration.submit(new KeventIoOps(record.apply(id)));
            } catch (RuntimeException e) {
                registration.cancel();
                promise.setFailure(e);
                return;
            }
            promise.setSuccess(result == null ? new KeventRegistration(registration) : result.of(registration, id));
        });
        return promise;
    }

    /** A source's handle: hands each event to the listener, on the loop. */
    private static final class SourceHandle implements KeventIoHandle {
        private final KeventListener listener;
        private final boolean single;
        private final KeventSourceEvent view = new KeventSourceEvent();
        /** Set on the loop once registered; closing the group cancels it. */
        IoRegistration registration;

        SourceHandle(KeventListener listener, boolean single) {
            this.listener = listener;
            this.single = single;
        }

        @Override
        public void handle(IoRegistration r, IoEvent ioEvent) {
            KeventIoEvent e = (KeventIoEvent) ioEvent;
            boolean last = single || e.broken();
            try {
                listener.onEvent(view.point(e));
            } catch (Throwable t) {
                logger.warn("A kevent source's listener failed on {}", e, t);
            } finally {
                if (last) {
                    r.cancel();
                }
            }
        }

        @Override
        public void close() {
            IoRegistration r = registration;
            if (r != null) {
                r.cancel();
            }
        }
    }
}
