package org.kevent.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.QueueClosedException;
import org.kevent.Ukevent;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kevent watch DIR}: one INODE interest, one line per event (time, event, path) until
 * Ctrl-C, the watched directory's end, or {@code --count} events. With {@code --recursive}, a
 * directory the kernel will not watch (no permission, a path too long, the watch limit reached
 * later) is printed once as UNWATCHED with the reason, and the rest of the tree is watched; only
 * a root that cannot be watched fails the command.
 *
 * <p><b>Threading:</b> the loop runs on the calling thread; a shutdown hook stops it through
 * {@link KeventQueue#wakeup()} and waits briefly for it to finish its line.
 */
@Command(name = "watch",
        description = {"Print one line per file event in DIR (time, event, path) until Ctrl-C.",
                "Events: " + WatchCommand.EVENT_NAMES + ". OVERFLOW is always printed, and with --recursive"
                        + " UNWATCHED: a directory the kernel would not watch (with the reason), left out."})
final class WatchCommand implements Callable<Integer> {
    static final String EVENT_NAMES = "create, remove, modify, attrib, moved_from, moved_to, close_write, delete_self";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);
    private static final long STOP_GRACE_MILLIS = 2_000;

    private final PrintStream out;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile KeventQueue queue;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Parameters(index = "0", paramLabel = "DIR", description = "The directory (or file) to watch.")
    private Path dir;

    @Option(names = "--recursive", description = "Watch every subdirectory too, also those created later.")
    private boolean recursive;

    @Option(names = "--events", paramLabel = "LIST", split = ",",
            description = "Comma-separated events to print (default: all).")
    private List<String> events;

    @Option(names = "--count", paramLabel = "N", hidden = true, description = "Stop after N events (for tests).")
    private long count = Long.MAX_VALUE;

    WatchCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        int mask = mask();
        Thread hook = new Thread(this::stopAndAwait, "kevent-watch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (KeventQueue q = KeventQueue.open()) {
            queue = q;
            try {
                q.add(Ukevent.inode(1, dir, mask).withRecursive(recursive));
            } catch (KeventException e) {
                spec.commandLine().getErr().println("kevent watch: " + e.getMessage());
                return 1;
            }
            out.printf("watching %s%s for %s (Ctrl-C stops)%n", dir, recursive ? " recursively" : "",
                    EventType.INODE.eventNames(mask));
            out.flush();
            loop(q);
            return 0;
        } finally {
            queue = null;
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is already running and waits for us; nothing to undo.
            }
        }
    }

    private void loop(KeventQueue q) {
        EventBuffer buf = new EventBuffer(64);
        long printed = 0;
        while (!stopping && printed < count) {
            int n;
            try {
                n = q.getEvents(1, buf.capacity(), -1, TimeUnit.SECONDS, buf);
            } catch (QueueClosedException closed) {
                return;
            }
            String now = LocalTime.now().format(TIME);
            for (int i = 0; i < n && printed < count; i++, printed++) {
                int events = buf.events(i);
                out.printf("%s  %-18s %s%s%n", now, EventType.INODE.eventNames(events), buf.path(i),
                        (events & Kevent.INODE_UNWATCHED) != 0 ? "  (not watched: " + errnoName(buf.data(i)) + ")" : "");
                if ((buf.flags(i) & Kevent.RET_BROKEN) != 0) {
                    out.println("the watched path is gone; stopping");
                    out.flush();
                    return;
                }
            }
            out.flush();
        }
    }

    /** @return the name of an errno an UNWATCHED event carries, for the reasons a watch is refused */
    static String errnoName(long errno) {
        return switch ((int) errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 28 -> "ENOSPC";
            case 36 -> "ENAMETOOLONG";
            case 40 -> "ELOOP";
            default -> "errno " + errno;
        };
    }

    private void stopAndAwait() {
        stopping = true;
        KeventQueue q = queue;
        if (q != null) {
            try {
                q.wakeup();
            } catch (QueueClosedException alreadyDone) {
                // finished between the read and the call
            }
        }
        try {
            finished.await(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int mask() {
        if (events == null || events.isEmpty()) {
            return Kevent.INODE_ALL;
        }
        int mask = 0;
        for (String e : events) {
            mask |= switch (e.trim().toLowerCase(Locale.ROOT)) {
                case "create" -> Kevent.INODE_CREATE;
                case "remove", "delete" -> Kevent.INODE_REMOVE;
                case "modify" -> Kevent.INODE_MODIFY;
                case "attrib" -> Kevent.INODE_ATTRIB;
                case "moved_from" -> Kevent.INODE_MOVED_FROM;
                case "moved_to" -> Kevent.INODE_MOVED_TO;
                case "move", "moved" -> Kevent.INODE_MOVED_FROM | Kevent.INODE_MOVED_TO;
                case "close_write" -> Kevent.INODE_CLOSE_WRITE;
                case "delete_self" -> Kevent.INODE_DELETE_SELF;
                default -> throw new ParameterException(spec.commandLine(),
                        "unknown event '" + e + "' in --events; known: " + EVENT_NAMES);
            };
        }
        return mask;
    }
}
