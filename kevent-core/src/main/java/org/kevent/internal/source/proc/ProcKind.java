package org.kevent.internal.source.proc;

import org.kevent.Kevent;
import org.kevent.Ukevent;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.SourceKind;
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
public final class ProcKind extends SourceKind {

    /**
     * @param context the queue this kind serves; its epoll set holds the pidfds
     */
    public ProcKind(SourceContext context) {
        super(context);
    }

    /** One watched process: the interest's {@code sourceState}. Guarded by the queue lock. */
    private static final class Watch {
        final Interest interest;
        final int generation;
        /** The record's {@link Process}, whose status the event carries; null for a handle or a pid. */
        final Process process;

        Watch(Interest interest, Process process) {
            this.interest = interest;
            this.generation = interest.generation;
            this.process = process;
        }

        /** @return whether this watch still serves its interest (not removed, object not reused) */
        boolean current() {
            return interest.sourceState == this && interest.generation == generation;
        }
    }

    @Override
    protected boolean hasDeliveryHook() {
        // The only delivery is the last one: BROKEN removes the interest before any hook would run.
        return false;
    }

    @Override
    public CtlError validate(Ukevent r) {
        CtlError error = super.validate(r);
        if (error == null && (r.id() <= 0 || r.id() > Integer.MAX_VALUE)) {
            return CtlError.of("EINVAL", "PROC id " + r.id() + " is not a process id: a pid is a positive "
                    + "32-bit pid_t (field id)");
        }
        return error;
    }

    @Override
    public CtlError attach(Interest i, Ukevent r) {
        return attach(i, r, null);
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
     * Whether the process a record names still exists, by the JDK's {@link ProcessHandle}, which
     * looks at the pid's current owner and compares its start time, so a pid given to another
     * process reads as gone. A {@link Process} is asked through its handle: its own
     * {@code isAlive()} stays true from the reaping until the JDK's reaper thread records the
     * status, while the pid is already free. A caller's {@code Process} without a handle answers
     * itself.
     */
    private static boolean alive(Object owner) {
        if (owner instanceof Process p) {
            try {
                return p.toHandle().isAlive();
            } catch (UnsupportedOperationException noHandle) {
                return p.isAlive();
            }
        }
        return ((ProcessHandle) owner).isAlive();
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
    public CtlError reattach(Interest i, Ukevent r) {
        // Nothing to re-arm: the descriptor reports the one exit whatever the new flags say.
        context.requeue(i);
        return null;
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

    /**
     * The process has exited: queues the EXIT now, or, for a {@link Process} whose status the
     * JDK's reaper thread has not recorded yet (it does right after the exit), when
     * {@link Process#onExit()} completes: inline, under this lock (reentrant), if that comes
     * before the callback is in place.
     */
    private void exitSeen(Watch w) {
        Process p = w.process;
        if (p == null || !p.isAlive()) {
            exited(w);
            return;
        }
        p.onExit().thenRun(() -> context.runLocked(() -> {
            if (w.current()) {
                exited(w);
            }
        }));
    }

    /** Queues the interest's one EXIT event, with the status if the JDK has it. */
    private void exited(Watch w) {
        Interest i = w.interest;
        i.pending = w.process != null ? status(w.process) : Kevent.PROC_STATUS_UNKNOWN;
        i.data2 = 0;
        i.readyEvents = Kevent.PROC_EXIT;
        i.retFlags |= Kevent.RET_BROKEN;
        context.ready(i);
    }

    /**
     * The status of an exited process. A {@link Process} may be the caller's own subclass, whose
     * {@code exitValue} could throw: that must not end the harvest of the other interests, which
     * runs this under the queue's lock.
     */
    private static long status(Process p) {
        try {
            return p.exitValue();
        } catch (RuntimeException notAStatus) {
            return Kevent.PROC_STATUS_UNKNOWN;
        }
    }
}
