package org.kevent.internal.source.user;

import org.kevent.Kevent;
import org.kevent.Ukevent;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.SourceKind;

/**
 * USER interests (docs/SEMANTICS.md §2): no source but the caller, who marks one ready with
 * TRIGGER; triggers before a delivery coalesce into one event whose data counts them.
 *
 * <p>Every method runs with the queue lock held.
 */
public final class UserKind extends SourceKind {
    /**
     * @param context the queue
     */
    public UserKind(SourceContext context) {
        super(context);
    }

    /** A delivery consumes the event: nothing to re-check or re-arm. */
    @Override
    protected boolean hasDeliveryHook() {
        return false;
    }

    @Override
    public CtlError attach(Interest i, Ukevent r) {
        return null;
    }

    /** A MODIFY keeps a trigger not yet delivered: it stays queued, or is queued again once enabled. */
    @Override
    public CtlError reattach(Interest i, Ukevent r) {
        if (i.readyEvents != 0) {
            context.ready(i);
        }
        return null;
    }

    @Override
    public void detach(Interest i) {
    }

    @Override
    public boolean triggerable() {
        return true;
    }

    @Override
    public void trigger(Interest i) {
        if (i.pending != Long.MAX_VALUE) {
            i.pending++;
        }
        i.readyEvents = Kevent.USER_TRIGGER;
        context.ready(i);
    }
}
