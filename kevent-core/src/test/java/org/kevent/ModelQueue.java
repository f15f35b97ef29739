package org.kevent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.kevent.testing.FakeEpoll;
import org.kevent.testing.FakeInotify;

/**
 * A reference model of one queue (docs/SEMANTICS.md §1, §3–6) with USER, TIMER, POLL and INODE
 * interests, written from the specification and kept small enough to check by reading.
 * {@link ModelPropertiesTest} runs random operation sequences against it and against a real
 * {@link KeventQueue} on a manual clock, a fake epoll and a fake inotify ({@link FakeEpoll},
 * {@link FakeInotify}), and compares every result and every delivered event.
 *
 * <h2>What it says: every type</h2>
 * <ul>
 *   <li>Interests are keyed by (type, id); a batch record fails alone with {@code EINVAL} (bad
 *       flags, ONESHOT with DISPATCH, empty or foreign event bits, a negative relative delay or a
 *       negative period: checked first), {@code EEXIST}, {@code ENOENT} or {@code ENOSPC} (the
 *       cap), then the source's own errors (§4). A failed record changes nothing.</li>
 *   <li>The ready list is FIFO: an enabled interest joins its tail when it gets something to
 *       hand out and is not already on it; later activity merges into what it holds (§1).</li>
 *   <li>Delivery hands out the head of the ready list with {@code RET_DONE} and the current
 *       cookie, then applies the mode (§3): ONESHOT removes, DISPATCH disables until MODIFY or
 *       enable, level and ET keep it. Only ONESHOT and BROKEN remove.</li>
 *   <li>REMOVE (explicit) drops the interest from the ready list and marks its uncommitted ring
 *       slots removed (§4). A removal by the interest's own delivery (ONESHOT, BROKEN) is not a
 *       REMOVE: slots already in the ring stay delivered (§6: lost by nothing).</li>
 *   <li>REMOVE, TRIGGER and ENABLE match on (type, id) only: {@code ENOENT} if unknown; TRIGGER
 *       of a record that is not USER is {@code EINVAL}. Their single-record shorthands fail with
 *       the same errno; the batch {@code trigger} counts the registered ids instead.</li>
 *   <li>{@code wakeup()} makes the next blocking wait return at once, possibly with nothing; a
 *       wait that does not block (its {@code min} is already met, or zero) leaves it pending.</li>
 *   <li>Every wait ({@code getEvents}, ring {@code await}, also with a zero timeout or a zero
 *       {@code min}) begins with one look at the kernel (descriptors, below), then at the clock
 *       (timers); a wait that must block looks at both again each time it sleeps and wakes.</li>
 *   <li>Ring (§6): {@code await} looks like any wait, fills free slots from the ready list, blocks
 *       (as a wait for the missing count, at most the free slots) if fewer than {@code min} are
 *       readable, fills again, and returns the end sequence. Ring slots carry no INODE name.</li>
 * </ul>
 *
 * <h2>USER and TIMER</h2>
 * <ul>
 *   <li>USER: {@code trigger} adds one to the count, also while disabled (§4, DISPATCH).</li>
 *   <li>TIMER: a timer is seen to fire when the queue looks at the clock, and when a control
 *       record arms a timer that is already due. Then every due timer fires, oldest deadline first
 *       (ties in arming order); data counts the expirations since the last delivery (a periodic
 *       timer keeps its phase and counts the ones it missed), data2 is the clock reading at which
 *       it fired. A wait that must block "sleeps" until the next timer deadline or its own
 *       deadline: the manual clock moves exactly there.</li>
 *   <li>For USER and TIMER the level condition is "undelivered activity", which delivery
 *       consumes, so level and ET behave alike. A fired single-expiry timer stays registered,
 *       disarmed, until MODIFY re-arms it or REMOVE removes it.</li>
 *   <li>MODIFY replaces flags and cookie and re-enables; a USER interest with undelivered triggers
 *       is queued again at once; a TIMER is re-armed from now and loses its old expirations.</li>
 * </ul>
 *
 * <h2>POLL: descriptors and the kernel's list</h2>
 * Descriptors 0 to {@link #FDS}{@code - 1} exist (a POLL ADD of another is {@code EBADF}); each
 * has readiness bits the test sets (an arrival: new activity) and clears (drained).
 * <ul>
 *   <li>The kernel reports descriptors in the order they became reportable: a POLL interest
 *       joins the kernel's list tail when activity with a bit it asks for arrives while it is
 *       <em>armed</em>, or when it is (re-)armed while ready; one already on it keeps its place.
 *       "Asks for" and "ready" count POLLERR and POLLHUP always (§2).</li>
 *   <li>A look takes the kernel's list in order; each interest whose descriptor is ready now for
 *       its bits is reported, one no longer ready is not (and leaves the list). A report merges
 *       the bits into the interest's pending event (bits OR'ed; data = the same bits), which joins
 *       the queue's ready list if it was not on it and the interest is enabled (a disabled one
 *       holds it), and keeps its place if it was.</li>
 *   <li>Armed: ADD, MODIFY and enable arm an interest (so they report it again if it is ready).
 *       An ET interest stays armed: it is reported once per new activity. Any other (level,
 *       ONESHOT, DISPATCH) is disarmed by its report: reported once until re-armed; a level
 *       interest is re-armed by its delivery, so if it is still ready it joins the kernel's list
 *       tail then and comes back at the next look, behind those already reported: level
 *       interests that stay ready rotate in FIFO order under any {@code max} (§3), and one drained
 *       meanwhile is not reported.</li>
 *   <li>MODIFY keeps of the pending event only the bits the new mask asks for (ERR and HUP
 *       always); an interest left with none leaves the ready list (re-evaluated at once, §4); one
 *       with some is queued if it was not (a held event of a disabled interest, like enable).</li>
 * </ul>
 *
 * <h2>INODE: inotify records and merging</h2>
 * Non-recursive interests on the directories the test names; record names are {@code "a"},
 * {@code "b"} or none (the directory itself).
 * <ul>
 *   <li>A directory is watched by at most one interest of the queue: an ADD on one watched by
 *       another is {@code EEXIST}. MODIFY cannot change the path: {@code EINVAL}.</li>
 *   <li>The kernel queues a record for a change only if the directory's watch asks for its bit; a
 *       watch asks for every bit the queue ever asked for on it (masks only grow; a narrower
 *       MODIFY is applied by the queue). The queue's inotify instance is one descriptor on the
 *       kernel's list: it joins the tail when a record is queued while it is not on it. Removing
 *       an interest removes its watch, which queues one more record (inotify's
 *       {@code IN_IGNORED}), read and dropped; records of a removed interest are dropped.</li>
 *   <li>A look reads every queued record, in order. A record the interest's mask does not ask for
 *       is dropped. Otherwise it joins the newest undelivered event of its name: bits OR'ed,
 *       ISDIR included, the event keeping its place (§1). It starts a new event instead when that
 *       event is about a directory and the record not (or the other way round), when both carry a
 *       rename cookie and they differ, or when the record is a MOVED_TO and an undelivered
 *       MOVED_FROM comes after that event. data is the rename cookie of the event's MOVED_* (the
 *       last one joined), else 0; data2 is 0 (no scans without recursion).</li>
 *   <li>An interest holds at most {@code recordCap} undelivered events; a record that needs one
 *       more queues OVERFLOW instead (counted in the queue's overflow counter), and the kernel's
 *       own overflow queues OVERFLOW on every INODE interest and counts once. OVERFLOW never
 *       merges; while an undelivered OVERFLOW is pending, records for the interest are dropped.</li>
 *   <li>DELETE_SELF of the watched directory queues DELETE_SELF with BROKEN behind the events
 *       already pending, whatever the mask; it never merges, records after it are dropped, and
 *       its delivery removes the interest whatever the mode.</li>
 *   <li>The interest is on the ready list at most once: delivery hands out its oldest event; a
 *       level or ET interest with more joins the ready list's tail at once (it may come out again
 *       in the same call, behind the others); ONESHOT hands out one event (everything merged
 *       into it) and the rest goes with the interest; DISPATCH one per enable. A delivered event
 *       is gone at once, in every mode: it takes no more records (a later change starts a new
 *       one) and no room in the bound, and a delivered OVERFLOW lets records in again. A
 *       disabled DISPATCH interest keeps reading: its records merge, queue and overflow as above
 *       and wait for enable or MODIFY.</li>
 *   <li>MODIFY drops from every undelivered event the bits the new mask does not ask for
 *       (OVERFLOW and ISDIR stay; a BROKEN event stays whole), drops events left empty, and
 *       leaves the ready list if none is left (§4).</li>
 *   <li>MODIFY asks the kernel for the new bits on the interest's own watch only: after the
 *       directory was deleted (the queue having read it or not) it watches nothing new, and no
 *       watch is left that no interest owns (the harness compares the kernel's watch count).</li>
 * </ul>
 *
 * <h2>Choices where the rules leave one open</h2>
 * <ul>
 *   <li>The kernel's overflow queues OVERFLOW on the INODE interests newest first (their order on
 *       the ready list when none was on it).</li>
 *   <li>The queue's inotify descriptor is watched level: a report re-arms it while it is still
 *       ready (the queue reads the records after the report), so it stays on the kernel's list,
 *       ahead of descriptors that become ready later, until a look finds no record. A record
 *       queued later is then reported before those descriptors.</li>
 *   <li>An ADD that fails with {@code EEXIST} on a watched directory has asked the kernel for its
 *       bits first: the watch's mask grows by them.</li>
 *   <li>MODIFY asks the kernel only for bits the watch does not report yet, by path: after an
 *       unread deletion that reaches the new directory there, whose watch, if the asking made
 *       it, is removed at once (one more {@code IN_IGNORED}, read and dropped).</li>
 *   <li>The test's side: a deleted directory is replaced at once by a new one under the same
 *       path (a new inode, not watched); the kernel's own inotify queue has no bound (its
 *       overflow is an action of its own); {@code recordCap} is small (3) so that the bound is
 *       reached.</li>
 * </ul>
 *
 * <p>Not modelled: WAKEUP_ALL (single-threaded, it changes nothing observable), attachments,
 * recursive INODE interests, sockets and network AIO.
 */
final class ModelQueue {
    /** Descriptors 0 .. FDS - 1 exist. */
    static final int FDS = 2;
    private static final int ALWAYS = Kevent.POLLERR | Kevent.POLLHUP;
    private static final int MOVED = Kevent.INODE_MOVED_FROM | Kevent.INODE_MOVED_TO;

    /** One delivered event, as a getEvents buffer or a ring slot shows it; name: INODE only. */
    record Ev(EventType type, long id, int events, int flags, long data, long data2, long cookie, String name) {
        Ev withoutName() {
            return new Ev(type, id, events, flags, data, data2, cookie, null);
        }

        @Override
        public String toString() {
            return type + "/" + id + " ev=" + type.eventNames(events) + " fl=" + flags + " data=" + data
                    + " data2=" + data2 + " cookie=" + cookie + (name == null ? "" : " name=" + name);
        }
    }

    /** One readable ring slot: the event and whether its interest was removed since. */
    record Slot(Ev event, boolean removed) {
        @Override
        public String toString() {
            return (removed ? "REMOVED " : "") + event;
        }
    }

    private record Key(EventType type, long id) {
    }

    /** One undelivered INODE event. */
    private static final class Change {
        int bits;
        long data;
        final String name;
        /** OVERFLOW or a BROKEN DELETE_SELF: never merges. */
        final boolean special;
        final boolean broken;

        Change(int bits, long data, String name, boolean special, boolean broken) {
            this.bits = bits;
            this.data = data;
            this.name = name;
            this.special = special;
            this.broken = broken;
        }
    }

    private static final class Interest {
        final EventType type;
        final long id;
        int flags;
        long cookie;
        boolean enabled = true;
        boolean onReady;
        // USER and TIMER
        long count;
        long data2;
        /** Deliveries so far (coverage only). */
        int delivered;
        // TIMER: armed = will fire; POLL: armed = the kernel will report it
        boolean armed;
        long deadline;
        long period;
        long armOrder;
        // POLL and INODE
        int mask;
        // POLL: the pending event's bits
        int bits;
        // INODE
        Path root;
        /** Its kernel watch: live while it is the watch of the root's inode (until DELETE_SELF or removal). */
        Watch watch;
        boolean broken;
        boolean overflowPending;
        final List<Change> changes = new ArrayList<>();

        Interest(EventType type, long id) {
            this.type = type;
            this.id = id;
        }

        Key key() {
            return new Key(type, id);
        }
    }

    private static final class RingSlot {
        final Ev event;
        final Interest owner;
        boolean removed;

        RingSlot(Ev event, Interest owner) {
            this.event = event;
            this.owner = owner;
        }
    }

    /** A kernel inotify watch: the bits it asks for, and the interest it reports to (null: none). */
    private static final class Watch {
        int asked;
        Interest owner;
    }

    private enum RecordKind { CHANGE, DELETE_SELF, IGNORED, OVERFLOW }

    /** A record the kernel queued on the inotify instance, for the interest whose watch it names. */
    private record KernelRecord(RecordKind kind, Interest to, int bits, boolean dir, long cookie, String name) {
    }

    /** The queue's inotify instance as a member of the kernel's list. */
    private static final Object INOTIFY = new Object() {
        @Override
        public String toString() {
            return "inotify";
        }
    };

    private final Map<Key, Interest> table = new LinkedHashMap<>();
    private final List<Interest> ready = new ArrayList<>();
    private final int cap;
    private final int ringCapacity;
    private final int recordCap;
    private final List<RingSlot> ring = new ArrayList<>();
    private long committed;
    private long now;
    private long armCounter;
    private boolean wakeupPending;
    private long overflows;
    // The kernel side.
    private final int[] fdReady = new int[FDS];
    /** The kernel's list of reportable descriptors: POLL interests and {@link #INOTIFY}. */
    private final LinkedHashSet<Object> kernel = new LinkedHashSet<>();
    private final List<KernelRecord> inotifyRecords = new ArrayList<>();
    /** The kernel's inotify watches, by the directory whose current inode they watch. */
    private final Map<Path, Watch> watches = new HashMap<>();
    /** Rules this run exercised, for the coverage line of {@link ModelPropertiesTest}. */
    private final Set<String> seen = new TreeSet<>();

    ModelQueue(long now, int cap, int ringCapacity, int recordCap) {
        this.now = now;
        this.cap = cap;
        this.ringCapacity = ringCapacity;
        this.recordCap = recordCap;
    }

    long now() {
        return now;
    }

    int registered() {
        return table.size();
    }

    int readyCount() {
        return ready.size();
    }

    long overflows() {
        return overflows;
    }

    /**
     * @return the directory of the registered INODE interest {@code id}, or null: lets a test
     *         MODIFY it at its own path (a MODIFY that names another path is refused)
     */
    Path inodeRoot(long id) {
        Interest i = table.get(new Key(EventType.INODE, id));
        return i == null ? null : i.root;
    }

    /** @return the kernel's inotify watches: one per live INODE interest */
    int watchCount() {
        return watches.size();
    }

    /** @return the rules this run exercised (names as in {@link ModelPropertiesTest}'s coverage line) */
    Set<String> seen() {
        return seen;
    }

    // ---------------------------------------------------------------------------------- control

    /** @return null on success, else the errno name the record must fail with */
    String ctl(CtlOp op, Ukevent r) {
        Key key = new Key(r.type(), r.id());
        Interest i = table.get(key);
        switch (op) {
            case REMOVE:
                return remove(r.type(), r.id());
            case TRIGGER:
                return r.type() == EventType.USER ? trigger(r.id()) : "EINVAL";
            case ENABLE:
                return enable(r.type(), r.id());
            default:
                break;
        }
        if (!valid(r)) {
            return "EINVAL";
        }
        if (op == CtlOp.ADD) {
            if (i != null) {
                return "EEXIST";
            }
            if (table.size() >= cap) {
                seen.add("ENOSPC");
                return "ENOSPC";
            }
            String error = sourceError(r);
            if (error != null) {
                return error;
            }
            i = new Interest(r.type(), r.id());
            table.put(key, i);
            if (i.type == EventType.INODE) {
                i.root = r.path();
                i.watch = watches.computeIfAbsent(i.root, p -> new Watch());
                i.watch.owner = i;
            }
        } else if (i == null) {
            return "ENOENT";
        } else if (i.type == EventType.INODE && !r.path().equals(i.root)) {
            // A failed record leaves its interest as it was.
            return "EINVAL";
        }
        i.flags = r.flags();
        i.cookie = r.cookie();
        i.enabled = true;
        switch (i.type) {
            case TIMER -> {
                if (op == CtlOp.MODIFY && !i.armed && i.period == 0) {
                    seen.add("fired single-expiry timer modified");
                }
                // Arming anew: expirations of an old setting are dropped, also from the ready list.
                i.count = 0;
                unready(i);
                long deadline = r.timerAbsolute() ? r.timerValue() : now + r.timerValue();
                i.armed = true;
                i.deadline = deadline;
                i.period = r.periodNanos();
                i.armOrder = armCounter++;
                if (deadline <= now) {
                    fireDueTimers();
                }
            }
            case POLL -> {
                i.mask = r.events();
                i.bits &= i.mask | ALWAYS;
                // Left with no bits it leaves the ready list; an event held while disabled is queued.
                requeue(i);
                rearm(i);
            }
            case INODE -> {
                i.mask = r.events();
                askKernel(i);
                narrow(i);
                requeue(i);
            }
            default -> queue(i);
        }
        return null;
    }

    private static boolean valid(Ukevent r) {
        int f = r.flags();
        return (f & ~Kevent.REQ_MASK) == 0
                && (f & (Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH)) != (Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH)
                && r.events() != 0 && (r.events() & ~r.type().validEvents()) == 0
                && (r.type() != EventType.TIMER || r.timerAbsolute() || r.timerValue() >= 0)
                && (r.type() == EventType.TIMER ? r.periodNanos() >= 0 : r.periodNanos() == 0);
    }

    /** The source's own refusal of an ADD that passed the queue's checks, or null. */
    private String sourceError(Ukevent r) {
        if (r.type() == EventType.POLL) {
            return r.id() < FDS ? null : "EBADF";
        }
        if (r.type() == EventType.INODE) {
            Watch w = watches.get(r.path());
            if (w != null) {
                // The queue asks the kernel for the path first: the watch's mask grows either way.
                w.asked |= r.events() & Kevent.INODE_ALL;
                if (w.owner != null) {
                    return "EEXIST";
                }
            }
        }
        return null;
    }

    /**
     * Explicit removal (ctl REMOVE or {@code remove}): its uncommitted ring slots read as removed.
     *
     * @return null, or the errno of the failure
     */
    String remove(EventType type, long id) {
        Interest i = table.get(new Key(type, id));
        if (i == null) {
            return "ENOENT";
        }
        if (i.type == EventType.TIMER && !i.armed) {
            seen.add("fired single-expiry timer removed");
        }
        drop(i);
        for (RingSlot s : ring) {
            if (s.owner == i) {
                s.removed = true;
            }
        }
        return null;
    }

    /** Removal, explicit or by the interest's own delivery: off the ready list and the kernel's. */
    private void drop(Interest i) {
        table.remove(i.key());
        unready(i);
        kernel.remove(i);
        if (i.type == EventType.INODE && live(i)) {
            watches.remove(i.root);
            kernelRecord(new KernelRecord(RecordKind.IGNORED, null, 0, false, 0, null));
        }
    }

    /** @return null, or the errno of the failure */
    String trigger(long id) {
        Interest i = table.get(new Key(EventType.USER, id));
        if (i == null) {
            return "ENOENT";
        }
        i.count++;
        queue(i);
        return null;
    }

    /** @return null, or the errno of the failure */
    String enable(EventType type, long id) {
        Interest i = table.get(new Key(type, id));
        if (i == null) {
            return "ENOENT";
        }
        i.enabled = true;
        if (i.type == EventType.POLL) {
            rearm(i);
        }
        queue(i);
        return null;
    }

    void wakeup() {
        wakeupPending = true;
    }

    /** Time passes with nobody waiting: nothing happens until a wait looks at the clock. */
    void advance(long nanos) {
        now += nanos;
    }

    // ---------------------------------------------------------------------------------- the kernel side

    /** Activity on descriptor {@code fd}: its readiness gains {@code bits}. */
    void fdArrive(int fd, int bits) {
        fdReady[fd] |= bits;
        Interest i = table.get(new Key(EventType.POLL, fd));
        if (i != null && i.armed && (bits & (i.mask | ALWAYS)) != 0) {
            kernel.add(i);
        }
    }

    /** Descriptor {@code fd} is no longer ready for {@code bits} (drained). */
    void fdClear(int fd, int bits) {
        fdReady[fd] &= ~bits;
    }

    /** A change in directory {@code dir}: {@code name} null for the directory itself. */
    void inotify(Path dir, String name, int bit, boolean isDir, long cookie) {
        Watch w = watches.get(dir);
        if (w != null && (bit & w.asked) != 0) {
            kernelRecord(new KernelRecord(RecordKind.CHANGE, w.owner, bit, isDir, cookie, name));
        }
    }

    /** Directory {@code dir} is deleted (and another made under its path). */
    void inotifyDeleteSelf(Path dir) {
        Watch w = watches.remove(dir);
        if (w != null) {
            kernelRecord(new KernelRecord(RecordKind.DELETE_SELF, w.owner, 0, false, 0, null));
            kernelRecord(new KernelRecord(RecordKind.IGNORED, null, 0, false, 0, null));
        }
    }

    /** The kernel's inotify queue overflowed (it can only while something is watched). */
    void inotifyOverflow() {
        if (!watches.isEmpty()) {
            kernelRecord(new KernelRecord(RecordKind.OVERFLOW, null, 0, false, 0, null));
        }
    }

    /** @return whether the interest's watch is still the kernel's watch of its directory */
    private boolean live(Interest i) {
        return watches.get(i.root) == i.watch;
    }

    private void kernelRecord(KernelRecord r) {
        inotifyRecords.add(r);
        kernel.add(INOTIFY);
    }

    /** (Re-)arms a POLL interest: ready now, it joins the kernel's list (if not on it). */
    private void rearm(Interest i) {
        i.armed = true;
        if ((fdReady[(int) i.id] & (i.mask | ALWAYS)) != 0) {
            kernel.add(i);
        }
    }

    /** One look at the kernel: every reportable descriptor, in the kernel's order. */
    private void look() {
        List<Object> reportable = new ArrayList<>(kernel);
        kernel.clear();
        for (Object m : reportable) {
            if (m == INOTIFY) {
                if (inotifyRecords.isEmpty()) {
                    continue;
                }
                kernel.add(INOTIFY);
                List<KernelRecord> records = new ArrayList<>(inotifyRecords);
                inotifyRecords.clear();
                records.forEach(this::read);
            } else {
                Interest i = (Interest) m;
                int revents = fdReady[(int) i.id] & (i.mask | ALWAYS);
                if (revents == 0) {
                    seen.add("drained descriptor not reported");
                    continue;
                }
                if (i.bits != 0) {
                    seen.add("POLL report merged");
                }
                if ((i.flags & Kevent.REQ_ET) == 0) {
                    i.armed = false;
                }
                i.bits |= revents;
                queue(i);
            }
        }
    }

    private void read(KernelRecord r) {
        if (r.kind() == RecordKind.IGNORED) {
            return;
        }
        if (r.kind() == RecordKind.OVERFLOW) {
            overflows++;
            List<Interest> inodes = new ArrayList<>(table.values().stream()
                    .filter(i -> i.type == EventType.INODE).toList());
            for (Interest s : inodes.reversed()) {
                overflow(s);
            }
            return;
        }
        Interest s = r.to();
        if (s == null || table.get(s.key()) != s) {
            return;
        }
        if (r.kind() == RecordKind.DELETE_SELF) {
            if (!s.broken) {
                s.broken = true;
                s.changes.add(new Change(Kevent.INODE_DELETE_SELF, 0, null, true, true));
                queue(s);
            }
            return;
        }
        if (s.broken || s.overflowPending) {
            return;
        }
        int wanted = r.bits() & s.mask;
        if (wanted == 0) {
            return;
        }
        if (!s.enabled) {
            seen.add("record held while disabled");
        }
        int ev = wanted | (r.dir() ? Kevent.INODE_ISDIR : 0);
        long word = (wanted & MOVED) != 0 ? r.cookie() : 0;
        Change joined = newestOfName(s, r.name());
        if (joined != null) {
            seen.add(canJoin(s, joined, ev, word) ? "inotify record merged" : "inotify record kept apart");
        }
        if (joined != null && canJoin(s, joined, ev, word)) {
            joined.bits |= ev;
            if ((ev & MOVED) != 0) {
                joined.data = word;
            }
            queue(s);
            return;
        }
        if (s.changes.size() >= recordCap) {
            overflow(s);
            overflows++;
            return;
        }
        s.changes.add(new Change(ev, word, r.name(), false, false));
        queue(s);
    }

    private static Change newestOfName(Interest s, String name) {
        for (Change c : s.changes.reversed()) {
            if (!c.special && Objects.equals(c.name, name)) {
                return c;
            }
        }
        return null;
    }

    private static boolean canJoin(Interest s, Change c, int ev, long word) {
        if (((c.bits ^ ev) & Kevent.INODE_ISDIR) != 0) {
            return false;
        }
        if ((c.bits & MOVED) != 0 && (ev & MOVED) != 0 && c.data != word) {
            return false;
        }
        if ((ev & Kevent.INODE_MOVED_TO) != 0) {
            List<Change> after = s.changes.subList(s.changes.indexOf(c) + 1, s.changes.size());
            return after.stream().noneMatch(a -> (a.bits & Kevent.INODE_MOVED_FROM) != 0);
        }
        return true;
    }

    private void overflow(Interest s) {
        if (s.broken || s.overflowPending) {
            return;
        }
        s.overflowPending = true;
        s.changes.add(new Change(Kevent.INODE_OVERFLOW, 0, null, true, false));
        queue(s);
    }

    /**
     * MODIFY of an INODE interest asks the kernel, by path, for the bits its watch does not report
     * yet. Once the directory is deleted (read or not) its watch is gone and the path names a new
     * directory: the MODIFY watches nothing there for the interest (a watch the asking made is
     * removed at once, queueing its {@code IN_IGNORED}; one another interest owns just grows).
     */
    private void askKernel(Interest s) {
        int asked = s.mask & Kevent.INODE_ALL;
        if (!live(s) && !s.broken) {
            seen.add("deleted directory modified");
        }
        if (live(s)) {
            s.watch.asked |= asked;
        } else if (!s.broken && (asked & ~Kevent.INODE_DELETE_SELF & ~s.watch.asked) != 0) {
            seen.add("deleted directory's watch widened");
            Watch there = watches.get(s.root);
            if (there != null) {
                there.asked |= asked;
            } else {
                kernelRecord(new KernelRecord(RecordKind.IGNORED, null, 0, false, 0, null));
            }
        }
    }

    /** MODIFY of an INODE interest: its undelivered events keep only the bits it still asks for. */
    private static void narrow(Interest s) {
        for (Iterator<Change> it = s.changes.iterator(); it.hasNext(); ) {
            Change c = it.next();
            if (c.broken) {
                continue;
            }
            c.bits &= s.mask | Kevent.INODE_OVERFLOW | Kevent.INODE_ISDIR;
            if ((c.bits & ~Kevent.INODE_ISDIR) == 0) {
                it.remove();
            } else if ((c.bits & MOVED) == 0) {
                c.data = 0;
            }
        }
    }

    // ---------------------------------------------------------------------------------- waiting

    List<Ev> getEvents(int min, int max, long timeoutNanos) {
        awaitReady(min, timeoutNanos);
        List<Ev> out = new ArrayList<>();
        while (out.size() < max && !ready.isEmpty()) {
            Interest i = ready.getFirst();
            out.add(deliver(i));
        }
        return out;
    }

    /** Waits until {@code need} are ready, the timeout, or a pending wake-up; time moves while it sleeps. */
    private void awaitReady(int need, long timeoutNanos) {
        long deadline = now + Math.max(1, timeoutNanos);
        for (;;) {
            look();
            fireDueTimers();
            if (need == 0 || ready.size() >= need || timeoutNanos == 0) {
                return;
            }
            if (wakeupPending) {
                wakeupPending = false;
                return;
            }
            if (now >= deadline) {
                return;
            }
            now = Math.min(deadline, nextTimerDeadline());
        }
    }

    private Ev deliver(Interest i) {
        unready(i);
        Ev ev;
        boolean broken = false;
        switch (i.type) {
            case POLL -> {
                ev = new Ev(i.type, i.id, i.bits, Kevent.RET_DONE, i.bits, 0, i.cookie, null);
                i.bits = 0;
            }
            case INODE -> {
                // Delivered, the event is gone: it takes no room and no record (DISPATCH too).
                Change c = i.changes.removeFirst();
                if (c.special && !c.broken) {
                    i.overflowPending = false;
                }
                broken = c.broken;
                ev = new Ev(i.type, i.id, c.bits, Kevent.RET_DONE | (c.broken ? Kevent.RET_BROKEN : 0), c.data, 0,
                        i.cookie, c.name);
            }
            default -> {
                boolean timer = i.type == EventType.TIMER;
                ev = new Ev(i.type, i.id, timer ? Kevent.TIMER_FIRED : Kevent.USER_TRIGGER, Kevent.RET_DONE, i.count,
                        timer ? i.data2 : 0, i.cookie, null);
                i.count = 0;
            }
        }
        seen.add(i.type + " delivered");
        if (i.type == EventType.POLL && (i.flags & (Kevent.REQ_ET | Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH)) == 0
                && i.delivered++ > 0) {
            seen.add("level POLL delivered again");
        }
        if (ev.flags() != Kevent.RET_DONE) {
            seen.add("BROKEN delivered");
        }
        if (ev.events() == Kevent.INODE_OVERFLOW && i.type == EventType.INODE) {
            seen.add("OVERFLOW delivered");
        }
        if ((i.flags & Kevent.REQ_ONESHOT) != 0 || broken) {
            drop(i);
        } else if ((i.flags & Kevent.REQ_DISPATCH) != 0) {
            i.enabled = false;
        } else if (i.type == EventType.POLL && (i.flags & Kevent.REQ_ET) == 0) {
            rearm(i);
        } else if (i.type == EventType.INODE) {
            queue(i);
        }
        return ev;
    }

    // ---------------------------------------------------------------------------------- ring

    long ringAwait(int min, long timeoutNanos) {
        look();
        fireDueTimers();
        fillRing();
        int readable = ring.size();
        if (readable < min) {
            awaitReady(Math.min(min - readable, ringCapacity - readable), timeoutNanos);
            fillRing();
        }
        return ringEnd();
    }

    private void fillRing() {
        while (ring.size() < ringCapacity && !ready.isEmpty()) {
            Interest i = ready.getFirst();
            ring.add(new RingSlot(deliver(i).withoutName(), i));
        }
    }

    void ringCommit(long upTo) {
        if (upTo < committed || upTo > ringEnd()) {
            throw new IllegalArgumentException("commit " + upTo + " outside [" + committed + ", " + ringEnd() + "]");
        }
        ring.subList(0, (int) (upTo - committed)).clear();
        committed = upTo;
    }

    long ringCommitted() {
        return committed;
    }

    long ringEnd() {
        return committed + ring.size();
    }

    List<Slot> readableSlots() {
        return ring.stream().map(s -> new Slot(s.event, s.removed)).toList();
    }

    // ---------------------------------------------------------------------------------- internals

    private static boolean hasEvent(Interest i) {
        return switch (i.type) {
            case POLL -> i.bits != 0;
            case INODE -> !i.changes.isEmpty();
            default -> i.count > 0;
        };
    }

    private void queue(Interest i) {
        if (i.enabled && hasEvent(i) && !i.onReady) {
            i.onReady = true;
            ready.add(i);
        }
    }

    /** After MODIFY: on the ready list exactly while it has something to hand out. */
    private void requeue(Interest i) {
        if (hasEvent(i)) {
            queue(i);
        } else {
            unready(i);
        }
    }

    private void unready(Interest i) {
        if (i.onReady) {
            i.onReady = false;
            ready.remove(i);
        }
    }

    private long nextTimerDeadline() {
        long next = Long.MAX_VALUE;
        for (Interest i : table.values()) {
            if (i.type == EventType.TIMER && i.armed) {
                next = Math.min(next, i.deadline);
            }
        }
        return next;
    }

    private void fireDueTimers() {
        List<Interest> due = table.values().stream()
                .filter(i -> i.type == EventType.TIMER && i.armed && i.deadline <= now)
                .sorted(Comparator.comparingLong((Interest i) -> i.deadline).thenComparingLong(i -> i.armOrder))
                .toList();
        for (Interest i : due) {
            long expirations = 1;
            if (i.period > 0) {
                expirations = (now - i.deadline) / i.period + 1;
                i.deadline += expirations * i.period;
                i.armOrder = armCounter++;
            } else {
                i.armed = false;
            }
            i.count += expirations;
            i.data2 = now;
            queue(i);
        }
    }
}
