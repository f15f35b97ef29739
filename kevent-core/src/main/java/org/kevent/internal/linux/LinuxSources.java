package org.kevent.internal.linux;

import org.kevent.EventType;
import org.kevent.internal.queue.Engine;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.source.aio.Aio;
import org.kevent.internal.source.aio.AioBackend;
import org.kevent.internal.source.inode.InodeBackend;
import org.kevent.internal.source.inode.InodeKind;
import org.kevent.internal.source.poll.PollKind;
import org.kevent.internal.source.proc.ProcKind;
import org.kevent.internal.source.socket.SocketKind;
import org.kevent.internal.source.timer.TimerKind;
import org.kevent.internal.source.user.UserKind;

/**
 * The Linux backend's wiring: which kind serves which event type on a new queue, and on which
 * kernel facility. The queue room names no kind and the source rooms name no backend; this class
 * is where they meet, once per queue.
 */
public final class LinuxSources {
    /** Network AIO on io_uring, or on nonblocking calls driven by the queue's epoll set. */
    private static final Aio.Engines AIO_ENGINES = new Aio.Engines() {
        @Override
        public AioBackend openUring(SourceContext context, Aio aio, int cqEntries, boolean singleIssuer) {
            return UringAio.open(context, aio, cqEntries, singleIssuer);
        }

        @Override
        public AioBackend openReadiness(SourceContext context, Aio aio) {
            return new ReadinessAio(context, aio);
        }
    };

    private LinuxSources() {
    }

    /**
     * Installs every kind on a new engine: TIMER and USER (pure Java, on the engine's wheel and
     * ready list), POLL, SOCKET and INODE (on the queue's epoll set and inotify), NAIO, and PROC (a
     * pidfd per process in the epoll set).
     *
     * @param engine       the queue's engine, not used yet
     * @param inodeBackend the file-system watch facility, or null for inotify (its instance is made
     *                     with the first INODE interest, not here)
     * @return the NAIO kind, which the queue's network AIO calls reach directly
     */
    public static Aio install(Engine engine, InodeBackend inodeBackend) {
        engine.installKind(EventType.TIMER, new TimerKind(engine));
        engine.installKind(EventType.USER, new UserKind(engine));
        engine.installKind(EventType.POLL, new PollKind(engine));
        engine.installKind(EventType.SOCKET, new SocketKind(engine));
        engine.installKind(EventType.INODE, InodeKind.create(engine,
                inodeBackend != null ? inodeBackend : new LinuxInotify()));
        Aio aio = new Aio(engine, AIO_ENGINES);
        engine.installKind(EventType.NAIO, aio);
        engine.installKind(EventType.PROC, new ProcKind(engine));
        return aio;
    }
}
