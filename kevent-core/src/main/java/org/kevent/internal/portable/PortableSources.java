package org.kevent.internal.portable;

import org.kevent.EventType;
import org.kevent.internal.queue.Engine;
import org.kevent.internal.source.inode.InodeKind;
import org.kevent.internal.source.timer.TimerKind;
import org.kevent.internal.source.user.UserKind;

/**
 * The portable engine's wiring (docs/DESIGN.md §3): which kind serves which event type on a queue
 * that runs without native access. Nothing here, nor in the kinds it installs, may load a class of
 * {@code internal.sys}: their initializers link native functions, which a JVM that refuses this
 * module native access answers with {@link IllegalCallerException}.
 */
public final class PortableSources {
    private PortableSources() {
    }

    /**
     * Installs every kind on a new engine: TIMER and USER as on Linux (the wheel and the ready list
     * are Java), PROC on the JDK's exit completions, INODE as on Linux on an inotify emulated over
     * the JDK's {@code WatchService} ({@link PortableInotify}), and a refusing kind for each type
     * that needs a native descriptor.
     *
     * @param engine the queue's engine, made on a {@link PortablePoller}
     */
    public static void install(Engine engine) {
        engine.installKind(EventType.TIMER, new TimerKind(engine));
        engine.installKind(EventType.USER, new UserKind(engine));
        engine.installKind(EventType.PROC, new PortableProcKind(engine));
        engine.installKind(EventType.INODE, InodeKind.create(engine, new PortableInotify()));
        for (EventType type : EventType.values()) {
            if (type != EventType.TIMER && type != EventType.USER && type != EventType.PROC
                    && type != EventType.INODE) {
                engine.installKind(type, new RefusedKind(engine, type, needs(type)));
            }
        }
    }

    /** @return what a type the portable engine refuses would need, for its records' message */
    private static String needs(EventType type) {
        return switch (type) {
            case POLL -> "watching a raw file descriptor needs epoll";
            case SOCKET -> "the library's sockets are native";
            case NAIO -> "network AIO needs the library's native sockets";
            default -> "it needs the linux engine's native facilities";
        };
    }
}
