package org.kevent;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM by {@link NativeAccessDeniedTest}: opens two queues as the JVM's settings
 * choose, runs a timer and a user event through the first, asks it for what the portable engine
 * refuses, and prints one line per step (an exception's class and message in place of a result).
 */
public final class PortableProbe {
    private PortableProbe() {
    }

    public static void main(String[] args) {
        try (KeventQueue queue = KeventQueue.open(); KeventQueue second = KeventQueue.open()) {
            System.out.println("engine " + queue.engine() + " " + queue.engineName() + " " + second.engineName());
            queue.ctl(CtlOp.ADD, Ukevent.timer(1, Duration.ofMillis(1)), Ukevent.user(2));
            CtlResults refused = queue.ctl(CtlOp.ADD, Ukevent.poll(0, Kevent.POLLIN), Ukevent.user(3),
                    Ukevent.inode(4, java.nio.file.Path.of("."), Kevent.INODE_CREATE),
                    Ukevent.socket(5, Kevent.SOCKET_RECV));
            System.out.println("poll " + refused.errorName(0) + " user " + (refused.ok(1) ? "added" : "failed")
                    + " inode " + refused.errorName(2) + " socket " + refused.errorName(3));
            queue.trigger(2);
            EventBuffer out = new EventBuffer(4);
            System.out.println("events " + queue.getEvents(2, 4, 10, TimeUnit.SECONDS, out));
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
        }
    }
}
