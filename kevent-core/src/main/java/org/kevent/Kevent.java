package org.kevent;

/**
 * The kevent flag and event constants, named after the 2006 proposal's {@code KEVENT_*} macros.
 *
 * <p>Three families of bits cross the API:
 * <ul>
 *   <li><b>request flags</b> ({@code REQ_*}), set by the caller on a {@link Ukevent}: the trigger
 *       mode and the wake-up policy;</li>
 *   <li><b>return flags</b> ({@code RET_*}), set by the queue on every processed control record
 *       and every delivered event;</li>
 *   <li><b>event bits</b>, per {@link EventType}: what activity the interest wants to hear about.</li>
 * </ul>
 *
 * <p>Event bits come in one family per type, and no two families share a bit, so a mask of the
 * wrong family cannot pass for the right one: {@code Ukevent.socket(s, POLLIN)} is refused by
 * {@link KeventQueue#ctl} with {@code EINVAL} naming {@code POLLIN}, never read as a SOCKET bit
 * (docs/SEMANTICS.md §2, §4). POLL keeps the kernel's values, which go to {@code epoll} as they
 * are; the other families sit in bits the kernel's POLL values leave free:
 * <table>
 *   <caption>Event bit families</caption>
 *   <tr><th>type</th><th>constants</th><th>bits</th></tr>
 *   <tr><td>POLL</td><td>{@code POLL*}</td><td>0–4, 13 (the kernel's {@code POLLIN} ... {@code POLLRDHUP})</td></tr>
 *   <tr><td>SOCKET</td><td>{@code SOCKET_*}</td><td>5–11</td></tr>
 *   <tr><td>TIMER</td><td>{@link #TIMER_FIRED}</td><td>12</td></tr>
 *   <tr><td>USER</td><td>{@link #USER_TRIGGER}</td><td>14</td></tr>
 *   <tr><td>NAIO</td><td>{@code NAIO_*}</td><td>15–18</td></tr>
 *   <tr><td>INODE</td><td>{@code INODE_*}</td><td>19–29</td></tr>
 *   <tr><td>PROC</td><td>{@link #PROC_EXIT}</td><td>30</td></tr>
 * </table>
 * Use the constants, not their values: only POLL's are promised. {@link #eventNames} names any
 * mask, {@link EventType#reportedEvents()} gives a type's family.
 *
 * <table>
 *   <caption>Mapping to the seed's names</caption>
 *   <tr><th>seed</th><th>here</th></tr>
 *   <tr><td>{@code KEVENT_REQ_ET}</td><td>{@link #REQ_ET}</td></tr>
 *   <tr><td>{@code KEVENT_REQ_ONESHOT}</td><td>{@link #REQ_ONESHOT}</td></tr>
 *   <tr><td>{@code KEVENT_REQ_WAKEUP_ALL}</td><td>{@link #REQ_WAKEUP_ALL}</td></tr>
 *   <tr><td>(kqueue {@code EV_DISPATCH})</td><td>{@link #REQ_DISPATCH}</td></tr>
 *   <tr><td>{@code KEVENT_RET_DONE}</td><td>{@link #RET_DONE}</td></tr>
 *   <tr><td>{@code KEVENT_RET_BROKEN}</td><td>{@link #RET_BROKEN}</td></tr>
 *   <tr><td>{@code KEVENT_TIMER_FIRED}</td><td>{@link #TIMER_FIRED}</td></tr>
 *   <tr><td>{@code KEVENT_CTL_READY} on a user event</td><td>{@link #USER_TRIGGER}</td></tr>
 * </table>
 */
public final class Kevent {
    private Kevent() {
    }

    /** Level trigger: the default, no bit. Deliverable while the condition holds. */
    public static final int REQ_LEVEL = 0;
    /** Edge trigger: delivered once per new activity, then re-armed (epoll's {@code EPOLLET}). */
    public static final int REQ_ET = 1;
    /** Delivered once, then removed. */
    public static final int REQ_ONESHOT = 1 << 1;
    /** Delivered once, then disabled but kept; {@link CtlOp#MODIFY} or {@link KeventQueue#enable} re-arms it. */
    public static final int REQ_DISPATCH = 1 << 2;
    /** When several threads wait on the queue, readiness of this interest wakes all of them, not one. */
    public static final int REQ_WAKEUP_ALL = 1 << 3;
    /** Every request flag this version knows; any other bit is rejected per record with {@code EINVAL}. */
    public static final int REQ_MASK = REQ_ET | REQ_ONESHOT | REQ_DISPATCH | REQ_WAKEUP_ALL;

    /** Set on every processed control record and every delivered event. */
    public static final int RET_DONE = 1;
    /** The record failed (see its reason), or the source died: delivered once, then removed. */
    public static final int RET_BROKEN = 1 << 1;
    /**
     * A multishot receive delivered one of its arrivals and goes on: more events of the same
     * request follow, and the one without this flag is its last.
     */
    public static final int RET_MORE = 1 << 2;

    /** USER: {@link KeventQueue#trigger} was called; data holds how many triggers were coalesced. */
    public static final int USER_TRIGGER = 1 << 14;
    /** TIMER: the deadline passed; data holds expirations since the last delivery, data2 the fire time. */
    public static final int TIMER_FIRED = 1 << 12;

    /** INODE: an entry was created in the watched directory (the seed's {@code KEVENT_INODE_CREATE}); {@code IN_CREATE}. */
    public static final int INODE_CREATE = 1 << 19;
    /** INODE: an entry was removed from the watched directory (the seed's {@code KEVENT_INODE_REMOVE}); {@code IN_DELETE}. */
    public static final int INODE_REMOVE = 1 << 20;
    /** INODE: a file was written ({@code IN_MODIFY}); for a directory watch, a file in it. */
    public static final int INODE_MODIFY = 1 << 21;
    /** INODE: metadata changed: permissions, timestamps, owner, link count ({@code IN_ATTRIB}). */
    public static final int INODE_ATTRIB = 1 << 22;
    /** INODE: an entry was renamed away; data = the cookie that pairs it with {@link #INODE_MOVED_TO}. */
    public static final int INODE_MOVED_FROM = 1 << 23;
    /** INODE: an entry was renamed in; data = the cookie that pairs it with {@link #INODE_MOVED_FROM}. */
    public static final int INODE_MOVED_TO = 1 << 24;
    /** INODE: a file opened for writing was closed ({@code IN_CLOSE_WRITE}). */
    public static final int INODE_CLOSE_WRITE = 1 << 25;
    /**
     * INODE: the watched directory or file itself was deleted, moved off its file system or
     * unmounted. Always delivered, with {@link #RET_BROKEN}: the interest is then removed.
     */
    public static final int INODE_DELETE_SELF = 1 << 26;
    /**
     * INODE: events were lost (the kernel's queue or the interest's own queue was full). Always
     * delivered, asked for or not; a recursive interest follows it with a fresh listing of its tree
     * (CREATE events with data2 = 1).
     */
    public static final int INODE_OVERFLOW = 1 << 27;
    /** INODE: reported with an event whose entry is a directory; not accepted in a request mask. */
    public static final int INODE_ISDIR = 1 << 28;
    /**
     * INODE, recursive interest: a directory of the tree could not be watched (the kernel refused
     * it: {@code EACCES}, {@code ENAMETOOLONG}, the watch limit after the ADD, ...) and is left out
     * with everything below it; the rest of the tree is watched. Name = that directory, data = the
     * errno, with {@link #INODE_ISDIR} (unless its type could not be read either: a path too long
     * for a stat). Always delivered, once per listing of the tree that meets
     * it (the ADD, a directory created or moved in, the re-listing after an OVERFLOW); merges with
     * that name's pending event as any change does. Not accepted in a request mask.
     */
    public static final int INODE_UNWATCHED = 1 << 29;
    /** INODE: every event a request may ask for. */
    public static final int INODE_ALL = INODE_CREATE | INODE_REMOVE | INODE_MODIFY | INODE_ATTRIB | INODE_MOVED_FROM
            | INODE_MOVED_TO | INODE_CLOSE_WRITE | INODE_DELETE_SELF;

    /**
     * PROC: the process exited. Delivered once, with {@link #RET_BROKEN}, and the interest is then
     * removed; {@code data} is the exit status, or {@link #PROC_STATUS_UNKNOWN}.
     */
    public static final int PROC_EXIT = 1 << 30;
    /**
     * PROC: the {@code data} of an EXIT event whose exit status the JVM cannot know: the record
     * named a {@link ProcessHandle} or a pid rather than a {@link Process} of this JVM (only the
     * parent may read a status, and the JDK reaps its children itself: the queue takes no status
     * from it behind its back). Never a status: those are 0–255.
     */
    public static final int PROC_STATUS_UNKNOWN = -1;

    /** POLL: there is data to read (kernel {@code POLLIN}, asm-generic/poll.h). */
    public static final int POLLIN = 0x001;
    /** POLL: there is urgent data to read ({@code POLLPRI}). */
    public static final int POLLPRI = 0x002;
    /** POLL: writing will not block ({@code POLLOUT}). */
    public static final int POLLOUT = 0x004;
    /** POLL: an error condition ({@code POLLERR}); always reported. */
    public static final int POLLERR = 0x008;
    /** POLL: hang-up ({@code POLLHUP}); always reported. */
    public static final int POLLHUP = 0x010;
    /** POLL: the peer closed its writing half ({@code POLLRDHUP}). */
    public static final int POLLRDHUP = 0x2000;

    /** SOCKET: data can be read (or end of stream: recv returns -1). Level: until drained. */
    public static final int SOCKET_RECV = 1 << 5;
    /** SOCKET: a send will take bytes. Level: until a send is short or would block. */
    public static final int SOCKET_SEND = 1 << 6;
    /** SOCKET (listener): a connection is pending; {@code accept} will return it. */
    public static final int SOCKET_ACCEPT = 1 << 7;
    /** SOCKET: a nonblocking connect finished successfully; delivered once per interest. */
    public static final int SOCKET_CONNECT = 1 << 8;
    /** SOCKET: the peer closed its writing half (it sent FIN); sticky. */
    public static final int SOCKET_RDHUP = 1 << 9;
    /** SOCKET: both halves are closed (reset, or FIN both ways); always reported, sticky. */
    public static final int SOCKET_HUP = 1 << 10;
    /**
     * SOCKET: the socket has an error (a refused connect, a reset); always reported. The event's
     * {@code data2} carries the errno ({@code SO_ERROR}, e.g. 111 for {@code ECONNREFUSED}).
     */
    public static final int SOCKET_ERR = 1 << 11;

    /** NAIO: an {@code aioSend} completed; {@code data} is the bytes sent or the negative errno. */
    public static final int NAIO_SEND = 1 << 15;
    /** NAIO: an {@code aioRecv} completed; {@code data} is the bytes received (0: end of stream) or the negative errno. */
    public static final int NAIO_RECV = 1 << 16;
    /** NAIO: an {@code aioSendfile} completed; {@code data} is the bytes sent or the negative errno. */
    public static final int NAIO_SENDFILE = 1 << 17;
    /**
     * NAIO: an {@code aioRecvMultishot} request received data or ended. With {@link #RET_MORE}:
     * {@code data} is the bytes received, {@code data2} the id of the queue's buffer that holds
     * them (give it back with {@code aioReleaseBuffer}), the attachment a view of it. Without: the
     * request's one last event; {@code data} is 0 at end of stream or the negative errno, and
     * {@code data2} the bytes it received in all.
     */
    public static final int NAIO_RECV_MULTISHOT = 1 << 18;

    /**
     * Network AIO option: complete a request with its first partial transfer instead of going on
     * until the whole buffer (or length) is transferred, the seed's default. A receive then
     * completes as soon as some bytes arrived, as {@code recv(2)} returns.
     */
    public static final int AIO_PARTIAL = 1;
    /** Every network AIO option bit. */
    public static final int AIO_MASK = AIO_PARTIAL;

    /**
     * Names the request flags set in {@code flags}, for logs and the demo.
     *
     * @param flags request flags
     * @return e.g. {@code "ET|WAKEUP_ALL"}, {@code "LEVEL"} for none, unknown bits in hex
     */
    public static String requestFlagNames(int flags) {
        if (flags == 0) {
            return "LEVEL";
        }
        StringBuilder sb = new StringBuilder();
        append(sb, flags, REQ_ET, "ET");
        append(sb, flags, REQ_ONESHOT, "ONESHOT");
        append(sb, flags, REQ_DISPATCH, "DISPATCH");
        append(sb, flags, REQ_WAKEUP_ALL, "WAKEUP_ALL");
        appendUnknown(sb, flags & ~REQ_MASK);
        return sb.toString();
    }

    /**
     * Names the return flags set in {@code flags}.
     *
     * @param flags return flags
     * @return e.g. {@code "DONE|BROKEN"}, {@code "-"} for none
     */
    public static String returnFlagNames(int flags) {
        if (flags == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        append(sb, flags, RET_DONE, "DONE");
        append(sb, flags, RET_BROKEN, "BROKEN");
        append(sb, flags, RET_MORE, "MORE");
        appendUnknown(sb, flags & ~(RET_DONE | RET_BROKEN | RET_MORE));
        return sb.toString();
    }

    /**
     * Names the event bits set in {@code events} by their constant names, whatever their type:
     * every bit belongs to one type at most (docs/SEMANTICS.md §2), so a mask names itself.
     *
     * @param events event bits of any type
     * @return e.g. {@code "POLLIN|POLLOUT"}, {@code "SOCKET_RECV|0x40000000"}; {@code "-"} for none
     */
    public static String eventNames(int events) {
        if (events == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        appendEventNames(sb, events);
        return sb.toString();
    }

    /** Appends the constant names of {@code events}, unknown bits in hex. */
    static void appendEventNames(StringBuilder sb, int events) {
        int unknown = 0;
        for (int bits = events; bits != 0; bits &= bits - 1) {
            int bit = bits & -bits;
            EventType owner = null;
            for (EventType type : EventType.values()) {
                if ((type.reportedEvents() & bit) != 0) {
                    owner = type;
                }
            }
            if (owner == null) {
                unknown |= bit;
            } else {
                owner.appendConstantNames(sb, bit);
            }
        }
        appendUnknown(sb, unknown);
    }

    private static void append(StringBuilder sb, int flags, int bit, String name) {
        if ((flags & bit) != 0) {
            if (!sb.isEmpty()) {
                sb.append('|');
            }
            sb.append(name);
        }
    }

    private static void appendUnknown(StringBuilder sb, int unknown) {
        if (unknown != 0) {
            if (!sb.isEmpty()) {
                sb.append('|');
            }
            sb.append("0x").append(Integer.toHexString(unknown));
        }
    }
}
