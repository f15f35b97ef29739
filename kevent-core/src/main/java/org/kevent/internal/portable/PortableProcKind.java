package org.kevent.internal.portable;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.kevent.Ukevent;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.source.proc.ProcExits;

/**
 * PROC interests on the portable engine: the exit is learnt from {@link Process#onExit()} (for a
 * record made from a {@link Process}) or {@link ProcessHandle#onExit()}, the JDK's own
 * completion, instead of a pidfd. The events are those of the Linux engine
 * (docs/SEMANTICS.md §2 and §10): one EXIT, the status for a {@link Process}, ready at add for a
 * process already gone, {@code ESRCH} for a pid no process has.
 *
 * <h2>Caveats</h2>
 * A completion callback cannot be taken back: an interest removed before its process exits leaves
 * a small callback with the JDK until then, which finds the interest gone and does nothing. How
 * soon the JDK notices the exit of a process that is not this JVM's child is the JDK's matter
 * (it may poll).
 */
final class PortableProcKind extends ProcExits {

    /**
     * @param context the queue this kind serves
     */
    PortableProcKind(SourceContext context) {
        super(context);
    }

    @Override
    public CtlError attach(Interest i, Ukevent r, Object owner) {
        Process process = owner instanceof Process p ? p : null;
        ProcessHandle handle = owner instanceof ProcessHandle h ? h : null;
        if (owner == null) {
            Optional<ProcessHandle> found = ProcessHandle.of(r.id());
            if (found.isEmpty()) {
                return CtlError.of("ESRCH", "no process has pid " + r.id() + " (ProcessHandle.of)");
            }
            handle = found.get();
        }
        Watch w = new Watch(i, process);
        i.sourceState = w;
        if (owner != null && !alive(owner)) {
            exitSeen(w);
            return null;
        }
        CompletableFuture<?> exit;
        try {
            exit = process != null ? process.onExit() : handle.onExit();
        } catch (IllegalStateException self) {
            return null;   // this JVM's own process: it never sees its exit, as a pidfd never reports it
        }
        // May run at once, under this lock, if the exit is already known: the lock is reentrant.
        exit.thenRun(() -> context.runLocked(() -> {
            if (w.current()) {
                exitSeen(w);
            }
        }));
        return null;
    }

    @Override
    public void detach(Interest i) {
        // Nothing held: the callback finds the interest gone (Watch.current) when it runs.
    }
}
