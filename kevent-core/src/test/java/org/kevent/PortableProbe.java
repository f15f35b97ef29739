package org.kevent;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM by {@link NativeAccessDeniedTest}: opens two queues as the JVM's settings
 * choose, runs a timer and a user event through the first, asks it for what the portable engine
 * refuses, watches a temporary directory (INODE) and takes the event of a file made in it with
 * its name, and prints one line per step (an exception's class and message in place of a result).
 */
public final class PortableProbe {
    private PortableProbe() {
    }

    public static void main(String[] args) throws java.io.IOException {
        java.nio.file.Path watched = java.nio.file.Files.createTempDirectory("kevent-probe");
        try (KeventQueue queue = KeventQueue.open(); KeventQueue second = KeventQueue.open()) {
            System.out.println("engine " + queue.engine() + " " + queue.engineName() + " " + second.engineName());
            queue.ctl(CtlOp.ADD, Ukevent.timer(1, Duration.ofMillis(1)), Ukevent.user(2));
            CtlResults refused = queue.ctl(CtlOp.ADD, Ukevent.poll(0, Kevent.POLLIN), Ukevent.user(3),
                    Ukevent.inode(4, watched, Kevent.INODE_CREATE),
                    Ukevent.socket(5, Kevent.SOCKET_RECV));
            System.out.println("poll " + refused.errorName(0) + " user " + (refused.ok(1) ? "added" : "failed")
                    + " inode " + (refused.ok(2) ? "added" : refused.errorName(2)) + " socket " + refused.errorName(3));
            queue.trigger(2);
            EventBuffer out = new EventBuffer(4);
            System.out.println("events " + queue.getEvents(2, 4, 10, TimeUnit.SECONDS, out));
            if (refused.ok(2)) {
                java.nio.file.Files.createFile(watched.resolve("probe-file"));
                int n = queue.getEvents(1, 4, 10, TimeUnit.SECONDS, out);
                System.out.println("inode event " + (n == 1 ? EventType.INODE.eventNames(out.events(0)) + " "
                        + out.name(0) : n + " events"));
                java.nio.file.Files.delete(watched.resolve("probe-file"));
            }
            try {
                System.out.println("readinessFd " + queue.readinessFd());
            } catch (KeventException e) {
                System.out.println("readinessFd " + e.errorName());
            }
            try {
                System.out.println("aioCancel " + queue.aioCancel(1));
            } catch (KeventException e) {
                System.out.println("aioCancel " + e.errorName());
            }
        } catch (RuntimeException | LinkageError e) {
            System.out.println("open " + e);
        } finally {
            java.nio.file.Files.delete(watched);
        }
    }
}
