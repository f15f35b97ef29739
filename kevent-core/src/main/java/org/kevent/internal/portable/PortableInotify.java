package org.kevent.internal.portable;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.kevent.internal.source.inode.FileNames;
import org.kevent.internal.source.inode.InodeBackend;
// Compile-time constants only: the compiler copies them here, so no binding class is loaded.
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Inotify;

/**
 * INODE's backend on the portable engine: an inotify instance emulated over the JDK's
 * {@link WatchService}, so that {@code InodeKind} (recursion, merging, overflow, BROKEN) runs
 * unchanged on it (docs/SEMANTICS.md §10).
 *
 * <p>The "descriptor" is a {@link PortableDescriptor} that the queue's {@link PortablePoller}
 * watches for {@code EPOLLIN}: ready while a signalled {@link WatchKey} waits to be read. One
 * daemon thread per instance ({@code kevent-inode-watch-N}) blocks in {@link WatchService#take},
 * hands each signalled key over and signals the descriptor; it touches nothing else, and ends
 * when {@link #close} closes the service. {@link #read} (queue lock held) turns the handed-over
 * keys' events into inotify-layout records, served through the cursor methods (the offset of a
 * record is its index: {@link #next} adds one).
 *
 * <h2>What the records say</h2>
 * <ul>
 *   <li>{@code ENTRY_CREATE} is {@code IN_CREATE}, {@code ENTRY_DELETE} is {@code IN_DELETE},
 *       {@code ENTRY_MODIFY} is {@code IN_MODIFY} (on Linux the JDK folds attribute changes into
 *       it). A rename is a DELETE of the old name and a CREATE of the new one: no
 *       {@code IN_MOVED_FROM}/{@code IN_MOVED_TO}, no cookie (always 0). {@code IN_ATTRIB} alone,
 *       {@code IN_CLOSE_WRITE}, {@code IN_ACCESS}, {@code IN_OPEN} and {@code IN_MOVE_SELF} are
 *       never reported: the JDK does not tell them.</li>
 *   <li>{@code IN_ISDIR}: on CREATE when the entry is a directory as the record is read; on
 *       DELETE when the entry is (or was, until its own watch ended) a directory this instance
 *       watches, on MODIFY when it is one; otherwise absent.</li>
 *   <li>{@code OVERFLOW} (the JDK's per-directory event list is full, or its own inotify queue
 *       overflowed) is {@code IN_Q_OVERFLOW}, for the whole instance as the kernel's is: an
 *       overflow is never silent, and every interest of the queue re-lists.</li>
 *   <li>{@code IN_IGNORED} ends a watch whose directory is gone: its key was cancelled (deleted,
 *       unmounted), or its entry was removed from a watched parent and nothing is at that path
 *       any more (moved away: the JDK would keep following the moved directory, inotify's
 *       recursive caller expects it to leave). A watch removed by {@link #removeWatch} gets none.</li>
 *   <li>A watch on a non-directory (allowed without {@code IN_ONLYDIR}, as inotify allows it) is a
 *       watch on its parent directory filtered by the name: MODIFY of that name is the file's
 *       {@code IN_MODIFY} (no name), its DELETE (removed or renamed away) ends the watch with
 *       {@code IN_IGNORED}. It follows the name, not the inode: a hard link's other names are
 *       not seen.</li>
 * </ul>
 * Watch descriptors are numbered from 1 and never reused by an instance. {@link #limit} knows no
 * sysctl: -1.
 *
 * <p><b>Threading:</b> as {@link InodeBackend} (the queue lock serialises the calls); the
 * watcher thread shares only the hand-over queue and the descriptor.
 *
 * <p><b>Caveats:</b> reading allocates (the JDK's event lists, the names). How soon a change
 * arrives is the {@link WatchService}'s matter: at once on Linux, where it is inotify; every few
 * seconds where it polls (macOS).
 */
public final class PortableInotify implements InodeBackend {
    /** Records one read aims at; a key's events are read whole, so a read may hold more. */
    private static final int RECORDS_PER_READ = 256;
    private static final int KIND_CREATE = 1;
    private static final int KIND_DELETE = 2;
    private static final int KIND_MODIFY = 4;

    /** Keys the watcher thread took from the service, not yet read; shared with that thread. */
    private final Queue<WatchKey> signalled = new ConcurrentLinkedQueue<>();
    /** Set by a watcher thread that died of something else than close: reported as an overflow. */
    private final AtomicBoolean failed = new AtomicBoolean();
    private final Map<WatchKey, Directory> byKey = new HashMap<>();
    private final Map<Path, Directory> byPath = new HashMap<>();
    private final Map<Integer, Watch> byWd = new HashMap<>();
    private Descriptor descriptor;
    private WatchService service;
    private Thread watcher;
    private int nextWd = 1;

    // The last read's records.
    private int count;
    private int[] wds = new int[RECORDS_PER_READ];
    private int[] masks = new int[RECORDS_PER_READ];
    private byte[][] names = new byte[RECORDS_PER_READ][];

    /** One watch descriptor: a directory's own, or a file's (its name in a watched directory). */
    private static final class Watch {
        final int wd;
        final Directory dir;
        /** The file's name in {@link #dir}; null for the directory's own watch. */
        final String name;

        Watch(int wd, Directory dir, String name) {
            this.wd = wd;
            this.dir = dir;
            this.name = name;
        }
    }

    /** A directory registered with the service: one key, its own watch and its files' watches. */
    private static final class Directory {
        final WatchKey key;
        final Path path;
        /** KIND_* bits the key is registered for. */
        int kinds;
        Watch self;
        final Map<String, Watch> files = new HashMap<>();
        /**
         * Names of watched subdirectories whose own key ended before this directory's DELETE of
         * them was read (the service may hand them over in either order): that DELETE is ISDIR.
         */
        final Set<String> goneDirs = new HashSet<>();

        Directory(WatchKey key, Path path, int kinds) {
            this.key = key;
            this.path = path;
            this.kinds = kinds;
        }
    }

    /** The instance's descriptor: ready to read while a key or a failure waits. */
    private static final class Descriptor extends PortableDescriptor {
        private final Queue<WatchKey> signalled;
        private final AtomicBoolean failed;

        Descriptor(Queue<WatchKey> signalled, AtomicBoolean failed) {
            this.signalled = signalled;
            this.failed = failed;
        }

        @Override
        protected int readyNow() {
            return signalled.isEmpty() && !failed.get() ? 0 : Epoll.EPOLLIN;
        }
    }

    @Override
    public int open() {
        WatchService s;
        try {
            s = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            return -errno(e, Errno.EMFILE);
        } catch (UnsupportedOperationException e) {
            return -Errno.EOPNOTSUPP;
        }
        Descriptor d = new Descriptor(signalled, failed);
        service = s;
        descriptor = d;
        watcher = Thread.ofPlatform().daemon().name("kevent-inode-watch-" + d.number())
                .start(() -> watch(s, signalled, failed, d));
        return d.number();
    }

    /** The watcher thread: hands every signalled key over until the service is closed. */
    private static void watch(WatchService service, Queue<WatchKey> signalled, AtomicBoolean failed, Descriptor d) {
        try {
            for (;;) {
                signalled.add(service.take());
                d.signal();
            }
        } catch (ClosedWatchServiceException | InterruptedException closed) {
            // close(): the end.
        } catch (RuntimeException | Error e) {
            // Changes would go unseen from now on: never silently, the reader reports an overflow.
            failed.set(true);
            d.signal();
            throw e;
        }
    }

    @Override
    public int addWatch(int fd, String path, int mask) {
        if (descriptor == null || fd != descriptor.number()) {
            return -Errno.EBADF;
        }
        try {
            Path p = Path.of(path);
            BasicFileAttributes a = (mask & Inotify.IN_DONT_FOLLOW) != 0
                    ? Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    : Files.readAttributes(p, BasicFileAttributes.class);
            if (a.isDirectory()) {
                Directory d = directory(p, kinds(mask));
                if (d.self == null) {
                    d.self = newWatch(d, null);
                }
                return d.self.wd;
            }
            if ((mask & Inotify.IN_ONLYDIR) != 0) {
                return -Errno.ENOTDIR;
            }
            Path file = (mask & Inotify.IN_DONT_FOLLOW) != 0 ? p.toAbsolutePath() : p.toRealPath();
            Path parent = file.getParent();
            if (parent == null) {
                return -Errno.EINVAL;
            }
            // DELETE: a file's own end is its parent's DELETE of its name.
            Directory d = directory(parent, kinds(mask) | KIND_DELETE);
            String name = file.getFileName().toString();
            Watch w = d.files.get(name);
            if (w == null) {
                w = newWatch(d, name);
                d.files.put(name, w);
            }
            return w.wd;
        } catch (InvalidPathException e) {
            return -Errno.EINVAL;
        } catch (IOException e) {
            return -errno(e, Errno.EIO);
        } catch (ClosedWatchServiceException e) {
            return -Errno.EBADF;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return -Errno.EINVAL;
        }
    }

    /**
     * The directory at {@code p} registered for at least {@code kinds}: the service hands out one
     * key per directory however it is spelt, so a second spelling finds the first's.
     */
    private Directory directory(Path p, int kinds) throws IOException {
        Directory known = byPath.get(p);
        int want = kinds | (known != null ? known.kinds : 0);
        WatchKey key = p.register(service, kindsOf(want));
        Directory d = byKey.get(key);
        if (d == null) {
            d = new Directory(key, p, want);
            byKey.put(key, d);
            byPath.putIfAbsent(p, d);
        } else if ((d.kinds | want) != want) {
            // Registering again replaces the key's kinds: keep those of the other spelling.
            d.kinds |= want;
            p.register(service, kindsOf(d.kinds));
        } else {
            d.kinds = want;
        }
        return d;
    }

    private Watch newWatch(Directory d, String name) {
        Watch w = new Watch(nextWd++, d, name);
        byWd.put(w.wd, w);
        return w;
    }

    @Override
    public int removeWatch(int fd, int wd) {
        Watch w = byWd.remove(wd);
        if (w == null) {
            return -Errno.EINVAL;
        }
        Directory d = w.dir;
        if (w.name == null) {
            d.self = null;
        } else {
            d.files.remove(w.name);
        }
        if (d.self == null && d.files.isEmpty()) {
            d.key.cancel();
            forgetKey(d);
        }
        return 0;
    }

    @Override
    public int read(int fd) {
        if (descriptor == null || fd != descriptor.number()) {
            return -Errno.EBADF;
        }
        Arrays.fill(names, 0, count, null);
        count = 0;
        if (failed.getAndSet(false)) {
            add(-1, Inotify.IN_Q_OVERFLOW, null);
        }
        WatchKey key;
        while (count < RECORDS_PER_READ && (key = signalled.poll()) != null) {
            Directory d = byKey.get(key);
            List<WatchEvent<?>> events = key.pollEvents();
            boolean valid = key.reset();
            if (d == null) {
                continue; // every watch of it was removed or ended meanwhile
            }
            translate(d, events);
            if (!valid && byKey.get(key) == d) {
                Path parent = d.path.getParent();
                Directory above = parent == null ? null : byPath.get(parent);
                if (above != null && d.path.getFileName() != null) {
                    above.goneDirs.add(d.path.getFileName().toString());
                }
                end(d);
            }
        }
        return count == 0 ? -Errno.EAGAIN : count;
    }

    /** One key's events as records of its directory's watch and of its files' watches. */
    private void translate(Directory d, List<WatchEvent<?>> events) {
        for (WatchEvent<?> e : events) {
            if (e.kind() == OVERFLOW) {
                add(-1, Inotify.IN_Q_OVERFLOW, null);
                continue;
            }
            if (!(e.context() instanceof Path entry)) {
                continue;
            }
            String name = entry.toString();
            Path at = d.path.resolve(entry);
            // A watched file's CREATE is a new inode under its name (that watch had ended): none.
            Watch file = e.kind() == ENTRY_CREATE ? null : d.files.get(name);
            int isDir;
            int mask;
            if (e.kind() == ENTRY_CREATE) {
                mask = Inotify.IN_CREATE;
                isDir = Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS) ? Inotify.IN_ISDIR : 0;
                d.goneDirs.remove(name);
            } else if (e.kind() == ENTRY_DELETE) {
                mask = Inotify.IN_DELETE;
                isDir = left(at) | d.goneDirs.remove(name) ? Inotify.IN_ISDIR : 0;
                if (file != null) {
                    add(file.wd, Inotify.IN_IGNORED, null);
                    removeWatch(0, file.wd);
                    if (byKey.get(d.key) != d) {
                        continue; // that file was all this directory was watched for
                    }
                }
            } else if (e.kind() == ENTRY_MODIFY) {
                mask = Inotify.IN_MODIFY;
                isDir = byPath.containsKey(at) ? Inotify.IN_ISDIR : 0;
                if (file != null) {
                    add(file.wd, mask, null);
                }
            } else {
                continue;
            }
            if (d.self != null) {
                add(d.self.wd, mask | isDir, name.getBytes(FileNames.CHARSET));
            }
        }
    }

    /**
     * A watched directory's entry was removed from its parent: if nothing is at its path any more
     * (deleted, or moved away, where the service would keep following it), its watches and those
     * below it end now, their pending events first, deepest first, as inotify orders them.
     *
     * @return whether {@code at} was a watched directory
     */
    private boolean left(Path at) {
        if (!byPath.containsKey(at)) {
            return false;
        }
        if (Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
            return true; // made again under the same name already: the service tells the old one's fate
        }
        List<Directory> below = new ArrayList<>();
        for (Directory d : byKey.values()) {
            if (d.path.startsWith(at)) {
                below.add(d);
            }
        }
        below.sort(Comparator.comparingInt((Directory d) -> d.path.getNameCount()).reversed());
        for (Directory d : below) {
            if (byKey.get(d.key) == d) {
                translate(d, d.key.pollEvents());
                d.key.cancel();
                if (byKey.get(d.key) == d) {
                    end(d);
                }
            }
        }
        return true;
    }

    /** The directory is gone: every watch of it ends with IN_IGNORED. */
    private void end(Directory d) {
        if (d.self != null) {
            add(d.self.wd, Inotify.IN_IGNORED, null);
            byWd.remove(d.self.wd);
            d.self = null;
        }
        for (Watch w : d.files.values()) {
            add(w.wd, Inotify.IN_IGNORED, null);
            byWd.remove(w.wd);
        }
        d.files.clear();
        forgetKey(d);
    }

    private void forgetKey(Directory d) {
        byKey.remove(d.key);
        byPath.remove(d.path, d);
    }

    private void add(int wd, int mask, byte[] name) {
        if (count == wds.length) {
            int n = count * 2;
            wds = Arrays.copyOf(wds, n);
            masks = Arrays.copyOf(masks, n);
            names = Arrays.copyOf(names, n);
        }
        wds[count] = wd;
        masks[count] = mask;
        names[count] = name;
        count++;
    }

    @Override
    public int wd(int at) {
        return wds[at];
    }

    @Override
    public int mask(int at) {
        return masks[at];
    }

    /** @return 0: the JDK pairs no renames */
    @Override
    public long cookie(int at) {
        return 0;
    }

    @Override
    public int nameLength(int at) {
        return names[at] == null ? 0 : names[at].length;
    }

    @Override
    public void copyName(int at, int length, byte[] dst, int off) {
        if (length > 0) {
            System.arraycopy(names[at], 0, dst, off, length);
        }
    }

    @Override
    public int next(int at) {
        return at + 1;
    }

    /** Closes the service, waits for the watcher thread to end, and forgets every watch. */
    @Override
    public void close(int fd) {
        if (descriptor == null) {
            return;
        }
        descriptor.close();
        try {
            service.close();
        } catch (IOException ignored) {
            // Closed as far as it can be: its thread and ours end all the same.
        }
        boolean interrupted = false;
        for (;;) {
            try {
                watcher.join(); // returns soon: take() throws once the service is closed
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        signalled.clear();
        byKey.clear();
        byPath.clear();
        byWd.clear();
        Arrays.fill(names, 0, count, null);
        count = 0;
        descriptor = null;
        service = null;
        watcher = null;
    }

    /** @return -1: the portable engine reads no sysctl */
    @Override
    public long limit(String sysctl) {
        return -1;
    }

    /** @return the watch service's event kinds for {@code KIND_*} bits */
    private static WatchEvent.Kind<?>[] kindsOf(int kinds) {
        List<WatchEvent.Kind<?>> k = new ArrayList<>(3);
        if ((kinds & KIND_CREATE) != 0) {
            k.add(ENTRY_CREATE);
        }
        if ((kinds & KIND_DELETE) != 0) {
            k.add(ENTRY_DELETE);
        }
        if ((kinds & KIND_MODIFY) != 0) {
            k.add(ENTRY_MODIFY);
        }
        return k.toArray(new WatchEvent.Kind<?>[0]);
    }

    /**
     * @return the {@code KIND_*} bits an {@code IN_*} mask needs: DELETE always, as an entry's
     *         removal is how a watched subdirectory or file is seen to leave
     */
    private static int kinds(int mask) {
        int k = KIND_DELETE;
        if ((mask & (Inotify.IN_CREATE | Inotify.IN_MOVED_TO)) != 0) {
            k |= KIND_CREATE;
        }
        if ((mask & Inotify.IN_MODIFY) != 0) {
            k |= KIND_MODIFY;
        }
        return k;
    }

    /**
     * @param e        what the JDK threw
     * @param fallback the errno when it says nothing more precise
     * @return the errno inotify would have given
     */
    static int errno(IOException e, int fallback) {
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT;
        }
        if (e instanceof NotDirectoryException) {
            return Errno.ENOTDIR;
        }
        if (e instanceof AccessDeniedException) {
            return Errno.EACCES;
        }
        if (e instanceof FileSystemLoopException) {
            return Errno.ELOOP;
        }
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : String.valueOf(e.getMessage());
        if (reason.contains("Not a directory")) {
            return Errno.ENOTDIR;
        }
        if (reason.contains("symbolic links")) {
            return Errno.ELOOP;
        }
        if (reason.contains("name too long")) {
            return Errno.ENAMETOOLONG;
        }
        if (reason.contains("Permission denied")) {
            return Errno.EACCES;
        }
        if (reason.contains("No such file")) {
            return Errno.ENOENT;
        }
        if (reason.contains("inotify watches")) {
            return Errno.ENOSPC; // the JDK's words for inotify_add_watch's ENOSPC
        }
        if (reason.contains("inotify instances") || reason.contains("Too many open files")) {
            return Errno.EMFILE;
        }
        return fallback;
    }
}
