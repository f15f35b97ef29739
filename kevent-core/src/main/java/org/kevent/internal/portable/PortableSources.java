package org.kevent.internal.portable;

import org.kevent.EventType;
import org.kevent.internal.queue.Engine;
import org.kevent.internal.source.aio.Aio;
import org.kevent.internal.source.inode.InodeKind;
import org.kevent.internal.source.socket.SocketKind;
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
     * the JDK's {@code WatchService} ({@link PortableInotify}), SOCKET as on Linux on the portable
     * sockets' descriptors (the selector's readiness, {@link PortableSocket}), NAIO on the readiness
     * engine over them ({@link PortableAio}), and a refusing kind for each type that needs a
     * native descriptor.
     *
     * @param engine the queue's engine, made on a {@link PortablePoller}
     * @return the NAIO kind (network AIO on readiness, {@link PortableAio}), which the queue's
     *         network AIO calls reach directly
     */
    public static Aio install(Engine engine) {
        engine.installKind(EventType.TIMER, new TimerKind(engine));
        engine.installKind(EventType.USER, new UserKind(engine));
        engine.installKind(EventType.PROC, new PortableProcKind(engine));
        engine.installKind(EventType.INODE, InodeKind.create(engine, new PortableInotify()));
        engine.installKind(EventType.SOCKET, new SocketKind(engine, true));
        Aio aio = new Aio(engine, PortableAio.ENGINES, true);
        engine.installKind(EventType.NAIO, aio);
        for (EventType type : EventType.values()) {
            if (type != EventType.TIMER && type != EventType.USER && type != EventType.PROC
                    && type != EventType.INODE && type != EventType.SOCKET && type != EventType.NAIO) {
                engine.installKind(type, new RefusedKind(engine, type, needs(type)));
            }
        }
        return aio;
    }

    /** @return what a type the portable engine refuses would need, for its records' message */
    private static String needs(EventType type) {
        return switch (type) {
            case POLL -> "watching a raw file descriptor needs epoll";
            default -> "it needs the linux engine's native facilities";
        };
    }
}
