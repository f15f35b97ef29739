package org.kevent.internal.source.inode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;

import org.kevent.Kevent;
import org.kevent.Ukevent;
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Inotify;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.EventSlots;
import org.kevent.internal.queue.FdWatchers;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.Ring;
import org.kevent.internal.queue.SourceKind;

/**
 * INODE interests (docs/SEMANTICS.md §2) on inotify: one instance per queue, opened on the first INODE
 * interest and registered once in the queue's epoll set; its records are read into native memory
 * and parsed in place when the queue harvests kernel readiness.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>One delivery is one event per name: kernel records of one interest and one name (relative
 *       to the root) that arrive before that name's pending event is delivered merge into it, bits
 *       OR'ed, at the FIFO position of the first (docs/SEMANTICS.md §1); different names stay
 *       separate events. A file and a directory under one name, two rename cookies, and a
 *       MOVED_TO that would overtake a pending MOVED_FROM stay separate too ({@link InodeRecords}
 *       has the exact rule). An interest is on the ready list at most once, so each keeps a FIFO
 *       of its pending events and offers the next when the previous one was delivered: in every
 *       mode (level and ET alike) each event is delivered once; ONESHOT delivers one event (the
 *       first name's, with everything merged into it), DISPATCH one per enable. A delivered event
 *       leaves the interest's FIFO at once: it takes nothing more (a later change starts a new
 *       one) and no room. A disabled DISPATCH interest keeps reading: its records merge and queue
 *       (or overflow) as above and are handed out from enable or MODIFY on.</li>
 *   <li>Recursive: every directory of the tree has its own watch; a directory created or moved in
 *       is watched at once and then listed, its entries reported as CREATE with data2 = 1, so
 *       nothing created in it before the watch existed is missed (an entry created between the
 *       watch and the listing is reported twice, or once with data2 = 1 when the kernel's record
 *       merges into the listing's). A directory moved out stops being watched.</li>
 *   <li>Overflow: {@code IN_Q_OVERFLOW} queues one OVERFLOW for every interest and counts once in
 *       the queue's overflow counter; so does an interest reaching
 *       {@code fs.inotify.max_queued_events} pending events (a record that merges takes no room,
 *       so the cap counts events, not changes). OVERFLOW never merges. Until it is delivered, kernel
 *       records for the interest are dropped; from its delivery on (also while DISPATCH keeps the
 *       interest disabled) they are queued again, and a recursive interest re-scans its tree
 *       (adding missing watches) and queues a listing: CREATE, data2 = 1, for every entry. So the
 *       consumer rebuilds its view from the OVERFLOW on.</li>
 *   <li>The root deleted, moved to another file system or unmounted: DELETE_SELF with BROKEN,
 *       delivered after the records before it, whatever the mask; the engine then removes the
 *       interest.</li>
 *   <li>The same inode as root of two interests of one queue: {@code EEXIST}. Trees may overlap
 *       otherwise; a shared watch's kernel mask only grows (IN_MASK_ADD) and records are filtered
 *       per interest.</li>
 *   <li>MODIFY asks the kernel (by path) only for bits a watch does not report yet. A path that
 *       no longer leads to the watched inode (deleted or renamed, and the queue has not read it
 *       yet) is not followed: a watch that asking made on another inode is removed at once, the
 *       interest keeps its watch, and MODIFY applies to the interest as usual; a deleted root's
 *       DELETE_SELF with BROKEN follows.</li>
 * </ul>
 *
 * <h2>Caveats</h2>
 * Scanning a new directory, and re-scanning after an overflow, lists directories under the queue
 * lock. Names are bytes as the kernel gave them; a renamed root keeps its old path in
 * {@code EventBuffer.path}, and a MODIFY of it cannot widen what the kernel reports (remove the
 * interest and add it at the new path). The ring ({@code EventRing}) carries INODE events without
 * names.
 */
public final class InodeKind extends SourceKind {
    /** Reads per readiness report, so one burst cannot hold the queue lock for long. */
    private static final int MAX_READS = 16;
    private static final byte[] ROOT = new byte[0];
    private static final int DEFAULT_RECORD_CAP = 16_384;
    /** Kinds of directory entry met by {@link #walk}. */
    private static final int FILE = 0;
    private static final int DIRECTORY = 1;
    private static final int VANISHED = 2;
    private static final int UNKNOWN = 3;

    private final InodeBackend backend;
    private final InodeWatchTable watches = new InodeWatchTable();
    private final FdWatchers.Watcher watcher = events -> drain();
    private final byte[] name = new byte[256];
    private final int recordCap;
    private int fd = -1;
    private long token;
    private InodeState first;

    /**
     * @param context   the queue
     * @param backend   the kernel side
     * @param recordCap undelivered records one interest may hold before it reports OVERFLOW;
     *                  0 for {@code fs.inotify.max_queued_events}
     */
    InodeKind(SourceContext context, InodeBackend backend, int recordCap) {
        super(context);
        this.backend = backend;
        long queued = backend.limit("fs.inotify.max_queued_events");
        this.recordCap = recordCap > 0 ? recordCap : queued > 0 ? (int) Math.min(queued, 1 << 24) : DEFAULT_RECORD_CAP;
    }

    /**
     * The kind a backend installs: {@code engine.installKind(EventType.INODE, InodeKind.create(engine, backend))}.
     *
     * @param context the queue
     * @param backend the kernel side
     * @return the kind
     */
    public static SourceKind create(SourceContext context, InodeBackend backend) {
        return new InodeKind(context, backend, 0);
    }

    /** Recursion is INODE's own field; a period is no INODE field. */
    @Override
    public CtlError validate(Ukevent r) {
        return r.periodNanos() != 0 ? super.validate(r) : null;
    }

    // ---------------------------------------------------------------------------------- control

    @Override
    public CtlError attach(Interest i, Ukevent r) {
        CtlError error = pathError(r);
        if (error == null) {
            error = openInstance();
        }
        if (error != null) {
            return error;
        }
        InodeState s = new InodeState(i, r.path(), r.recursive());
        int mask = kernelMask(i.events, s.recursive) | Inotify.IN_MASK_ADD | (s.recursive ? Inotify.IN_ONLYDIR : 0);
        int wd = backend.addWatch(fd, s.root.toString(), mask);
        if (wd < 0) {
            return addError(-wd, s.root, s.recursive);
        }
        // A watch the queue had already: its kernel mask grew (IN_MASK_ADD), refused or not.
        InodeWatch w = watchOf(wd, mask);
        InodeState other = w.rootMember();
        if (other != null) {
            return CtlError.of("EEXIST", s.root + " is already watched by INODE " + other.interest.id
                    + " of this queue (" + other.root + ", the same inode)");
        }
        s.rootWd = wd;
        w.put(s, ROOT);
        s.addWatch(w);
        i.sourceState = s;
        link(s);
        if (s.recursive) {
            error = walk(s, s.root, ROOT, false);
            if (error != null) {
                detach(i);
                return error;
            }
            offer(s); // the directories it had to leave out
        }
        return null;
    }

    /** @return why an INODE record's path cannot be watched, or null */
    private static CtlError pathError(Ukevent r) {
        if (r.path() == null) {
            return CtlError.of("EINVAL", "INODE " + r.id() + " has no path (use Ukevent.inode)");
        }
        if (r.path().toString().isEmpty()) {
            // Java reads "" as the working directory, the kernel as no file (ENOENT): say which to use.
            return CtlError.of("EINVAL", "INODE " + r.id() + " has an empty path (field path); the working"
                    + " directory is \".\"");
        }
        return null;
    }

    @Override
    public CtlError reattach(Interest i, Ukevent r) {
        InodeState s = (InodeState) i.sourceState;
        if (!Objects.equals(r.path(), s.root) || r.recursive() != s.recursive) {
            return CtlError.of("EINVAL", "an INODE interest's path and recursion cannot change ("
                    + s.root + (s.recursive ? ", recursive" : "") + "): remove it and add it again");
        }
        // The kernel masks only grow: a narrower mask is applied by filtering here.
        int mask = kernelMask(i.events, s.recursive);
        for (int k = 0; k < s.watchCount; k++) {
            InodeWatch w = s.watches[k];
            if (w.reports(mask)) {
                continue; // the kernel reports all of it already
            }
            byte[] prefix = w.prefixes[w.indexOf(s)];
            int rc = backend.addWatch(fd, pathOf(s, prefix).toString(), mask | Inotify.IN_MASK_ADD
                    | (s.recursive ? Inotify.IN_ONLYDIR : 0) | (prefix == ROOT ? 0 : Inotify.IN_DONT_FOLLOW));
            if (rc == w.wd) {
                w.asked(mask);
            } else if (rc >= 0) {
                // The path leads to another inode now: the watched one was deleted or renamed and
                // the queue has not read it yet. Asking by path watched the newcomer: take that
                // back (nothing would ever remove it) unless this queue watches it anyway.
                InodeWatch other = watches.get(rc);
                if (other != null) {
                    other.asked(mask);
                } else {
                    backend.removeWatch(fd, rc);
                }
            } else if (w.wd == s.rootWd && rc != -Errno.ENOENT && rc != -Errno.ENOTDIR) {
                // ENOENT, ENOTDIR: the root has left its path, as above (it keeps its watch).
                return addError(-rc, s.root, s.recursive);
            }
        }
        s.records.retain(i.events | Kevent.INODE_OVERFLOW | Kevent.INODE_UNWATCHED | Kevent.INODE_ISDIR);
        if (s.records.isEmpty()) {
            // Everything it had queued was filtered away: it must not stay on the ready list with
            // no event (one with no bits and a stale name would come out).
            context.notReady(i);
        } else {
            offer(s);
        }
        return null;
    }

    @Override
    public void detach(Interest i) {
        InodeState s = (InodeState) i.sourceState;
        if (s == null) {
            return;
        }
        for (int k = 0; k < s.watchCount; k++) {
            leave(s, s.watches[k]);
            s.watches[k] = null;
        }
        s.watchCount = 0;
        unlink(s);
        i.sourceState = null;
    }

    @Override
    public void delivered(Interest i) {
        offerNext(i);
    }

    @Override
    public void enabled(Interest i) {
        offerNext(i);
    }

    @Override
    public boolean manyPerCall() {
        return true;
    }

    @Override
    public boolean hasExtras() {
        return true;
    }

    @Override
    public void fill(Interest i, EventSlots out, int n) {
        InodeState s = (InodeState) i.sourceState;
        int len = s.records.headNameLength();
        out.nameBases[n] = s.root;
        out.nameOffsets[n] = out.namesUsed;
        out.nameLengths[n] = len;
        if (len > 0) {
            if (out.namesUsed + len > out.names.length) {
                out.names = Arrays.copyOf(out.names, Math.max(out.names.length * 2, out.namesUsed + len + 256));
            }
            s.records.copyHeadName(out.names, out.namesUsed);
            out.namesUsed += len;
        }
        handedOut(s);
    }

    @Override
    public void fillRing(Interest i, Ring ring, long seq) {
        // The ring has no name storage: the event goes out without its name.
        handedOut((InodeState) i.sourceState);
    }

    @Override
    public void close() {
        if (fd >= 0) {
            context.unwatchFd(token, fd);
            backend.close(fd);
            fd = -1;
        }
    }

    // ---------------------------------------------------------------------------------- records

    /** Reads and dispatches what the kernel queued (lock held). */
    private void drain() {
        for (int reads = 0; reads < MAX_READS; reads++) {
            int n = backend.read(fd);
            if (n <= 0) {
                return;
            }
            for (int at = 0; at < n; at = backend.next(at)) {
                dispatch(at);
            }
        }
    }

    private void dispatch(int at) {
        int mask = backend.mask(at);
        if ((mask & Inotify.IN_Q_OVERFLOW) != 0) {
            context.countOverflow();
            for (InodeState s = first; s != null; s = s.next) {
                overflow(s);
            }
            return;
        }
        InodeWatch w = watches.get(backend.wd(at));
        if (w == null) {
            return; // a watch removed since the kernel queued the record
        }
        if ((mask & Inotify.IN_IGNORED) != 0) {
            gone(w);
            return;
        }
        int nameLen = backend.nameLength(at);
        if (nameLen > 0) {
            backend.copyName(at, nameLen, name, 0);
        }
        long cookie = backend.cookie(at);
        for (int k = 0; k < w.count; k++) {
            record(w.members[k], w, w.prefixes[k], mask, cookie, nameLen);
        }
    }

    /** One kernel record for one interest: queue it if wanted, and follow the tree if recursive. */
    private void record(InodeState s, InodeWatch w, byte[] prefix, int mask, long cookie, int nameLen) {
        if (s.broken || s.overflowPending) {
            return;
        }
        if ((mask & (Inotify.IN_DELETE_SELF | Inotify.IN_UNMOUNT)) != 0) {
            // A subdirectory's own end is reported by its parent as REMOVE; only the root's matters.
            if (w.wd == s.rootWd) {
                queueBroken(s);
            }
            return;
        }
        boolean isDir = (mask & Inotify.IN_ISDIR) != 0;
        int wanted = publicEvents(mask) & s.interest.events;
        if (wanted != 0) {
            long word = (wanted & (Kevent.INODE_MOVED_FROM | Kevent.INODE_MOVED_TO)) != 0 ? cookie : 0;
            // A record that merges into a pending event costs no room, so only a new event can overflow.
            if (!s.records.add(wanted | (isDir ? Kevent.INODE_ISDIR : 0), word, (byte) 0, prefix,
                    nameLen > 0 ? name : null, 0, nameLen, recordCap)) {
                overflow(s);
                context.countOverflow();
                return;
            }
            offer(s);
        }
        if (s.recursive && isDir && nameLen > 0) {
            byte[] sub = childPrefix(prefix, name, nameLen);
            if ((mask & (Inotify.IN_CREATE | Inotify.IN_MOVED_TO)) != 0) {
                walk(s, pathOf(s, sub), sub, true);
                offer(s);
            } else if ((mask & Inotify.IN_MOVED_FROM) != 0) {
                dropSubtree(s, sub);
            }
        }
    }

    private void queueBroken(InodeState s) {
        s.broken = true;
        s.records.addUnmerged(Kevent.INODE_DELETE_SELF, InodeRecords.BROKEN);
        offer(s);
    }

    private void overflow(InodeState s) {
        if (s.broken || s.overflowPending) {
            return;
        }
        s.overflowPending = true;
        s.records.addUnmerged(Kevent.INODE_OVERFLOW, (byte) 0);
        offer(s);
    }

    /** The kernel dropped a watch (IN_IGNORED): its inode is gone, or it was removed. */
    private void gone(InodeWatch w) {
        watches.remove(w.wd);
        for (int k = 0; k < w.count; k++) {
            InodeState s = w.members[k];
            s.removeWatch(w);
            if (w.wd == s.rootWd && !s.broken) {
                queueBroken(s);
            }
        }
        w.count = 0;
    }

    // ---------------------------------------------------------------------------------- delivery

    /**
     * Makes the head event the interest's pending event, or refreshes it when a record merged into
     * the head while it waits on the ready list (lock held). A disabled interest keeps it pending
     * until enable or MODIFY offers it again.
     */
    private void offer(InodeState s) {
        Interest i = s.interest;
        if (s.records.isEmpty()) {
            return;
        }
        i.readyEvents = s.records.headEvents();
        i.pending = s.records.headData();
        byte flags = s.records.headFlags();
        i.data2 = (flags & InodeRecords.SCANNED) != 0 ? 1 : 0;
        i.retFlags = (flags & InodeRecords.BROKEN) != 0 ? Kevent.RET_BROKEN : 0;
        context.ready(i);
    }

    /** After a delivery that keeps the interest, and on enable: the next event, if any. */
    private void offerNext(Interest i) {
        InodeState s = (InodeState) i.sourceState;
        if (s != null) {
            offer(s);
        }
    }

    /**
     * The head event was just copied out by a delivery, before the engine applies the trigger
     * mode: it leaves the FIFO now, whatever the mode, so it holds no room in the cap and merges
     * nothing more. A delivered OVERFLOW lets records in again (a recursive interest re-lists its
     * tree). Nothing is offered here: the engine is still delivering this interest; it offers
     * the next event through {@link #delivered} or, for DISPATCH, {@link #enabled} or MODIFY.
     */
    private void handedOut(InodeState s) {
        boolean wasOverflow = s.records.headEvents() == Kevent.INODE_OVERFLOW;
        s.records.pop();
        if (wasOverflow) {
            s.overflowPending = false;
            if (s.recursive && (s.interest.flags & Kevent.REQ_ONESHOT) == 0) {
                walk(s, s.root, ROOT, true);
            }
        }
    }

    // ---------------------------------------------------------------------------------- trees

    /**
     * Watches {@code dir} and every directory below it for {@code s}; with {@code report}, queues
     * a CREATE (data2 = 1) for every entry found, the directory's own entry excluded (the caller
     * offers them). A directory below the root that the kernel refuses is left out with its
     * subtree and queued as UNWATCHED (data = the errno), whatever {@code report} says; one that
     * vanished meanwhile is skipped silently (its removal comes as a record of its parent).
     *
     * @return null, or the error that fails an ADD ({@code report} false): the root's, or a
     *         resource's (the watch limit, memory) met anywhere in the tree
     */
    private CtlError walk(InodeState s, Path dir, byte[] prefix, boolean report) {
        return walk(s, dir, prefix, report, true);
    }

    /** {@link #walk(InodeState, Path, byte[], boolean)} of an entry not known to be a directory. */
    private CtlError walk(InodeState s, Path dir, byte[] prefix, boolean report, boolean knownDir) {
        // Below the root, a symbolic link to a directory is an entry, not a subtree to follow.
        int mask = kernelMask(s.interest.events, true) | Inotify.IN_MASK_ADD | Inotify.IN_ONLYDIR
                | (prefix == ROOT ? 0 : Inotify.IN_DONT_FOLLOW);
        int wd = backend.addWatch(fd, dir.toString(), mask);
        if (wd < 0) {
            return refused(s, dir, prefix, -wd, report, knownDir);
        }
        InodeWatch w = watchOf(wd, mask);
        if (wd != s.rootWd) {
            w.put(s, prefix);
        }
        s.addWatch(w);
        return list(s, dir, prefix, report);
    }

    /**
     * The listing half of {@link #walk(InodeState, Path, byte[], boolean)}, once {@code dir} is
     * watched: reports its entries if asked, and walks its subdirectories.
     */
    private CtlError list(InodeState s, Path dir, byte[] prefix, boolean report) {
        CtlError error = null;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                byte[] entryName = entry.getFileName().toString().getBytes(FileNames.CHARSET);
                int type = entryType(entry);
                if (type == VANISHED) {
                    continue;
                }
                boolean isDir = type == DIRECTORY;
                if (report && (s.interest.events & Kevent.INODE_CREATE) != 0 && !s.broken) {
                    // A listing is not capped: it is what the consumer rebuilds its view from.
                    s.records.add(Kevent.INODE_CREATE | (isDir ? Kevent.INODE_ISDIR : 0), 0, InodeRecords.SCANNED,
                            prefix, entryName, 0, entryName.length, Integer.MAX_VALUE);
                }
                if (type != FILE) {
                    // A directory, or an entry the JDK could not look at (its path too long for a
                    // stat): the watch, which needs a directory, tells and reports a refusal.
                    CtlError e = walk(s, entry, childPrefix(prefix, entryName, entryName.length), report, isDir);
                    if (e != null && error == null) {
                        error = e;
                    }
                }
            }
        } catch (IOException | RuntimeException vanishedMeanwhile) {
            // Its removal reaches us as a record of the parent; nothing to list.
        }
        return error;
    }

    /**
     * The queue's watch of descriptor {@code wd}, made now if the kernel gave a new one; an
     * existing one notes that the kernel's mask grew by {@code mask} (IN_MASK_ADD).
     */
    private InodeWatch watchOf(int wd, int mask) {
        InodeWatch w = watches.get(wd);
        if (w == null) {
            w = new InodeWatch(wd, mask);
            watches.put(w);
        } else {
            w.asked(mask);
        }
        return w;
    }

    /** What {@link #walk} does when the kernel would not watch {@code dir}. */
    private CtlError refused(InodeState s, Path dir, byte[] prefix, int errno, boolean report, boolean knownDir) {
        if (prefix == ROOT) {
            return addError(errno, dir, true);
        }
        if (errno == Errno.ENOENT || errno == Errno.ENOTDIR) {
            return null; // vanished, or a file after all
        }
        if (!report && (errno == Errno.ENOSPC || errno == Errno.ENOMEM)) {
            return addError(errno, dir, true);
        }
        if (!s.broken) {
            // Named like the directory's own entry (prefix without its '/'), so it joins that
            // name's CREATE of a listing or of the kernel: one event per name.
            s.records.add(Kevent.INODE_UNWATCHED | (knownDir ? Kevent.INODE_ISDIR : 0), errno, (byte) 0, null, prefix,
                    0, prefix.length - 1, Integer.MAX_VALUE);
        }
        return null;
    }

    /** @return {@link #FILE}, {@link #DIRECTORY}, {@link #VANISHED}, or {@link #UNKNOWN} */
    private static int entryType(Path entry) {
        try {
            return Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()
                    ? DIRECTORY : FILE;
        } catch (NoSuchFileException gone) {
            return VANISHED;
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    private void dropSubtree(InodeState s, byte[] sub) {
        for (int k = s.watchCount - 1; k >= 0; k--) {
            InodeWatch w = s.watches[k];
            int m = w.indexOf(s);
            if (m >= 0 && w.wd != s.rootWd && startsWith(w.prefixes[m], sub)) {
                s.removeWatch(w);
                leave(s, w);
            }
        }
    }

    /** Removes {@code s} from a watch, and the watch from the kernel when nobody is left. */
    private void leave(InodeState s, InodeWatch w) {
        w.remove(s);
        if (w.count == 0 && watches.get(w.wd) == w) {
            watches.remove(w.wd);
            backend.removeWatch(fd, w.wd);
        }
    }

    private static byte[] childPrefix(byte[] prefix, byte[] entry, int length) {
        byte[] p = Arrays.copyOf(prefix, prefix.length + length + 1);
        System.arraycopy(entry, 0, p, prefix.length, length);
        p[p.length - 1] = '/';
        return p;
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static Path pathOf(InodeState s, byte[] prefix) {
        return prefix.length == 0 ? s.root
                : s.root.resolve(new String(prefix, 0, prefix.length - 1, FileNames.CHARSET));
    }

    // ---------------------------------------------------------------------------------- instance

    private CtlError openInstance() {
        if (fd >= 0) {
            return null;
        }
        int f = backend.open();
        if (f < 0) {
            return InodeErrors.init(-f, backend.limit(InodeErrors.MAX_INSTANCES));
        }
        long t = context.watchFd(f, Epoll.EPOLLIN, watcher);
        if (t < 0) {
            backend.close(f);
            return InodeErrors.watchInstance((int) -t);
        }
        fd = f;
        token = t;
        return null;
    }

    private CtlError addError(int errno, Path path, boolean recursive) {
        return InodeErrors.addWatch(errno, path, recursive,
                errno == Errno.ENOSPC ? backend.limit(InodeErrors.MAX_WATCHES) : -1);
    }

    private void link(InodeState s) {
        s.next = first;
        if (first != null) {
            first.prev = s;
        }
        first = s;
    }

    private void unlink(InodeState s) {
        if (s.prev == null) {
            if (first == s) {
                first = s.next;
            }
        } else {
            s.prev.next = s.next;
        }
        if (s.next != null) {
            s.next.prev = s.prev;
        }
        s.prev = s.next = null;
    }

    /** @return the {@code IN_*} bits an interest with these events needs */
    static int kernelMask(int events, boolean recursive) {
        int m = Inotify.IN_DELETE_SELF;
        if ((events & Kevent.INODE_CREATE) != 0 || recursive) {
            m |= Inotify.IN_CREATE;
        }
        if ((events & Kevent.INODE_REMOVE) != 0) {
            m |= Inotify.IN_DELETE;
        }
        if ((events & Kevent.INODE_MODIFY) != 0) {
            m |= Inotify.IN_MODIFY;
        }
        if ((events & Kevent.INODE_ATTRIB) != 0) {
            m |= Inotify.IN_ATTRIB;
        }
        if ((events & Kevent.INODE_MOVED_FROM) != 0 || recursive) {
            m |= Inotify.IN_MOVED_FROM;
        }
        if ((events & Kevent.INODE_MOVED_TO) != 0 || recursive) {
            m |= Inotify.IN_MOVED_TO;
        }
        if ((events & Kevent.INODE_CLOSE_WRITE) != 0) {
            m |= Inotify.IN_CLOSE_WRITE;
        }
        return m;
    }

    /** @return the public bits of a kernel record's mask, ISDIR excluded */
    static int publicEvents(int mask) {
        int e = 0;
        if ((mask & Inotify.IN_CREATE) != 0) {
            e |= Kevent.INODE_CREATE;
        }
        if ((mask & Inotify.IN_DELETE) != 0) {
            e |= Kevent.INODE_REMOVE;
        }
        if ((mask & Inotify.IN_MODIFY) != 0) {
            e |= Kevent.INODE_MODIFY;
        }
        if ((mask & Inotify.IN_ATTRIB) != 0) {
            e |= Kevent.INODE_ATTRIB;
        }
        if ((mask & Inotify.IN_MOVED_FROM) != 0) {
            e |= Kevent.INODE_MOVED_FROM;
        }
        if ((mask & Inotify.IN_MOVED_TO) != 0) {
            e |= Kevent.INODE_MOVED_TO;
        }
        if ((mask & Inotify.IN_CLOSE_WRITE) != 0) {
            e |= Kevent.INODE_CLOSE_WRITE;
        }
        return e;
    }
}
