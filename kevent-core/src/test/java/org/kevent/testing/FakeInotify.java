package org.kevent.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kevent.Kevent;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Inotify;
import org.kevent.internal.source.inode.FileNames;
import org.kevent.internal.source.inode.InodeBackend;

/**
 * A deterministic inotify stand-in for the model tests ({@code org.kevent.ModelHarness}), one
 * instance whose descriptor lives in a {@link FakeEpoll} and reads as ready ({@code POLLIN}) while
 * records are queued. No file system: every path exists and names an inode (a directory), until
 * {@link #deleteSelf} replaces it by a new one.
 *
 * <ul>
 *   <li>{@code addWatch} of an inode already watched returns its watch descriptor and replaces its
 *       mask ({@code IN_MASK_ADD}: adds to it); otherwise it makes a watch with a new descriptor
 *       (descriptors are never reused).</li>
 *   <li>{@link #change} queues a record on the watch of the path's inode if the watch asks for
 *       the record's event bit, as inotify does; nothing without a watch.</li>
 *   <li>{@code rm_watch} queues {@code IN_IGNORED} for the watch; an unknown one is {@code EINVAL}.
 *       {@link #deleteSelf} queues {@code IN_DELETE_SELF} (if asked for) and {@code IN_IGNORED},
 *       drops the watch, and puts a new inode at the path. {@link #overflow} queues
 *       {@code IN_Q_OVERFLOW} (watch descriptor -1) while some watch exists; the fake's own queue
 *       has no bound.</li>
 *   <li>A read takes every queued record (then {@code EAGAIN}); the record cursor is the index.
 *       {@code fs.inotify.max_queued_events} reads as the {@code recordCap} given: the engine
 *       takes it as the bound of one interest's pending events.</li>
 * </ul>
 */
public final class FakeInotify implements InodeBackend {
    private static final int IN_ALL_EVENTS = 0xfff;

    private record Record(int wd, int mask, long cookie, byte[] name) {
    }

    private static final class Watch {
        final int wd;
        final long inode;
        int mask;

        Watch(int wd, long inode) {
            this.wd = wd;
            this.inode = inode;
        }
    }

    private final FakeEpoll epoll;
    private final int recordCap;
    private int fd = -1;
    private int nextWd = 1;
    private long nextInode = 1;
    private final Map<String, Long> inodes = new HashMap<>();
    private final Map<Long, Watch> byInode = new HashMap<>();
    private final Map<Integer, Watch> byWd = new HashMap<>();
    private final List<Record> queued = new ArrayList<>();
    private List<Record> read = List.of();

    /**
     * @param epoll     where its descriptor lives
     * @param recordCap what {@code fs.inotify.max_queued_events} reads as
     */
    public FakeInotify(FakeEpoll epoll, int recordCap) {
        this.epoll = epoll;
        this.recordCap = recordCap;
    }

    private long inode(String path) {
        return inodes.computeIfAbsent(path, p -> nextInode++);
    }

    // ---------------------------------------------------------------------------------- the test's side

    /** A change in the directory at {@code path}: {@code name} null for the directory itself. */
    public void change(String path, String name, int inMask, long cookie) {
        Watch w = byInode.get(inode(path));
        if (w != null && (inMask & w.mask & IN_ALL_EVENTS) != 0) {
            queue(new Record(w.wd, inMask, cookie, name == null ? null : name.getBytes(FileNames.CHARSET)));
        }
    }

    /** The directory at {@code path} is deleted and another made at once under the same path. */
    public void deleteSelf(String path) {
        Watch w = byInode.get(inode(path));
        inodes.put(path, nextInode++);
        if (w == null) {
            return;
        }
        if ((w.mask & Inotify.IN_DELETE_SELF) != 0) {
            queue(new Record(w.wd, Inotify.IN_DELETE_SELF, 0, null));
        }
        drop(w);
    }

    /** @return the watches that exist */
    public int watches() {
        return byWd.size();
    }

    /** The kernel's queue overflowed. */
    public void overflow() {
        if (!byWd.isEmpty()) {
            queue(new Record(-1, Inotify.IN_Q_OVERFLOW, 0, null));
        }
    }

    private void drop(Watch w) {
        byWd.remove(w.wd);
        byInode.remove(w.inode);
        queue(new Record(w.wd, Inotify.IN_IGNORED, 0, null));
    }

    private void queue(Record r) {
        queued.add(r);
        epoll.arrive(fd, Kevent.POLLIN);
    }

    // ---------------------------------------------------------------------------------- InodeBackend

    @Override
    public int open() {
        if (fd >= 0) {
            throw new AssertionError("one inotify instance per queue");
        }
        fd = epoll.newDescriptor();
        return fd;
    }

    @Override
    public int addWatch(int fd, String path, int mask) {
        long inode = inode(path);
        Watch w = byInode.get(inode);
        if (w == null) {
            w = new Watch(nextWd++, inode);
            byInode.put(inode, w);
            byWd.put(w.wd, w);
        }
        int bits = mask & IN_ALL_EVENTS;
        w.mask = (mask & Inotify.IN_MASK_ADD) != 0 ? w.mask | bits : bits;
        return w.wd;
    }

    @Override
    public int removeWatch(int fd, int wd) {
        Watch w = byWd.get(wd);
        if (w == null) {
            return -Errno.EINVAL;
        }
        drop(w);
        return 0;
    }

    @Override
    public int read(int fd) {
        if (queued.isEmpty()) {
            return -Errno.EAGAIN;
        }
        read = new ArrayList<>(queued);
        queued.clear();
        epoll.clear(fd, Kevent.POLLIN);
        return read.size();
    }

    @Override
    public int wd(int at) {
        return read.get(at).wd();
    }

    @Override
    public int mask(int at) {
        return read.get(at).mask();
    }

    @Override
    public long cookie(int at) {
        return read.get(at).cookie();
    }

    @Override
    public int nameLength(int at) {
        byte[] name = read.get(at).name();
        return name == null ? 0 : name.length;
    }

    @Override
    public void copyName(int at, int length, byte[] dst, int off) {
        System.arraycopy(read.get(at).name(), 0, dst, off, length);
    }

    @Override
    public int next(int at) {
        return at + 1;
    }

    @Override
    public void close(int fd) {
        this.fd = -1;
    }

    @Override
    public long limit(String sysctl) {
        return sysctl.equals("fs.inotify.max_queued_events") ? recordCap : -1;
    }
}
