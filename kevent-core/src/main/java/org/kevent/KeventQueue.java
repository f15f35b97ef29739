package org.kevent;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.kevent.internal.linux.EpollPoller;
import org.kevent.internal.linux.LinuxSources;
import org.kevent.internal.portable.PortablePoller;
import org.kevent.internal.portable.PortableSources;
import org.kevent.internal.source.aio.Aio;
import org.kevent.net.NativeFile;
import org.kevent.net.TcpSocket;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.jfr.CtlEvent;
import org.kevent.internal.queue.Engine;
import org.kevent.internal.timer.NanoClock;
import org.kevent.internal.queue.Poller;
import org.kevent.internal.access.NetSecrets;

/**
 * A kevent queue (the seed's {@code kevent_user}): it holds every interest registered through it
 * and a FIFO list of those that are ready, and hands the ready ones out in batches.
 *
 * <pre>{@code
 * try (KeventQueue queue = KeventQueue.open()) {
 *     queue.ctl(CtlOp.ADD,
 *             Ukevent.timer(1, Duration.ofMillis(10)).withPeriod(Duration.ofMillis(10)),
 *             Ukevent.user(2).withCookie(42));
 *     queue.trigger(2);                       // from any thread
 *     EventBuffer events = new EventBuffer(64);
 *     int n = queue.getEvents(1, 64, 1, TimeUnit.SECONDS, events);
 * }
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Interests are keyed by (type, id), unique per queue. {@link #ctl} processes a batch in
 *       order with one result per record and never stops at a failed one: a failed record gets
 *       {@link Kevent#RET_BROKEN}, an errno name and a message, the others take effect (no
 *       rollback). Every invalid field of a record is that record's {@code EINVAL}, naming the
 *       field (docs/SEMANTICS.md §4).</li>
 *   <li>Errors are values per record in {@link #ctl} and exceptions in the single-record
 *       shorthands: {@link #add}, {@link #modify}, {@link #remove}, {@link #trigger(long)} and
 *       {@link #enable} throw {@link KeventException} naming the operation
 *       ({@code "kevent_ctl REMOVE"}) and exactly the errno {@code ctl} would report for that
 *       record. The batch {@link #trigger(long[], int, int)} counts instead.</li>
 *   <li>{@link #getEvents} returns once {@code min} events are ready, the timeout passes,
 *       {@link #wakeup()} is called or the calling thread is interrupted; it then hands out up to
 *       {@code max} events in FIFO order, applying each interest's trigger mode: level (default),
 *       {@link Kevent#REQ_ET}, {@link Kevent#REQ_ONESHOT} (removed after delivery),
 *       {@link Kevent#REQ_DISPATCH} (disabled after delivery until {@link CtlOp#MODIFY} or
 *       {@link #enable}). An event is handed out exactly once.</li>
 *   <li>Only {@link Kevent#REQ_ONESHOT} and a {@link Kevent#RET_BROKEN} delivery remove an
 *       interest: a single-expiry timer that fired stays registered, disarmed, until
 *       {@link CtlOp#MODIFY} re-arms it or {@link CtlOp#REMOVE} removes it
 *       (docs/SEMANTICS.md §3).</li>
 *   <li>An interest already ready when added is queued, never reported through {@code ctl} and lost.</li>
 *   <li>A removed interest is never delivered afterwards, even if it was ready or sits unread in
 *       the ring.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Every method may be called from any thread at any time. When several threads wait, a ready
 * event wakes one of them (no thundering herd) unless its interest has
 * {@link Kevent#REQ_WAKEUP_ALL}; no waiter times out while an event it could take is obtainable,
 * and a zero-timeout wait returns what is ready whoever else waits (docs/SEMANTICS.md §5). The
 * waiting thread itself sleeps in {@code epoll_wait} (on the portable engine, in a
 * {@code Condition} wait; docs/SEMANTICS.md §10), the others park behind it: there is no
 * hidden dispatcher thread. Interrupting a waiting thread ends its wait at once with what is
 * ready, its interrupt status kept, as {@link java.nio.channels.Selector#select()} does, also
 * when it sleeps in the kernel.
 *
 * <p>Level interests that stay ready rotate through the ready list in FIFO order, so no ready
 * interest is skipped for a round under any {@code max} (docs/SEMANTICS.md §3).
 *
 * <h2>Caveats</h2>
 * <ul>
 *   <li>{@link #close()} removes every interest and makes every waiting thread throw
 *       {@link QueueClosedException}; any later call throws it too.</li>
 *   <li>{@link #readinessFd()} has a cost: once handed out, the queue keeps the descriptor's
 *       readability in step with its ready list, one system call per empty/non-empty change, and
 *       two more around a wait for more events than are ready.</li>
 * </ul>
 */
public final class KeventQueue implements AutoCloseable {
    /** Default per-queue registration cap. */
    public static final int DEFAULT_MAX_INTERESTS = 1 << 24;

    private final Engine engine;
    /**
     * The NAIO kind: the network AIO calls go to it directly, under the queue's lock. On the
     * portable engine it runs on readiness over portable sockets (docs/SEMANTICS.md §10).
     */
    private final Aio aio;
    private final QueueEngine kind;

    private KeventQueue(Engine engine, Aio aio, QueueEngine kind) {
        this.engine = engine;
        this.aio = aio;
        this.kind = kind;
    }

    /**
     * Opens a queue with default settings (the seed's {@code kevent_init}).
     *
     * @return the queue
     * @throws KeventException if the kernel refuses the resources (e.g. {@code EMFILE})
     */
    public static KeventQueue open() {
        return builder().open();
    }

    /**
     * Returns a builder for a queue with non-default settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Applies a batch of control records and returns one result per record
     * (docs/SEMANTICS.md §4): see {@link CtlOp} for what each operation does and reports.
     *
     * @param op      what to do with every record
     * @param records the records, processed in order
     * @return the results, in record order
     * @throws QueueClosedException if the queue is closed
     */
    public CtlResults ctl(CtlOp op, Ukevent... records) {
        CtlResults results = new CtlResults(Math.max(1, records.length));
        ctl(op, records, 0, records.length, results);
        return results;
    }

    /**
     * Applies a batch of control records without allocating: results go into a caller-owned buffer.
     * A failed record is marked {@link Kevent#RET_BROKEN} with its reason; the others take effect.
     *
     * @param op      what to do with every record
     * @param records the records
     * @param offset  index of the first record
     * @param length  how many records; at most {@code results.capacity()}
     * @param results where the per-record results go
     * @return how many records failed
     * @throws IllegalArgumentException  if the batch exceeds the results' capacity
     * @throws IndexOutOfBoundsException if offset/length fall outside the array
     * @throws NullPointerException      if a record is null (nothing is applied)
     * @throws QueueClosedException      if the queue is closed
     */
    public int ctl(CtlOp op, Ukevent[] records, int offset, int length, CtlResults results) {
        Objects.requireNonNull(op, "op");
        Objects.checkFromIndexSize(offset, length, records.length);
        for (int k = offset; k < offset + length; k++) {
            if (records[k] == null) {
                // Checked before anything is applied, so a null never leaves half a batch behind.
                throw new NullPointerException("record " + (k - offset) + " of the batch is null");
            }
        }
        results.reset(length);
        CtlEvent event = CtlEvent.TYPE.isEnabled() ? new CtlEvent() : null;
        if (event != null) {
            event.begin();
        }
        engine.lockBatch("ctl");
        try {
            for (int k = 0; k < length; k++) {
                Ukevent record = records[offset + k];
                CtlError error = engine.ctlLocked(op, record, record.owner);
                if (error == null) {
                    results.done(k);
                } else {
                    results.fail(k, error.errorName(), error.message());
                }
            }
            if (event != null) {
                event.registered = engine.registeredLocked();
            }
        } finally {
            engine.unlockBatch();
        }
        if (event != null) {
            event.end();
            event.op = op.name();
            event.records = length;
            event.failures = results.failures();
            event.commit();
        }
        return results.failures();
    }

    /**
     * Registers one interest, throwing if it fails.
     *
     * @param record the interest
     * @throws KeventException      naming the reason ({@code EEXIST}, {@code EINVAL}, {@code ENOSPC})
     * @throws QueueClosedException if the queue is closed
     */
    public void add(Ukevent record) {
        single(CtlOp.ADD, record);
    }

    /**
     * Replaces an interest's mask, flags, cookie and timer settings, throwing if it fails.
     *
     * @param record the new settings, matched by (type, id)
     * @throws KeventException      naming the reason ({@code ENOENT}, {@code EINVAL})
     * @throws QueueClosedException if the queue is closed
     */
    public void modify(Ukevent record) {
        single(CtlOp.MODIFY, record);
    }

    /**
     * Removes an interest, throwing if it fails: the single-record form of {@link CtlOp#REMOVE}.
     * It is never delivered afterwards, even if it was ready or sits unread in the ring.
     *
     * @param type its type
     * @param id   its id
     * @throws KeventException      naming {@code "kevent_ctl REMOVE"} and the reason: {@code ENOENT}
     *                              if no such interest is registered, {@code EINVAL} for a NAIO
     *                              request (end those with {@link #aioCancel})
     * @throws QueueClosedException if the queue is closed
     */
    public void remove(EventType type, long id) {
        Objects.requireNonNull(type, "type");
        throwIfFailed(CtlOp.REMOVE, engine.remove(type, id));
    }

    private void single(CtlOp op, Ukevent record) {
        Objects.requireNonNull(record, "record");
        throwIfFailed(op, engine.ctl(op, record, record.owner));
    }

    private static void throwIfFailed(CtlOp op, CtlError error) {
        if (error != null) {
            throw new KeventException("kevent_ctl " + op, error.errorName(), error.message());
        }
    }

    /**
     * Makes a user event ready (the seed's {@code KEVENT_CTL_READY}), throwing if it fails: the
     * single-record form of {@link CtlOp#TRIGGER}. Triggers are coalesced: the delivery's data
     * counts those since the last delivery.
     *
     * @param id the user event's id
     * @throws KeventException      naming {@code "kevent_ctl TRIGGER"} and {@code ENOENT} if no user
     *                              event has that id (an interest of another type with that id
     *                              does not count)
     * @throws QueueClosedException if the queue is closed
     */
    public void trigger(long id) {
        throwIfFailed(CtlOp.TRIGGER, engine.trigger(id));
    }

    /**
     * Makes several user events ready under one lock acquisition. A batch: an id that names no
     * user event is skipped, not an error, and the others are triggered. For the errno of each
     * id, use {@link #ctl} with {@link CtlOp#TRIGGER}.
     *
     * @param ids    the user event ids
     * @param offset index of the first id
     * @param length how many ids
     * @return how many of them are registered (and were triggered)
     * @throws QueueClosedException if the queue is closed
     */
    public int trigger(long[] ids, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, ids.length);
        return engine.trigger(ids, offset, length);
    }

    /**
     * Re-arms a {@link Kevent#REQ_DISPATCH} interest that its delivery disabled, throwing if it
     * fails: the single-record form of {@link CtlOp#ENABLE}. Activity that came while it was
     * disabled is delivered now. Enabling an interest that is not disabled changes nothing.
     *
     * @param type the interest's type
     * @param id   its id
     * @throws KeventException      naming {@code "kevent_ctl ENABLE"} and the reason: {@code ENOENT}
     *                              if no such interest is registered, {@code EINVAL} for a NAIO
     *                              request
     * @throws QueueClosedException if the queue is closed
     */
    public void enable(EventType type, long id) {
        Objects.requireNonNull(type, "type");
        throwIfFailed(CtlOp.ENABLE, engine.enable(type, id));
    }

    /**
     * Forces one waiting thread out of {@link #getEvents} (or a ring's {@code await}) with what is
     * ready, possibly nothing. If no thread waits, the next wait returns at once.
     *
     * @throws QueueClosedException if the queue is closed
     */
    public void wakeup() {
        engine.wakeup();
    }

    /**
     * Waits for events (the seed's {@code kevent_get_events}).
     *
     * <p>Returns when at least {@code min} events are ready, or the timeout passed, or
     * {@link #wakeup()} was called, or the thread was interrupted (its status stays set); then hands
     * out up to {@code max} of the ready events into {@code out}, oldest first. {@code min == 0} or
     * a zero timeout never blocks; a negative timeout waits without limit. Sub-millisecond timeouts
     * are honoured, never rounded down to zero; an interrupted kernel wait resumes with the
     * remaining time.
     *
     * @param min     events to wait for, {@code 0 <= min <= max}
     * @param max     most events to hand out, {@code 1 <= max <= out.capacity()}
     * @param timeout how long to wait; negative for no limit
     * @param unit    the timeout's unit
     * @param out     where the events go
     * @return how many events were handed out
     * @throws IllegalArgumentException if {@code min > max}, {@code max < 1}, {@code min < 0} or
     *                                  {@code max > out.capacity()}; nothing is consumed
     * @throws QueueClosedException     if the queue is closed, also while waiting
     */
    public int getEvents(int min, int max, long timeout, TimeUnit unit, EventBuffer out) {
        Objects.requireNonNull(unit, "unit");
        checkWait(min, max, out);
        return engine.getEvents(min, max, engine.deadlineAfter(timeout, unit), out.slots);
    }

    /**
     * Waits for events, the timeout as a {@link Duration}; see
     * {@link #getEvents(int, int, long, TimeUnit, EventBuffer)}.
     *
     * @param min     events to wait for
     * @param max     most events to hand out
     * @param timeout how long to wait; negative for no limit
     * @param out     where the events go
     * @return how many events were handed out
     */
    public int getEvents(int min, int max, Duration timeout, EventBuffer out) {
        Objects.requireNonNull(timeout, "timeout");
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException overflow) {
            nanos = timeout.isNegative() ? -1 : Long.MAX_VALUE;
        }
        return getEvents(min, max, nanos, TimeUnit.NANOSECONDS, out);
    }

    /**
     * Waits for events until an absolute deadline of {@link System#nanoTime()}'s clock; see
     * {@link #getEvents(int, int, long, TimeUnit, EventBuffer)}.
     *
     * @param min           events to wait for
     * @param max           most events to hand out
     * @param deadlineNanos when to stop waiting
     * @param out           where the events go
     * @return how many events were handed out
     */
    public int getEventsUntil(int min, int max, long deadlineNanos, EventBuffer out) {
        checkWait(min, max, out);
        return engine.getEvents(min, max, deadlineNanos, out.slots);
    }

    /**
     * Takes what is ready now, without waiting: {@code getEvents(0, out.capacity(), 0, ...)}.
     *
     * @param out where the events go
     * @return how many events were handed out
     */
    public int poll(EventBuffer out) {
        return engine.getEvents(0, out.capacity(), Long.MIN_VALUE, out.slots);
    }

    private static void checkWait(int min, int max, EventBuffer out) {
        Objects.requireNonNull(out, "out");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        if (min < 0) {
            throw new IllegalArgumentException("min must not be negative, got " + min);
        }
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " exceeds max " + max);
        }
        if (max > out.capacity()) {
            throw new IllegalArgumentException("max " + max + " exceeds the buffer's capacity " + out.capacity());
        }
    }

    // ------------------------------------------------------------------------------ network AIO

    /**
     * Starts an asynchronous send of {@code src}'s remaining bytes (the seed's {@code aio_send});
     * see {@link #aioSend(TcpSocket, ByteBuffer, long, Object, int)}. The completion has cookie 0
     * and no attachment.
     *
     * @param socket the socket
     * @param src    the bytes, from position to limit
     * @return the request id
     */
    public long aioSend(TcpSocket socket, ByteBuffer src) {
        return aioSend(socket, src, 0, null, 0);
    }

    /**
     * Starts an asynchronous send of {@code src}'s remaining bytes (the seed's {@code aio_send}).
     * Returns at once; the completion is one {@link EventType#NAIO} event with id = the returned
     * request id, events {@link Kevent#NAIO_SEND}, data = bytes sent or the negative errno
     * ({@code -ECANCELED} when cancelled), data2 = bytes sent before a failure, the cookie and the
     * attachment as given, {@code src} as {@link EventBuffer#buffer}, and {@link Kevent#RET_BROKEN}
     * unless it succeeded. The whole buffer is sent unless {@link Kevent#AIO_PARTIAL} is given.
     * As NIO.2's {@code write(src, attachment, handler)}, the attachment carries the caller's
     * context (a connection, say) to the completion, so no table from cookies to connections is
     * needed; the cookie is a primitive for the same purpose (docs/SEMANTICS.md §7).
     *
     * <p>The buffer belongs to the request until its completion is handed out: do not touch it
     * meanwhile. Its position moves by the bytes sent when the completion is handed out. Heap
     * buffers are copied once into memory the queue owns; direct buffers are used in place and
     * kept reachable by the request, so the collector cannot free them early. Requests on one
     * socket and one direction run in the order they were made.
     *
     * @param socket the socket
     * @param src        the bytes, from position to limit; may be empty (completes at once with 0)
     * @param cookie     returned with the completion
     * @param attachment returned with the completion ({@link EventBuffer#attachment}); any object, or null
     * @param flags      0 or {@link Kevent#AIO_PARTIAL}
     * @return the request id, unique in this queue
     * @throws IllegalArgumentException if {@code flags} has unknown bits, or {@code src} is a
     *                                  direct buffer of an arena its owner can close
     * @throws QueueClosedException     if the queue is closed
     */
    public long aioSend(TcpSocket socket, ByteBuffer src, long cookie, Object attachment, int flags) {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(src, "src");
        return aio("aioSend").start(Kevent.NAIO_SEND, NetSecrets.state(socket), src, cookie, attachment, checkAioFlags(flags));
    }

    /**
     * Starts an asynchronous receive into {@code dst}'s room; see
     * {@link #aioRecv(TcpSocket, ByteBuffer, long, Object, int)}. The completion has cookie 0 and
     * no attachment.
     *
     * @param socket the socket
     * @param dst    where the bytes go, from position to limit
     * @return the request id
     */
    public long aioRecv(TcpSocket socket, ByteBuffer dst) {
        return aioRecv(socket, dst, 0, null, 0);
    }

    /**
     * Starts an asynchronous receive (the seed's {@code aio_recv}): completes when {@code dst} is
     * full, at end of stream (with the bytes received so far, 0 if none), or, with
     * {@link Kevent#AIO_PARTIAL}, as soon as some bytes arrived. The completion is a
     * {@link EventType#NAIO} event with events {@link Kevent#NAIO_RECV}, {@code dst} as
     * {@link EventBuffer#buffer}; otherwise as {@link #aioSend(TcpSocket, ByteBuffer, long, Object, int)},
     * whose ownership rules apply. The position of {@code dst} moves by the bytes received when the
     * completion is handed out.
     *
     * @param socket     the socket
     * @param dst        where the bytes go; may have no room (completes at once with 0)
     * @param cookie     returned with the completion
     * @param attachment returned with the completion; any object, or null
     * @param flags      0 or {@link Kevent#AIO_PARTIAL}
     * @return the request id
     * @throws IllegalArgumentException if {@code dst} is read-only (as the JDK's channels answer a
     *                                  read into one), or as for {@code aioSend}
     * @throws QueueClosedException     if the queue is closed
     */
    public long aioRecv(TcpSocket socket, ByteBuffer dst, long cookie, Object attachment, int flags) {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("aioRecv: dst is a read-only buffer; the bytes received need a writable one");
        }
        return aio("aioRecv").start(Kevent.NAIO_RECV, NetSecrets.state(socket), dst, cookie, attachment, checkAioFlags(flags));
    }

    /**
     * Starts a multishot receive; see {@link #aioRecvMultishot(TcpSocket, long, Object)}. Its
     * events have cookie 0 and no attachment.
     *
     * @param socket the socket
     * @return the request id
     */
    public long aioRecvMultishot(TcpSocket socket) {
        return aioRecvMultishot(socket, 0, null);
    }

    /**
     * Starts a multishot receive: one request that receives for as long as the stream lasts, into
     * buffers the queue owns, with one event per arrival — no buffer to supply and no request to
     * renew per read. On io_uring it is one armed {@code recv} whose completions name a buffer the
     * kernel took from the queue's provided-buffer ring; on the readiness engine each readable edge
     * is read into free buffers. The events are identical.
     *
     * <p>Each arrival is a {@link EventType#NAIO} event with events
     * {@link Kevent#NAIO_RECV_MULTISHOT} and {@link Kevent#RET_MORE}: data = bytes received (at
     * least 1), data2 = the buffer's id ({@link EventBuffer#lentBufferId}), {@link EventBuffer#buffer}
     * = a {@link ByteBuffer} view of it holding the bytes from position 0 to its limit, and the
     * cookie and attachment as given. The buffer is lent: read it, then give it back with
     * {@link #aioReleaseBuffer}; until then the queue cannot use it again. When every buffer is
     * lent, receiving pauses (the bytes wait in the socket, nothing is lost) and resumes as soon as
     * one comes back — a consumer that holds buffers slows its peers down, it does not lose data.
     *
     * <p>The request ends exactly once, with one more event without {@code RET_MORE}, after every
     * arrival: data = 0 at end of stream, or the negative errno ({@code -ECANCELED} after
     * {@link #aioCancel}, a close of the socket or of the queue), with {@link Kevent#RET_BROKEN};
     * data2 = bytes received in all, no buffer. Arrivals that reached the queue before a cancel are still
     * delivered first. Requests on one socket's receive side run in order: an {@code aioRecv}
     * made after this one starts when it ends. Buffer count and size are set by
     * {@link Builder#aioRecvBuffers}; the pool is made at the first multishot request.
     *
     * @param socket     the socket
     * @param cookie     returned with every event of the request
     * @param attachment returned with every event of the request; any object, or null
     * @return the request id
     * @throws QueueClosedException if the queue is closed
     */
    public long aioRecvMultishot(TcpSocket socket, long cookie, Object attachment) {
        Objects.requireNonNull(socket, "socket");
        return aio("aioRecvMultishot").startMultishot(NetSecrets.state(socket), cookie, attachment);
    }

    /**
     * Gives back a buffer a {@link Kevent#NAIO_RECV_MULTISHOT} event lent (its data2). Its view
     * must not be used afterwards: the queue fills it again with other bytes. Any thread may call.
     *
     * @param bufferId the event's data2
     * @throws IllegalArgumentException if no buffer of this queue has that id
     * @throws IllegalStateException    if that buffer is not lent (released twice, or never handed out)
     * @throws QueueClosedException     if the queue is closed
     */
    public void aioReleaseBuffer(int bufferId) {
        aio("aioReleaseBuffer").releaseBuffer(bufferId);
    }

    /**
     * Starts an asynchronous {@code sendfile}; see
     * {@link #aioSendfile(TcpSocket, NativeFile, long, long, long, Object, int)}. The completion has
     * cookie 0 and no attachment.
     *
     * @param socket the socket
     * @param file   the file
     * @param offset where in the file to start
     * @param length how many bytes
     * @return the request id
     */
    public long aioSendfile(TcpSocket socket, NativeFile file, long offset, long length) {
        return aioSendfile(socket, file, offset, length, 0, null, 0);
    }

    /**
     * Starts sending {@code length} bytes of {@code file} from {@code offset} (the seed's
     * {@code aio_sendfile}), zero-copy from the page cache. Completes when all are sent, when the
     * file ends first (a short count: the bytes really sent), on an error, or with
     * {@link Kevent#AIO_PARTIAL} after the first transfer. The completion is a
     * {@link EventType#NAIO} event with events {@link Kevent#NAIO_SENDFILE}, the cookie and the
     * attachment as given, no {@link EventBuffer#buffer}. The request pins the file: closing it meanwhile closes its descriptor only when
     * the request ends. A file already closed fails the request with {@code -EBADF}. On the
     * portable engine the bytes go with {@code FileChannel.transferTo}; a socket or file of the
     * other engine ends the request with {@code -EINVAL} (docs/SEMANTICS.md §10).
     *
     * @param socket the socket
     * @param file   the file, open
     * @param offset where in the file to start, at least 0
     * @param length how many bytes, at least 0 (0 completes at once)
     * @param cookie     returned with the completion
     * @param attachment returned with the completion; any object, or null
     * @param flags      0 or {@link Kevent#AIO_PARTIAL}
     * @return the request id
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative or
     *                                  {@code flags} has unknown bits
     * @throws QueueClosedException     if the queue is closed
     */
    public long aioSendfile(TcpSocket socket, NativeFile file, long offset, long length, long cookie,
                            Object attachment, int flags) {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(file, "file");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset " + offset + " or length " + length);
        }
        return aio("aioSendfile").startSendfile(NetSecrets.state(socket), NetSecrets.handle(file), attachment, offset, length, cookie,
                checkAioFlags(flags));
    }

    /**
     * Cancels a network AIO request. Its completion still comes, exactly once: with
     * {@code -ECANCELED} (data2 = bytes transferred before), or with its result if it finished
     * before the cancel reached it.
     *
     * @param requestId the id an {@code aio*} call returned
     * @return whether the request was still under way (false: unknown, or already ended)
     * @throws QueueClosedException if the queue is closed
     */
    public boolean aioCancel(long requestId) {
        return aio("aioCancel").cancel(requestId);
    }

    /**
     * Returns the network AIO engine of this queue, choosing it if no request chose it yet:
     * {@link AioEngine#IO_URING}, or {@link AioEngine#READINESS} (nonblocking calls driven by the
     * queue's readiness events) when io_uring is missing, refused ({@code EPERM},
     * {@code kernel.io_uring_disabled}) or lacks an operation we need, or when
     * {@link Builder#aioEngine} or the system property {@code kevent.aio} asks for it. Never
     * {@link AioEngine#AUTO}. Both give the same events. On the portable engine always
     * {@link AioEngine#READINESS}, over its sockets (docs/SEMANTICS.md §10).
     *
     * @return the engine in use
     * @throws QueueClosedException     if the queue is closed
     * @throws KeventException          if {@link AioEngine#IO_URING} was asked for and the kernel refuses it
     * @throws IllegalArgumentException if the system property {@code kevent.aio} names no engine
     */
    public AioEngine aioEngine() {
        return aio("aioEngine").aioEngine();
    }

    /**
     * @param call the public call, for the message
     * @return the NAIO kind
     * @throws KeventException naming {@code EOPNOTSUPP} if the queue has no network AIO (every
     *                         engine installs it today: a guard for wirings that would not)
     */
    private Aio aio(String call) {
        if (aio == null) {
            throw new KeventException(call, "EOPNOTSUPP", "this queue has no network AIO; it runs on the "
                    + engine.name() + " engine (docs/SEMANTICS.md §10)");
        }
        return aio;
    }

    private static int checkAioFlags(int flags) {
        if ((flags & ~Kevent.AIO_MASK) != 0) {
            throw new IllegalArgumentException("unknown AIO flag bits 0x" + Integer.toHexString(flags & ~Kevent.AIO_MASK));
        }
        return flags;
    }

    /**
     * Opens this queue's event ring (docs/SEMANTICS.md §6), once: events are then taken in place with
     * {@link EventRing#await} and released with {@link EventRing#commit}.
     *
     * @param capacity slots, a power of two from 1 to 2^20
     * @return the ring
     * @throws IllegalArgumentException if the capacity is not a power of two in range
     * @throws IllegalStateException    if the queue already has a ring
     */
    public EventRing openRing(int capacity) {
        if (capacity < 1 || capacity > (1 << 20) || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two in [1, 2^20], got " + capacity);
        }
        return new EventRing(engine, engine.openRing(capacity));
    }

    /**
     * Returns a file descriptor that is readable while this queue has ready events, so the queue
     * can be watched by another queue, by epoll, or by a poll loop. The queue owns it: do not close it.
     *
     * <p>It is readable whenever a {@code getEvents(0, ...)} would take something: an event on the
     * ready list, a timer that is due, a watched descriptor with news, all without anyone waiting in
     * this queue; and it stops being readable once they are taken. One exception: while a thread
     * sleeps in this queue's {@link #getEvents} (or {@link EventRing#await}) for more events than are
     * ready, the ready ones do not make it readable; they are that thread's, and it leaves the
     * descriptor readable if it leaves events behind.
     *
     * <p><b>Nesting</b> (docs/SEMANTICS.md §1, §4). The descriptor is the queue's own epoll instance,
     * so queues watching queues nest exactly as deep as plain epoll instances do: the kernel's
     * {@code EP_MAX_NESTS}, a chain of five queues or epoll descriptors on Linux 6.18. This method
     * never fails for depth; the {@link CtlOp#ADD} of a POLL interest that would nest one level
     * deeper, or close a cycle, fails for that record with {@code ELOOP} (the rest of its batch
     * applies), as does an {@code epoll_ctl} of one's own on a chain already five deep.
     *
     * @return the descriptor; the same one on every call
     * @throws QueueClosedException if the queue is closed
     * @throws KeventException      if the kernel refuses the resources (an eventfd) on the first call;
     *                              naming {@code EOPNOTSUPP} on the portable engine, which has no
     *                              descriptor (docs/SEMANTICS.md §10)
     */
    public int readinessFd() {
        return engine.readinessFd();
    }

    /**
     * Names the engine in use: {@code "linux-epoll"} or {@code "portable"} (docs/SEMANTICS.md §10).
     *
     * @return the engine's name
     */
    public String engineName() {
        return engine.name();
    }

    /**
     * Returns the engine this queue runs on, as {@link Builder#engine} or the automatic choice
     * settled it (docs/SEMANTICS.md §10).
     *
     * @return {@link QueueEngine#LINUX} or {@link QueueEngine#PORTABLE}, never {@link QueueEngine#AUTO}
     */
    public QueueEngine engine() {
        return kind;
    }

    /**
     * Returns a snapshot of the queue's counters.
     *
     * @return the counters now
     */
    public QueueStats stats() {
        return engine.stats();
    }

    int waitingThreads() {
        return engine.waitingThreads();
    }

    /**
     * Returns whether the queue is open.
     *
     * @return false once {@link #close()} ran
     */
    public boolean isOpen() {
        return !engine.isClosed();
    }

    /**
     * Closes the queue: removes every interest, wakes every waiting thread with
     * {@link QueueClosedException}, and releases the kernel resources. Idempotent.
     */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "KeventQueue[" + engine.name() + (engine.isClosed() ? ", closed]" : "]");
    }

    /** Settings of a queue to open. */
    public static final class Builder {
        private int maxInterests = DEFAULT_MAX_INTERESTS;
        private NanoClock clock = NanoClock.SYSTEM;
        private Poller poller;
        private QueueEngine queueEngine;
        private org.kevent.internal.source.inode.InodeBackend inodeBackend;
        private boolean parkEveryWait;
        private AioEngine aioEngine;
        private int aioRingEntries;
        private boolean singleIssuer;
        private int recvBuffers;
        private int recvBufferSize;

        private Builder() {
        }

        /**
         * Sizes the queue's pool of multishot receive buffers ({@link KeventQueue#aioRecvMultishot}):
         * {@code count} buffers of {@code size} bytes, one direct allocation made at the first
         * multishot request. Default: 256 × 16 KiB. An arrival never exceeds {@code size}; more
         * buffers let more arrivals wait unread before receiving pauses.
         *
         * @param count a power of two from 1 to 32768
         * @param size  bytes per buffer, from 1 to 1 MiB; {@code count * size} at most 1 GiB
         * @return this builder
         * @throws IllegalArgumentException outside those bounds
         */
        public Builder aioRecvBuffers(int count, int size) {
            if (count < 1 || count > 32768 || Integer.bitCount(count) != 1) {
                throw new IllegalArgumentException("receive buffer count must be a power of two from 1 to 32768, got "
                        + count);
            }
            if (size < 1 || size > 1 << 20) {
                throw new IllegalArgumentException("receive buffer size must be from 1 to 1048576 bytes, got " + size);
            }
            if ((long) count * size > 1L << 30) {
                throw new IllegalArgumentException("receive buffers of " + count + " × " + size
                        + " B exceed 1 GiB");
            }
            this.recvBuffers = count;
            this.recvBufferSize = size;
            return this;
        }

        /**
         * Chooses the network AIO engine of the queue, overriding the system property
         * {@code kevent.aio}: {@link AioEngine#IO_URING} (fail at the first request if the kernel
         * refuses it), {@link AioEngine#READINESS}, or {@link AioEngine#AUTO} (io_uring when
         * available, the default).
         *
         * @param engine the engine
         * @return this builder
         * @throws NullPointerException if engine is null
         */
        public Builder aioEngine(AioEngine engine) {
            this.aioEngine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /**
         * Declares that one thread makes every network AIO request on the queue and every wait:
         * the first thread that submits a request. io_uring then runs with {@code SINGLE_ISSUER}
         * and {@code COOP_TASKRUN} where the kernel has them: the kernel finishes that thread's
         * completions at its next system call instead of interrupting it one by one, and wakes it
         * at once if it sleeps in a wait. Afterwards, a request or a wait from another thread
         * throws {@link IllegalStateException}; closing a socket from another thread still ends
         * its requests (as cancelled, once the owner waits again). The readiness engine ignores
         * the setting.
         *
         * @param on whether the queue has a single issuer
         * @return this builder
         */
        public Builder singleIssuer(boolean on) {
            this.singleIssuer = on;
            return this;
        }

        /**
         * Chooses the engine the queue runs on, overriding the system property
         * {@code kevent.engine}: {@link QueueEngine#LINUX} (fail at {@link #open} if it cannot run
         * here), {@link QueueEngine#PORTABLE}, or {@link QueueEngine#AUTO} (Linux when it can run,
         * the default; docs/SEMANTICS.md §10).
         *
         * @param engine the engine
         * @return this builder
         * @throws NullPointerException if engine is null
         */
        public Builder engine(QueueEngine engine) {
            this.queueEngine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /** Tests: a small io_uring completion ring, to make it overflow. */
        Builder aioRingEntries(int entries) {
            this.aioRingEntries = entries;
            return this;
        }

        /**
         * Sets the per-queue registration cap; an ADD beyond it fails with {@code ENOSPC}.
         *
         * @param cap at least 1
         * @return this builder
         */
        public Builder maxInterests(int cap) {
            if (cap < 1) {
                throw new IllegalArgumentException("maxInterests must be at least 1, got " + cap);
            }
            this.maxInterests = cap;
            return this;
        }

        Builder clock(NanoClock testClock) {
            this.clock = testClock;
            return this;
        }

        Builder poller(Poller testPoller) {
            this.poller = testPoller;
            return this;
        }

        /** Tests: every blocking wait takes the virtual threads' path, whatever the calling thread. */
        Builder parkEveryWait() {
            this.parkEveryWait = true;
            return this;
        }

        /** Tests: INODE interests on this backend (a fake inotify) instead of the kernel's inotify. */
        Builder inodeBackend(org.kevent.internal.source.inode.InodeBackend testBackend) {
            this.inodeBackend = testBackend;
            return this;
        }

        /**
         * Opens the queue, on the engine {@link #engine} or the system property
         * {@code kevent.engine} asks for; by default on Linux when it can run there, else on the
         * portable engine, the reason logged once (docs/SEMANTICS.md §10).
         *
         * @return the queue
         * @throws KeventException          if the kernel refuses the resources, or naming
         *                                  {@code EOPNOTSUPP} if {@link QueueEngine#LINUX} was asked
         *                                  for and cannot run in this JVM
         * @throws IllegalArgumentException if the system property {@code kevent.engine} names no engine
         */
        public KeventQueue open() {
            if (poller != null) {
                // Tests: a kernel stand-in under the Linux wiring.
                return openLinux(poller);
            }
            QueueEngine asked = EngineChoice.asked(queueEngine);
            return EngineChoice.open(asked, System.getProperty("os.name"), () -> openLinux(EpollPoller.open()),
                    this::openPortable);
        }

        private KeventQueue openLinux(Poller p) {
            Engine engine = newEngine(p);
            try {
                Aio aio = LinuxSources.install(engine, inodeBackend);
                aio.configure(aioEngine, aioRingEntries, singleIssuer, recvBuffers, recvBufferSize);
                return new KeventQueue(engine, aio, QueueEngine.LINUX);
            } catch (RuntimeException | LinkageError e) {
                engine.close();
                throw e;
            }
        }

        /** Loads no class of the Linux backend or the bindings: they may be refused native access. */
        private KeventQueue openPortable() {
            Engine engine = newEngine(new PortablePoller(clock));
            Aio aio = PortableSources.install(engine);
            aio.configure(aioEngine, aioRingEntries, singleIssuer, recvBuffers, recvBufferSize);
            return new KeventQueue(engine, aio, QueueEngine.PORTABLE);
        }

        private Engine newEngine(Poller p) {
            Engine engine = new Engine(p, clock, maxInterests);
            if (parkEveryWait) {
                engine.parkEveryWait();
            }
            return engine;
        }
    }
}
