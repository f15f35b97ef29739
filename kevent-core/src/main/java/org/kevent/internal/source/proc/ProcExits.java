package org.kevent.internal.source.proc;

import org.kevent.Kevent;
import org.kevent.Ukevent;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.SourceKind;

/**
 * What PROC interests mean whatever tells of the exit (docs/SEMANTICS.md §2): the checks of a
 * record, the one EXIT event and its status. {@link ProcKind} learns of exits from a pidfd in the
 * queue's epoll set; the portable engine from {@link ProcessHandle#onExit()}. Pure Java: the
 * portable engine loads it where native access is refused.
 *
 * <h2>Semantics</h2>
 * EXIT is queued once with {@link Kevent#RET_BROKEN} and the engine removes the interest after that
 * delivery, in every trigger mode. data: for a record made from a {@link Process}, its exit status
 * as the JDK reports it, else {@link Kevent#PROC_STATUS_UNKNOWN}.
 */
public abstract class ProcExits extends SourceKind {

    /**
     * @param context the queue this kind serves
     */
    protected ProcExits(SourceContext context) {
        super(context);
    }

    /** One watched process: the interest's {@code sourceState}. Guarded by the queue lock. */
    protected static final class Watch {
        final Interest interest;
        final int generation;
        /** The record's {@link Process}, whose status the event carries; null for a handle or a pid. */
        final Process process;

        /**
         * @param interest the interest
         * @param process  the record's {@link Process}, or null
         */
        public Watch(Interest interest, Process process) {
            this.interest = interest;
            this.generation = interest.generation;
            this.process = process;
        }

        /** @return whether this watch still serves its interest (not removed, object not reused) */
        public boolean current() {
            return interest.sourceState == this && interest.generation == generation;
        }
    }

    /** A record without its object (a bare pid): as {@link #attach(Interest, Ukevent, Object)} with none. */
    @Override
    public final CtlError attach(Interest i, Ukevent r) {
        return attach(i, r, null);
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

    /**
     * Whether the process a record names still exists, by the JDK's {@link ProcessHandle}, which
     * looks at the pid's current owner and compares its start time, so a pid given to another
     * process reads as gone. A {@link Process} is asked through its handle: its own
     * {@code isAlive()} stays true from the reaping until the JDK's reaper thread records the
     * status, while the pid is already free. A caller's {@code Process} without a handle answers
     * itself.
     */
    protected static boolean alive(Object owner) {
        if (owner instanceof Process p) {
            try {
                return p.toHandle().isAlive();
            } catch (UnsupportedOperationException noHandle) {
                return p.isAlive();
            }
        }
        return ((ProcessHandle) owner).isAlive();
    }

    @Override
    public CtlError reattach(Interest i, Ukevent r) {
        // Nothing to re-arm: the descriptor reports the one exit whatever the new flags say.
        context.requeue(i);
        return null;
    }

    /**
     * The process has exited: queues the EXIT now, or, for a {@link Process} whose status the
     * JDK's reaper thread has not recorded yet (it does right after the exit), when
     * {@link Process#onExit()} completes: inline, under this lock (reentrant), if that comes
     * before the callback is in place.
     */
    protected final void exitSeen(Watch w) {
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
