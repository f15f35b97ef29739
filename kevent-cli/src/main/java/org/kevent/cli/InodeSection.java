package org.kevent.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * Inode events: a recursive INODE interest (id 20) on a temporary directory in which a thread of
 * its own creates a file, renames it, makes a subdirectory with a file in it and removes the
 * renamed file, every tick. The summary checks that every entry created was reported as CREATE
 * (those in a new subdirectory by the scan that follows its watch). The directory is deleted at
 * the very end, after the summary: deleted earlier, an entry made in the last tick could vanish
 * with its new subdirectory before the queue saw it, and inotify cannot report what it never watched.
 * Once the activity stopped, a file named "end" is made: the final drain waits (bounded) for its
 * CREATE, since on the portable engine the events come through the WatchService's thread, and
 * renames come there as REMOVE and CREATE (so the summary counts none).
 */
final class InodeSection implements DemoSection {
    static final long ID = 20;
    /** Made after the activity stopped: its CREATE is the last event the section waits for. */
    private static final String END = "end";
    private static final long COOKIE = 3020;
    private static final long TICK_MILLIS = 200;

    private final Set<String> made = ConcurrentHashMap.newKeySet();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private Path dir;
    private Thread worker;
    /** Cleared by stop(): the worker is not interrupted, since an interrupt closes a file channel mid-write. */
    private volatile boolean running;
    private long renames;
    private long removes;
    private boolean deleted;
    private volatile boolean endSeen;
    private boolean endMade;

    @Override
    public String name() {
        return "inode";
    }

    @Override
    public Set<EventType> types() {
        return EnumSet.of(EventType.INODE);
    }

    @Override
    public List<Ukevent> interests(long originNanos) {
        try {
            dir = Files.createTempDirectory("kevent-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the demo's temporary directory", e);
        }
        return List.of(Ukevent.inode(ID, dir, Kevent.INODE_CREATE | Kevent.INODE_REMOVE | Kevent.INODE_MOVED_FROM
                | Kevent.INODE_MOVED_TO).withRecursive(true).withCookie(COOKIE));
    }

    @Override
    public void start(KeventQueue queue) {
        running = true;
        worker = Thread.ofPlatform().name("kevent-demo-files").daemon().start(this::work);
    }

    private void work() {
        try {
            for (int k = 0; running; k++) {
                TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
                if (!running) {
                    return;
                }
                Files.writeString(dir.resolve("f" + k), "hello");
                made.add("f" + k);
                Files.move(dir.resolve("f" + k), dir.resolve("g" + k));
                Path sub = Files.createDirectory(dir.resolve("d" + k));
                made.add("d" + k);
                Files.createFile(sub.resolve("inner"));
                made.add("d" + k + "/inner");
                Files.delete(dir.resolve("g" + k));
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("kevent demo: file activity failed: " + e);
        }
    }

    /** First call: stops the file activity. Second call (the demo's final clean-up): deletes the directory. */
    @Override
    public void stop() {
        Thread t = worker;
        if (t != null) {
            running = false;
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            worker = null;
            try {
                Files.createFile(dir.resolve(END));
                endMade = true;
            } catch (IOException e) {
                System.err.println("kevent demo: cannot make the end marker: " + e);
            }
            return;
        }
        if (dir != null && !deleted) {
            deleted = true;
            try (Stream<Path> tree = Files.walk(dir)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.err.println("kevent demo: cannot delete " + dir + ": " + e);
            }
        }
    }

    /** Its events may come through another thread (a WatchService): settled once the marker's came. */
    @Override
    public boolean settled() {
        return !endMade || endSeen;
    }

    @Override
    public String note(EventType type, long id) {
        return "recursive on " + (dir == null ? "a temp dir" : dir.getFileName());
    }

    @Override
    public String data2(EventBuffer events, int i) {
        int e = events.events(i);
        String name = events.name(i);
        // One event may hold several changes of its name (g's MOVED_TO and REMOVE when both come
        // before a wait): each bit counts on its own.
        if ((e & Kevent.INODE_CREATE) != 0 && END.equals(name)) {
            endSeen = true;
        } else if ((e & Kevent.INODE_CREATE) != 0 && name != null) {
            seen.add(name);
        }
        if ((e & Kevent.INODE_MOVED_TO) != 0) {
            renames++;
        }
        if ((e & Kevent.INODE_REMOVE) != 0 && (e & Kevent.INODE_ISDIR) == 0) {
            removes++;
        }
        return name == null ? "-" : name;
    }

    @Override
    public List<String> summary() {
        long missing = made.stream().filter(n -> !seen.contains(n)).count();
        return List.of(made.size() + " entries created, " + (made.size() - missing) + " reported as CREATE"
                + (missing == 0 ? "" : " (MISMATCH)") + "; " + renames + " renames, " + removes + " file removals seen");
    }
}
