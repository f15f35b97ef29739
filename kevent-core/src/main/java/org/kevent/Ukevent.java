package org.kevent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One interest as it crosses the API into {@link KeventQueue#ctl}: the seed's {@code ukevent}.
 *
 * <p>Immutable: build it once with a factory, refine it with the {@code with*} methods (each
 * returns a new record), and reuse it for as many control calls as you like. {@link CtlOp#REMOVE},
 * {@link CtlOp#TRIGGER} and {@link CtlOp#ENABLE} match on (type, id) only, so
 * {@code Ukevent.user(7)} removes, triggers or enables the user event 7 whatever its flags.
 *
 * <p>Building a record never throws for a value the queue would refuse: every field is kept as
 * given, and {@link KeventQueue#ctl} judges it, per record, on ADD and MODIFY. An invalid field
 * fails that record alone with {@code EINVAL} and a message naming the field and the value
 * ({@code "timer period -5 ns is negative (field period)"}); the other records of the batch take
 * effect (docs/SEMANTICS.md §3, §4). Invalid are: unknown request flag bits, ONESHOT with DISPATCH,
 * an empty event mask, event bits of another type, a negative timer delay or period, and a period
 * or a recursive watch on a type that has none. A null path, duration or process is a programming
 * error, not a value: it throws {@link NullPointerException} at once.
 *
 * <h2>Timers</h2>
 * A timer's first deadline is relative ({@link #timer(long, Duration)}, {@link #timerNanos}) or
 * absolute on {@link System#nanoTime()}'s clock ({@link #timerAt}). {@link #withPeriod} makes it
 * periodic; a periodic timer keeps its phase (deadline + k·period) however late it is read, and
 * reports the expirations it missed; a period is at least {@link #MIN_TIMER_PERIOD_NANOS} (a
 * shorter one is raised to it). Without a period (period 0) a timer expires once and then
 * stays registered, disarmed, until {@link CtlOp#MODIFY} re-arms it with a new deadline or
 * {@link CtlOp#REMOVE} removes it, as libuv's {@code uv_timer_again} or a kqueue re-add expect: only
 * {@link Kevent#REQ_ONESHOT} (and a {@link Kevent#RET_BROKEN} delivery) removes an interest, so
 * give a fire-and-forget timer {@code REQ_ONESHOT}, or its id stays taken. With
 * {@link Kevent#REQ_DISPATCH} the delivery also disables it; MODIFY re-arms it
 * (docs/SEMANTICS.md §3).
 */
public final class Ukevent {
    /**
     * The shortest period a periodic timer runs at: 50 µs. A shorter positive period is raised to
     * it when the record is built ({@link #periodNanos()} shows the value used), as Netty's
     * {@code HashedWheelTimer} raises a tick below 1 ms. A period shorter than a trip through the
     * queue keeps the timer due at every look, so a consumer spins on it (a 1 ns period gave
     * 1.1 million deliveries in 200 ms), and the queue's own firing lateness (p99 under 50 µs)
     * could not keep it anyway; expirations still count the periods that passed
     * (docs/SEMANTICS.md §2).
     */
    public static final long MIN_TIMER_PERIOD_NANOS = 50_000;

    private final EventType type;
    private final long id;
    private final int events;
    private final int flags;
    private final long cookie;
    private final Object attachment;
    private final long timerValue;
    private final boolean timerAbsolute;
    private final long periodNanos;
    private final Path path;
    private final boolean recursive;
    /**
     * SOCKET: the TcpSocket or TcpListener named, so a closed one is not mistaken for its fd's next
     * owner; PROC: the Process or ProcessHandle named, so an exited one is not mistaken for its
     * pid's next owner. {@link KeventQueue} hands it down with the record.
     */
    final Object owner;

    private Ukevent(EventType type, long id, int events, int flags, long cookie, Object attachment,
                    long timerValue, boolean timerAbsolute, long periodNanos) {
        this(type, id, events, flags, cookie, attachment, timerValue, timerAbsolute, periodNanos, null, false, null);
    }

    private Ukevent(EventType type, long id, int events, int flags, long cookie, Object attachment,
                    long timerValue, boolean timerAbsolute, long periodNanos, Path path, boolean recursive,
                    Object owner) {
        this.type = type;
        this.id = id;
        this.events = events;
        this.flags = flags;
        this.cookie = cookie;
        this.attachment = attachment;
        this.timerValue = timerValue;
        this.timerAbsolute = timerAbsolute;
        this.periodNanos = periodNanos;
        this.path = path;
        this.recursive = recursive;
        this.owner = owner;
    }

    /**
     * A user event with the given id, wanting {@link Kevent#USER_TRIGGER}.
     *
     * @param id the caller's id, unique among this queue's user events
     * @return the record
     */
    public static Ukevent user(long id) {
        return new Ukevent(EventType.USER, id, Kevent.USER_TRIGGER, 0, 0, null, 0, false, 0);
    }

    /**
     * Readiness of a file descriptor the caller owns, as poll(2) reports it.
     *
     * @param fd     the descriptor; the interest's id
     * @param events {@link Kevent#POLLIN}, {@link Kevent#POLLOUT}, ... (kernel bit values)
     * @return the record
     */
    public static Ukevent poll(int fd, int events) {
        return new Ukevent(EventType.POLL, fd, events, 0, 0, null, 0, false, 0);
    }

    /**
     * Inode notifications on a directory or a file (inotify). The queue resolves nothing: the path
     * is watched as it is given (a relative path against the working directory), and names in
     * events are relative to it. Changes to one name made before its event is handed out merge
     * into that event, bits OR'ed; different names stay separate events ({@link EventType#INODE}
     * has the exact rule, docs/SEMANTICS.md §1 the specification).
     *
     * @param id     the caller's id, unique among this queue's INODE interests
     * @param path   the directory or file to watch
     * @param events {@link Kevent#INODE_CREATE}, {@link Kevent#INODE_REMOVE}, ... ({@link Kevent#INODE_ALL})
     * @return the record
     * @throws NullPointerException if path is null
     */
    public static Ukevent inode(long id, Path path, int events) {
        Objects.requireNonNull(path, "path");
        return new Ukevent(EventType.INODE, id, events, 0, 0, null, 0, false, 0, path, false, null);
    }

    /**
     * Returns this INODE record watching a whole tree: subdirectories, existing and created later,
     * are watched too; entries found in a new subdirectory are reported as CREATE (data2 = 1), and
     * names are relative to the watched path ({@code "sub/file"}). ADD fails with {@code ENOTDIR}
     * unless the path is a directory. Only INODE records watch trees: on another type the queue
     * rejects the record with {@code EINVAL} (field recursive).
     *
     * @param newRecursive whether to watch the tree
     * @return the new record
     */
    public Ukevent withRecursive(boolean newRecursive) {
        return new Ukevent(type, id, events, flags, cookie, attachment, timerValue, timerAbsolute, periodNanos,
                path, newRecursive, owner);
    }

    /**
     * Readiness of a socket the library owns, wanting {@code events}
     * ({@link Kevent#SOCKET_RECV}, {@link Kevent#SOCKET_SEND}, {@link Kevent#SOCKET_CONNECT}, ...).
     * The id is the socket's fd ({@link org.kevent.net.TcpSocket#id()}); a socket closed before the
     * record is added is rejected with {@code EBADF}, even if its fd number was given to a new socket.
     *
     * @param socket the socket
     * @param events SOCKET event bits
     * @return the record
     */
    public static Ukevent socket(org.kevent.net.TcpSocket socket, int events) {
        return new Ukevent(EventType.SOCKET, socket.id(), events, 0, 0, null, 0, false, 0, null, false, socket);
    }

    /**
     * Readiness of a listening socket the library owns, typically {@link Kevent#SOCKET_ACCEPT}.
     *
     * @param listener the listener
     * @param events   SOCKET event bits
     * @return the record
     */
    public static Ukevent socket(org.kevent.net.TcpListener listener, int events) {
        return new Ukevent(EventType.SOCKET, listener.id(), events, 0, 0, null, 0, false, 0, null, false, listener);
    }

    /**
     * Readiness of the library's socket that currently has descriptor {@code fd}. Prefer the
     * typed factories: a number cannot tell a closed socket from the next one given its fd. An fd
     * that is not open is rejected with {@code EBADF}, one that is not a socket with
     * {@code ENOTSOCK}, a socket the library does not own with {@code EINVAL} (watch it with
     * {@link #poll}).
     *
     * @param fd     the descriptor
     * @param events SOCKET event bits
     * @return the record
     */
    public static Ukevent socket(int fd, int events) {
        return new Ukevent(EventType.SOCKET, fd, events, 0, 0, null, 0, false, 0, null, false, null);
    }

    /**
     * The exit of a child process of this JVM, wanting {@link Kevent#PROC_EXIT}: the id is its pid,
     * and the EXIT event's data its exit status as {@link Process#exitValue()} reports it (128 +
     * the signal's number for a process a signal killed). The queue reads the status from the JDK,
     * which reaps its children itself, so {@link Process#waitFor()} and {@link Process#onExit()}
     * still work; the event comes once the JDK has the status, right after the exit. A process
     * that exited before the ADD is queued at once (docs/SEMANTICS.md §2, §3).
     *
     * @param process the process
     * @return the record
     * @throws NullPointerException if process is null
     */
    public static Ukevent process(Process process) {
        Objects.requireNonNull(process, "process");
        return new Ukevent(EventType.PROC, process.pid(), Kevent.PROC_EXIT, 0, 0, null, 0, false, 0, null, false,
                process);
    }

    /**
     * The exit of any process, wanting {@link Kevent#PROC_EXIT}: the id is its pid. The event's
     * data is {@link Kevent#PROC_STATUS_UNKNOWN}: a handle carries no status (make the record from
     * the {@link Process} to have it). A process that exited before the ADD is queued at once, and
     * the handle, unlike a bare pid, is never mistaken for a process that got its pid since.
     *
     * @param handle the process
     * @return the record
     * @throws NullPointerException if handle is null
     */
    public static Ukevent process(ProcessHandle handle) {
        Objects.requireNonNull(handle, "handle");
        return new Ukevent(EventType.PROC, handle.pid(), Kevent.PROC_EXIT, 0, 0, null, 0, false, 0, null, false,
                handle);
    }

    /**
     * The exit of the process that holds {@code pid} when the record is added, as kqueue's
     * {@code EVFILT_PROC} names one; data is {@link Kevent#PROC_STATUS_UNKNOWN}. A pid names no
     * process for good: one that exited and was reaped may have been given to another process
     * meanwhile, which is the one then watched. Prefer {@link #process(ProcessHandle)}. The ADD
     * fails with {@code ESRCH} when no process has the pid, {@code EINVAL} when it is not a
     * positive {@code pid_t}.
     *
     * @param pid the process id
     * @return the record
     */
    public static Ukevent process(long pid) {
        return new Ukevent(EventType.PROC, pid, Kevent.PROC_EXIT, 0, 0, null, 0, false, 0, null, false, null);
    }

    /**
     * A single-expiry timer firing {@code delay} after it is added.
     *
     * @param id    the caller's id, unique among this queue's timers (not the period)
     * @param delay time until the first expiry; zero fires at once, a negative delay is rejected by
     *              the queue with {@code EINVAL} (field delay)
     * @return the record
     * @throws NullPointerException if delay is null
     */
    public static Ukevent timer(long id, Duration delay) {
        return timerNanos(id, saturatedNanos(delay));
    }

    /**
     * A single-expiry timer firing {@code delayNanos} after it is added.
     *
     * @param id         the caller's id, unique among this queue's timers
     * @param delayNanos nanoseconds until the first expiry; zero fires at once, a negative delay is
     *                   rejected by the queue with {@code EINVAL} (field delay)
     * @return the record
     */
    public static Ukevent timerNanos(long id, long delayNanos) {
        return new Ukevent(EventType.TIMER, id, Kevent.TIMER_FIRED, 0, 0, null, delayNanos, false, 0);
    }

    /**
     * A single-expiry timer firing at an absolute deadline of {@link System#nanoTime()}'s clock.
     *
     * @param id            the caller's id, unique among this queue's timers
     * @param deadlineNanos the {@code System.nanoTime()} value at which it fires; any value is
     *                      valid, one already past is due at once
     * @return the record
     */
    public static Ukevent timerAt(long id, long deadlineNanos) {
        return new Ukevent(EventType.TIMER, id, Kevent.TIMER_FIRED, 0, 0, null, deadlineNanos, true, 0);
    }

    /**
     * Returns this record with another event mask.
     *
     * @param newEvents event bits of this record's type
     * @return the new record
     */
    public Ukevent withEvents(int newEvents) {
        return new Ukevent(type, id, newEvents, flags, cookie, attachment, timerValue, timerAbsolute, periodNanos, path, recursive, owner);
    }

    /**
     * Returns this record with other request flags ({@link Kevent#REQ_ET} and friends).
     *
     * @param newFlags request flags
     * @return the new record
     */
    public Ukevent withFlags(int newFlags) {
        return new Ukevent(type, id, events, newFlags, cookie, attachment, timerValue, timerAbsolute, periodNanos, path, recursive, owner);
    }

    /**
     * Returns this record with another cookie, returned untouched with every delivery.
     *
     * @param newCookie the caller's word
     * @return the new record
     */
    public Ukevent withCookie(long newCookie) {
        return new Ukevent(type, id, events, flags, newCookie, attachment, timerValue, timerAbsolute, periodNanos, path, recursive, owner);
    }

    /**
     * Returns this record with an attachment object, returned untouched with every delivery.
     *
     * @param newAttachment any object, or null
     * @return the new record
     */
    public Ukevent withAttachment(Object newAttachment) {
        return new Ukevent(type, id, events, flags, cookie, newAttachment, timerValue, timerAbsolute, periodNanos, path, recursive, owner);
    }

    /**
     * Returns this timer made periodic; see {@link #withPeriodNanos}.
     *
     * @param period time between expiries after the first; zero for a single expiry
     * @return the new record
     * @throws NullPointerException if period is null
     */
    public Ukevent withPeriod(Duration period) {
        return withPeriodNanos(saturatedNanos(period));
    }

    /**
     * Returns this timer made periodic, the period in nanoseconds. Zero means a single expiry (the
     * factories' default). A TIMER period between 0 and {@link #MIN_TIMER_PERIOD_NANOS} is raised
     * to that minimum. The queue rejects, per record with {@code EINVAL} (field period), a
     * negative period and a period on a type other than TIMER; both are kept as given here.
     *
     * @param newPeriodNanos nanoseconds between expiries after the first; zero for a single expiry
     * @return the new record
     */
    public Ukevent withPeriodNanos(long newPeriodNanos) {
        long period = type == EventType.TIMER && newPeriodNanos > 0 && newPeriodNanos < MIN_TIMER_PERIOD_NANOS
                ? MIN_TIMER_PERIOD_NANOS : newPeriodNanos;
        return new Ukevent(type, id, events, flags, cookie, attachment, timerValue, timerAbsolute, period, path, recursive, owner);
    }

    /** @return the source type */
    public EventType type() {
        return type;
    }

    /** @return the id, unique per type in a queue */
    public long id() {
        return id;
    }

    /** @return the event mask */
    public int events() {
        return events;
    }

    /** @return the request flags */
    public int flags() {
        return flags;
    }

    /** @return the caller's cookie */
    public long cookie() {
        return cookie;
    }

    /** @return the caller's attachment, or null */
    public Object attachment() {
        return attachment;
    }

    /** @return for a timer: the delay in ns, or the absolute deadline if {@link #timerAbsolute()} */
    public long timerValue() {
        return timerValue;
    }

    /** @return for a timer: whether {@link #timerValue()} is an absolute {@code System.nanoTime()} deadline */
    public boolean timerAbsolute() {
        return timerAbsolute;
    }

    /**
     * @return for a periodic timer: the period in ns, at least {@link #MIN_TIMER_PERIOD_NANOS};
     *         0 for a single-expiry timer; as given for other types and for a negative period
     */
    public long periodNanos() {
        return periodNanos;
    }

    /** @return for INODE: the watched path; null for other types */
    public Path path() {
        return path;
    }

    /** @return for INODE: whether the whole tree is watched */
    public boolean recursive() {
        return recursive;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Ukevent[").append(type).append(' ').append(id)
                .append(" events=").append(type.eventNames(events))
                .append(" flags=").append(Kevent.requestFlagNames(flags));
        if (cookie != 0) {
            sb.append(" cookie=").append(cookie);
        }
        if (type == EventType.TIMER) {
            sb.append(timerAbsolute ? " at=" : " delay=").append(timerValue).append("ns");
        }
        // Shown on any type: a record the queue refuses must show what it was given.
        if (periodNanos != 0) {
            sb.append(" period=").append(periodNanos).append("ns");
        }
        if (type == EventType.INODE) {
            sb.append(" path=").append(path);
        }
        if (recursive) {
            sb.append(" recursive");
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ukevent u && type == u.type && id == u.id && events == u.events && flags == u.flags
                && cookie == u.cookie && Objects.equals(attachment, u.attachment) && timerValue == u.timerValue
                && timerAbsolute == u.timerAbsolute && periodNanos == u.periodNanos && Objects.equals(path, u.path)
                && recursive == u.recursive && owner == u.owner;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, id, events, flags, cookie, attachment, timerValue, timerAbsolute, periodNanos, path, recursive, owner);
    }

    private static long saturatedNanos(Duration d) {
        Objects.requireNonNull(d, "duration");
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
