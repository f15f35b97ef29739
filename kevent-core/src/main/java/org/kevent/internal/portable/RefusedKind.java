package org.kevent.internal.portable;

import org.kevent.EventType;
import org.kevent.Ukevent;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.SourceKind;

/**
 * An event type the portable engine cannot serve (a descriptor it cannot watch without native
 * access): every ctl record of the type fails alone with {@code EOPNOTSUPP} and a message naming
 * the type and the engine that has it, and the rest of its batch applies (docs/SEMANTICS.md §10).
 */
final class RefusedKind extends SourceKind {
    private final CtlError refusal;

    /**
     * @param context the queue
     * @param type    the type refused
     * @param why     what the type would need, for the message
     */
    RefusedKind(SourceContext context, EventType type, String why) {
        super(context);
        this.refusal = CtlError.of("EOPNOTSUPP", type + " records are not supported by the portable engine: "
                + why + "; open the queue on the linux engine (docs/SEMANTICS.md §10)");
    }

    /**
     * Refuses in the type's own judgement, after the queue judged the common fields: a record
     * that is wrong on every engine (bits of another type, an empty mask) is {@code EINVAL} here
     * too, and a REMOVE or ENABLE of such an id is {@code ENOENT}, as nothing of the type is ever
     * registered.
     */
    @Override
    public CtlError validate(Ukevent r) {
        return refusal;
    }

    @Override
    public CtlError attach(Interest i, Ukevent r) {
        return refusal;
    }

    @Override
    public CtlError reattach(Interest i, Ukevent r) {
        return refusal;
    }

    @Override
    public void detach(Interest i) {
    }
}
