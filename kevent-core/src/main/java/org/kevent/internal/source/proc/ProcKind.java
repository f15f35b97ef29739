package org.kevent.internal.source.proc;

import org.kevent.Kevent;
import org.kevent.Ukevent;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.Pidfd;

/**
 * PROC interests: the exit of a process, through a process descriptor ({@code pidfd_open},
 * Linux 5.3) in the queue's epoll set, which the kernel reports readable once the process has
 * exited. No thread per process, no polling (docs/SEMANTICS.md §2).
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>EXIT is a condition that happens once and then holds for good: it is queued once with
 *       {@link Kevent#RET_BROKEN} (the process, the source, is gone) and the engine removes the
 *       interest after that delivery, in every trigger mode. The descriptor is registered
 *       {@code EPOLLONESHOT}: one report, no re-arm.</li>
 *   <li>data: for a record made from a {@link Process}, its exit status as the JDK reports it
 *       ({@link Process#exitValue()}). The JDK reaps its children itself, on its own thread, right
 *       after the exit; nothing here calls {@code waitid}, so {@link Process#waitFor()} still
 *       works. The descriptor can become readable before the JDK has reaped: the event is then
 *       queued from {@link Process#onExit()}'s completion, under the queue's lock, so it always
 *       carries the status. Other records carry {@link Kevent#PROC_STATUS_UNKNOWN}.</li>
 *   <li>A record naming a {@link Process} or {@link ProcessHandle} is checked after the open: the
 *       JDK tells whether that very process is still alive (a handle compares start times), so
 *       an exited one is queued at once, ready at add (§3), and never mistaken for a process that
 *       got its pid since. A bare pid is whatever process holds it at the ADD.</li>
 * </ul>
 */
public final class ProcKind extends ProcExits {

    /**
     * @param context the queue this kind serves; its epoll set holds the pidfds
     */
    public ProcKind(SourceContext context) {
        super(context);
    }

    @Override
    public CtlError attach(Interest i, Ukevent r, Object owner) {
        long pid = r.id();
        Process process = owner instanceof Process p ? p : null;
        int fd = Pidfd.open(pid);
        // Asked after the open: if the process is still alive now, it was alive at the open, so
        // the descriptor names it and not a later owner of its pid. Also when the open found no
        // process (ESRCH): the record's object names one that existed, so it has exited.
        if (owner != null && !alive(owner)) {
            if (fd >= 0) {
                Fd.close(fd);
            }
            Watch w = new Watch(i, process);
            i.sourceState = w;
            exitSeen(w);
            return null;
        }
        if (fd < 0) {
            return openError(-fd, pid);
        }
        long token = context.watchFd(fd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT, i);
        if (token < 0) {
            Fd.close(fd);
            return CtlError.of(Errno.name((int) -token), Errno.message((int) -token)
                    + " (epoll_ctl adding the pidfd of pid " + pid + ")");
        }
        i.fd = fd;
        i.token = token;
        i.sourceState = new Watch(i, process);
        return null;
    }

    /**
     * The error of a failed {@code pidfd_open}; package-private so the mapping of errnos this
     * kernel never returns (ENOSYS before Linux 5.3) is tested too.
     */
    static CtlError openError(int errno, long pid) {
        return switch (errno) {
            case Errno.ESRCH -> CtlError.of("ESRCH", "no process has pid " + pid + " (pidfd_open)");
            case Errno.ENOSYS -> CtlError.of("EOPNOTSUPP", "PROC interests need pidfd_open, Linux 5.3 or later: "
                    + "this kernel does not have it (ENOSYS)");
            default -> CtlError.of(Errno.name(errno), Errno.message(errno) + " (pidfd_open for pid " + pid + ")");
        };
    }

    @Override
    public void detach(Interest i) {
        if (i.fd >= 0) {
            context.unwatchFd(i.token, i.fd);
            Fd.close(i.fd);
            i.fd = -1;
        }
    }

    @Override
    public void onFdEvents(Interest i, int epollEvents) {
        exitSeen((Watch) i.sourceState);
    }
}
