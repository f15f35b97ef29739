package org.kevent;

/**
 * The kinds of event source a queue accepts. An interest is identified by its type and an id
 * that is unique per type in a queue.
 *
 * <p>This release has these sources:
 * <ul>
 *   <li>{@link #TIMER}: id chosen by the caller; single-expiry or periodic, relative or absolute
 *       deadline on the monotonic clock ({@link System#nanoTime()});</li>
 *   <li>{@link #USER}: id chosen by the caller; made ready by {@link KeventQueue#trigger} from any
 *       thread, triggers coalesced until delivery;</li>
 *   <li>{@link #POLL}: readiness of any file descriptor;</li>
 *   <li>{@link #INODE}: directory and file events (inotify), optionally recursive;</li>
 *   <li>{@link #SOCKET}: TCP sockets the library owns ({@code org.kevent.net});</li>
 *   <li>{@link #NAIO}: completions of network AIO requests ({@link KeventQueue#aioSend},
 *       {@link KeventQueue#aioRecv}, {@link KeventQueue#aioSendfile}).</li>
 *   <li>{@link #PROC}: the exit of a process (a {@code pidfd} on Linux).</li>
 * </ul>
 * Signals are left out on purpose: the JVM owns signal handling, and {@code signalfd} needs the
 * signal blocked in every thread, which a JVM cannot promise.
 */
public enum EventType {
    /** A timer: event {@link Kevent#TIMER_FIRED}; data = expirations, data2 = fire time (monotonic ns). */
    TIMER(Kevent.TIMER_FIRED, Kevent.TIMER_FIRED, "TIMER_", "FIRED"),
    /** A user event: event {@link Kevent#USER_TRIGGER}; data = triggers coalesced since the last delivery. */
    USER(Kevent.USER_TRIGGER, Kevent.USER_TRIGGER, "USER_", "TRIGGER"),
    /**
     * poll()/select() readiness of any file descriptor (pipe, eventfd, tty, another queue's
     * {@link KeventQueue#readinessFd()}, another library's fd): id = the fd; events are the kernel's
     * {@code POLL*} bits ({@link Kevent#POLLIN} ...); data = the bits seen. {@code POLLERR} and
     * {@code POLLHUP} are reported whether asked for or not, as {@code poll(2)} does. The caller
     * keeps owning the fd: close it only after removing the interest (a closed fd silently leaves
     * the kernel's set, and its number may be reused).
     */
    POLL(Kevent.POLLIN | Kevent.POLLPRI | Kevent.POLLOUT | Kevent.POLLERR | Kevent.POLLHUP | Kevent.POLLRDHUP,
            Kevent.POLLIN | Kevent.POLLPRI | Kevent.POLLOUT | Kevent.POLLERR | Kevent.POLLHUP | Kevent.POLLRDHUP,
            "POLL", "IN", "PRI", "OUT", "ERR", "HUP", "RDHUP"),
    /**
     * Inode notifications on a directory or a file, by path ({@link Ukevent#inode}); id chosen by
     * the caller. Events: {@link Kevent#INODE_CREATE}, {@link Kevent#INODE_REMOVE},
     * {@link Kevent#INODE_MODIFY}, {@link Kevent#INODE_ATTRIB}, {@link Kevent#INODE_MOVED_FROM},
     * {@link Kevent#INODE_MOVED_TO}, {@link Kevent#INODE_CLOSE_WRITE}, {@link Kevent#INODE_DELETE_SELF};
     * {@link Kevent#INODE_OVERFLOW} and {@link Kevent#INODE_UNWATCHED} (a directory a recursive
     * interest could not watch) are always delivered, {@link Kevent#INODE_ISDIR} is added for
     * directory entries. data = the rename cookie when the event has MOVED_FROM or MOVED_TO, the
     * errno when it has UNWATCHED (an event carries one of them), else 0; data2 = 1 when the event holds a CREATE found by a scan (a new subdirectory of a recursive
     * interest, a rescan after an overflow) rather than reported by the kernel, else 0; the entry
     * name, relative to the watched path, through {@link EventBuffer#nameLength}/{@link
     * EventBuffer#copyName} (no allocation) or {@link EventBuffer#name}/{@link EventBuffer#path}.
     *
     * <p><b>Merging</b> (docs/SEMANTICS.md §1). Changes to one name (the relative name, so
     * {@code "sub/file"} under a recursive interest; the watched inode itself counts as one name)
     * made before that name's pending event is handed out come as that one event, its bits OR'ed:
     * a write then a chmod is one MODIFY|ATTRIB event, a file created and removed between two waits
     * one CREATE|REMOVE event. The event keeps the queue position of the name's first change;
     * different names stay separate events, in the order of their first changes. The order of the
     * changes inside one event is not kept: a consumer that needs it must wait more often. These
     * never merge: into an event already handed out (a later change starts a new event); a file
     * and a directory under one name (ISDIR describes the whole event); two renames with different
     * cookies (an event carries one cookie); a MOVED_TO into an event queued before a pending
     * MOVED_FROM (a rename's MOVED_FROM always comes out before its MOVED_TO, and both carry the
     * cookie that pairs them); OVERFLOW, and DELETE_SELF with {@link Kevent#RET_BROKEN}. A change
     * that merges takes no room in the interest's queue; OVERFLOW is reported when the queue of
     * pending events is full, never silently. With {@link Kevent#REQ_ONESHOT} the one event
     * delivered holds every change of its name; events of other names go with the interest.
     */
    INODE(Kevent.INODE_ALL | Kevent.INODE_OVERFLOW,
            Kevent.INODE_ALL | Kevent.INODE_OVERFLOW | Kevent.INODE_ISDIR | Kevent.INODE_UNWATCHED,
            "INODE_", "CREATE", "REMOVE", "MODIFY", "ATTRIB", "MOVED_FROM", "MOVED_TO", "CLOSE_WRITE", "DELETE_SELF",
            "OVERFLOW", "ISDIR", "UNWATCHED"),
    /**
     * A socket the library owns ({@code org.kevent.net.TcpSocket} or {@code TcpListener}): id = its
     * fd; events {@link Kevent#SOCKET_RECV}, {@link Kevent#SOCKET_SEND}, {@link Kevent#SOCKET_ACCEPT},
     * {@link Kevent#SOCKET_CONNECT}, {@link Kevent#SOCKET_RDHUP}, {@link Kevent#SOCKET_HUP},
     * {@link Kevent#SOCKET_ERR}; data = the bits seen; data2 = the socket's errno on ERR, else 0.
     * {@code HUP} and {@code ERR} are reported whether asked for or not. Closing the socket through
     * the library delivers each of its interests once more with {@link Kevent#RET_BROKEN}, then
     * removes them. See {@code org.kevent.net} for the trigger modes on sockets.
     */
    SOCKET(Kevent.SOCKET_RECV | Kevent.SOCKET_SEND | Kevent.SOCKET_ACCEPT | Kevent.SOCKET_CONNECT
            | Kevent.SOCKET_RDHUP | Kevent.SOCKET_HUP | Kevent.SOCKET_ERR,
            Kevent.SOCKET_RECV | Kevent.SOCKET_SEND | Kevent.SOCKET_ACCEPT | Kevent.SOCKET_CONNECT
            | Kevent.SOCKET_RDHUP | Kevent.SOCKET_HUP | Kevent.SOCKET_ERR,
            "SOCKET_", "RECV", "SEND", "ACCEPT", "CONNECT", "RDHUP", "HUP", "ERR"),
    /**
     * Network AIO: one per request made by {@link KeventQueue#aioSend}, {@link KeventQueue#aioRecv}
     * or {@link KeventQueue#aioSendfile}; the id is the request id. Made by those calls, never by
     * {@code ctl}; delivered exactly once, then gone. A {@link KeventQueue#aioRecvMultishot}
     * request is delivered once per arrival ({@link Kevent#RET_MORE}) and then once more, last.
     */
    NAIO(Kevent.NAIO_SEND | Kevent.NAIO_RECV | Kevent.NAIO_SENDFILE | Kevent.NAIO_RECV_MULTISHOT,
            Kevent.NAIO_SEND | Kevent.NAIO_RECV | Kevent.NAIO_SENDFILE | Kevent.NAIO_RECV_MULTISHOT,
            "NAIO_", "SEND", "RECV", "SENDFILE", "RECV_MULTISHOT"),
    /**
     * The exit of a process ({@link Ukevent#process(Process)}, {@link Ukevent#process(ProcessHandle)},
     * {@link Ukevent#process(long)}): id = its pid; event {@link Kevent#PROC_EXIT}. Delivered once,
     * with {@link Kevent#RET_BROKEN} (the process is gone), then the interest is removed, whatever
     * its trigger mode. data = the exit status for a record made from a {@link Process} (as
     * {@link Process#exitValue()} reports it: 128 + the signal's number for a process killed by a
     * signal), else {@link Kevent#PROC_STATUS_UNKNOWN}; {@link EventBuffer#exitStatus} reads it.
     * A process that already exited when added is queued at once; see docs/SEMANTICS.md §2.
     */
    PROC(Kevent.PROC_EXIT, Kevent.PROC_EXIT, "PROC_", "EXIT");

    private static final EventType[] VALUES = values();

    private final int validEvents;
    private final int reportedEvents;
    /** What a constant of {@link Kevent} puts before the bit's name: {@code POLL}IN, {@code SOCKET_}RECV. */
    private final String constantPrefix;
    /** Names by bit number; null for a bit this type does not use. */
    private final String[] bitNames = new String[Integer.SIZE];

    /**
     * @param names one per bit of {@code reportedEvents}, lowest bit first
     */
    EventType(int validEvents, int reportedEvents, String constantPrefix, String... names) {
        this.validEvents = validEvents;
        this.reportedEvents = reportedEvents;
        this.constantPrefix = constantPrefix;
        int bits = reportedEvents;
        for (String name : names) {
            bitNames[Integer.numberOfTrailingZeros(bits)] = name;
            bits &= bits - 1;
        }
        if (bits != 0 || Integer.bitCount(reportedEvents) != names.length) {
            throw new AssertionError(name() + ": " + names.length + " names for the bits 0x"
                    + Integer.toHexString(reportedEvents));
        }
    }

    /**
     * Returns every event bit a record of this type may ask for; {@link KeventQueue#ctl} rejects
     * a record with any other bit ({@code EINVAL}, field events; docs/SEMANTICS.md §4).
     *
     * @return the mask of valid event bits
     */
    public int validEvents() {
        return validEvents;
    }

    /**
     * Returns every event bit a delivered event of this type may carry: {@link #validEvents()}
     * plus the bits the queue adds by itself ({@link Kevent#INODE_ISDIR},
     * {@link Kevent#INODE_UNWATCHED}). No other type uses any of them (docs/SEMANTICS.md §2).
     *
     * @return the mask of the bits of this type's family
     */
    public int reportedEvents() {
        return reportedEvents;
    }

    /**
     * Names the event bits set in {@code events}: this type's by their short names, bits of
     * another type by their {@link Kevent} constant names, unknown bits in hex.
     *
     * @param events an event mask
     * @return e.g. {@code "TRIGGER"}, {@code "RECV|POLLIN"} for a SOCKET mask holding a POLL bit,
     *         {@code "-"} for none
     */
    public String eventNames(int events) {
        StringBuilder sb = new StringBuilder();
        appendNames(sb, events, "");
        Kevent.appendEventNames(sb, events & ~reportedEvents);
        return sb.isEmpty() ? "-" : sb.toString();
    }

    /** Appends the names of this type's bits in {@code events}, each after {@code prefix}. */
    private void appendNames(StringBuilder sb, int events, String prefix) {
        for (int bits = events & reportedEvents; bits != 0; bits &= bits - 1) {
            if (!sb.isEmpty()) {
                sb.append('|');
            }
            sb.append(prefix).append(bitNames[Integer.numberOfTrailingZeros(bits)]);
        }
    }

    /** Appends the {@link Kevent} constant names of this type's bits in {@code events}. */
    void appendConstantNames(StringBuilder sb, int events) {
        appendNames(sb, events, constantPrefix);
    }

    static EventType ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
