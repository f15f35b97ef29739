package org.kevent.internal.source.timer;

import org.kevent.Kevent;
import org.kevent.Ukevent;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.SourceKind;
import org.kevent.internal.timer.ExpiryHandler;
import org.kevent.internal.timer.Saturating;
import org.kevent.internal.timer.TimerNode;

/**
 * TIMER interests (docs/SEMANTICS.md §2): a one-shot or periodic deadline on the queue's timer
 * wheel. The wheel is the queue's own (it sets how long the queue may sleep in the kernel), so
 * this kind asks the queue to schedule; what an expiry means — how many periods passed, when it
 * fired — is decided here.
 *
 * <p>Every method runs with the queue lock held.
 */
public final class TimerKind extends SourceKind implements ExpiryHandler {
    /**
     * @param context the queue
     */
    public TimerKind(SourceContext context) {
        super(context);
    }

    @Override
    public CtlError validate(Ukevent r) {
        // An absolute deadline may be anything: nanoTime values can be negative, and a past one is due.
        if (!r.timerAbsolute() && r.timerValue() < 0) {
            return CtlError.of("EINVAL", "timer delay " + r.timerValue() + " ns is negative (field delay)");
        }
        if (r.periodNanos() < 0) {
            return CtlError.of("EINVAL", "timer period " + r.periodNanos() + " ns is negative (field period)");
        }
        return r.recursive() ? notRecursive(r) : null;
    }

    /** A delivery consumes the event: nothing to re-check or re-arm. */
    @Override
    protected boolean hasDeliveryHook() {
        return false;
    }

    @Override
    public CtlError attach(Interest i, Ukevent r) {
        long now = context.now();
        long deadline = r.timerAbsolute() ? r.timerValue() : Saturating.add(now, r.timerValue());
        i.period = r.periodNanos();
        context.schedule(i, deadline, now);
        return null;
    }

    /** A MODIFY is a re-arm: expirations of the old setting are dropped. */
    @Override
    public CtlError reattach(Interest i, Ukevent r) {
        context.unschedule(i);
        i.pending = 0;
        context.notReady(i);
        return attach(i, r);
    }

    @Override
    public void detach(Interest i) {
        context.unschedule(i);
    }

    @Override
    public void onExpiry(TimerNode node, long now) {
        Interest i = (Interest) node;
        long expirations = 1;
        if (i.period > 0) {
            // Keep the phase: the next deadline is the first deadline + k * period after now.
            long late = now - i.deadline();
            long missed = late / i.period;
            expirations = Saturating.add(missed, 1);
            long next = Saturating.add(i.deadline(), Saturating.multiply(expirations, i.period));
            context.schedule(i, next, now);
        }
        i.pending = Saturating.add(i.pending, expirations);
        i.data2 = now;
        i.readyEvents = Kevent.TIMER_FIRED;
        context.ready(i);
    }
}
