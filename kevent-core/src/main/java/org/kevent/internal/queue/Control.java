package org.kevent.internal.queue;

import org.kevent.CtlOp;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.Ukevent;

/**
 * The control path of a queue (the seed's {@code kevent_ctl}): one record at a time, judged whole
 * and applied whole, or refused with the error a {@code CtlResults} entry reports
 * (docs/SEMANTICS.md §4). The kinds judge and apply what only their type means; this class does
 * what every type shares: the common fields, the (type, id) table, the registration cap.
 *
 * <h2>Threading</h2>
 * Every method runs with the queue's lock held: {@link Engine} takes it, once per batch.
 */
final class Control {
    private final Engine engine;
    private final InterestTable table;
    private final SourceKind[] kinds;
    private final int maxInterests;

    Control(Engine engine, InterestTable table, SourceKind[] kinds, int maxInterests) {
        this.engine = engine;
        this.table = table;
        this.kinds = kinds;
        this.maxInterests = maxInterests;
    }

    /**
     * Applies one record.
     *
     * @param op     the operation
     * @param record the record
     * @param owner  the socket object a SOCKET record names, or null
     * @return null on success, else the error
     */
    CtlError apply(CtlOp op, Ukevent record, Object owner) {
        return switch (op) {
            case ADD -> add(record, owner);
            case REMOVE -> remove(record.type(), record.id());
            case MODIFY -> modify(record);
            case TRIGGER -> trigger(record.type(), record.id());
            case ENABLE -> enable(record.type(), record.id());
        };
    }

    /**
     * Marks the USER interests among {@code ids} ready.
     *
     * @return how many ids named a registered user event
     */
    int triggerAll(long[] ids, int offset, int length) {
        SourceKind user = kinds[EventType.USER.ordinal()];
        if (user == null) {
            return 0;
        }
        int found = 0;
        for (int k = offset; k < offset + length; k++) {
            Interest i = table.get(EventType.USER, ids[k]);
            if (i != null) {
                found++;
                user.trigger(i);
            }
        }
        return found;
    }

    private CtlError add(Ukevent r, Object owner) {
        CtlError invalid = validate(r);
        if (invalid != null) {
            return invalid;
        }
        if (table.get(r.type(), r.id()) != null) {
            return CtlError.of("EEXIST", r.type() + " " + r.id() + " is already registered in this queue");
        }
        if (table.size() >= maxInterests) {
            return CtlError.of("ENOSPC", "the queue's registration cap of " + maxInterests
                    + " interests is reached (KeventQueue.Builder.maxInterests)");
        }
        SourceKind kind = kinds[r.type().ordinal()];
        if (kind == null) {
            return CtlError.of("EOPNOTSUPP", r.type() + " interests are not available on the "
                    + engine.name() + " engine");
        }
        Interest i = table.allocate();
        i.type = r.type();
        i.id = r.id();
        i.enabled = true;
        table.insert(i);
        setRecord(i, r);
        i.kind = kind;
        CtlError error = kind.attach(i, r, owner);
        if (error != null) {
            engine.unlinkReady(i);
            table.remove(i);
            table.free(i);
        }
        return error;
    }

    private static void setRecord(Interest i, Ukevent r) {
        i.events = r.events();
        i.flags = r.flags();
        i.cookie = r.cookie();
        i.attachment = r.attachment();
    }

    private CtlError modify(Ukevent r) {
        CtlError invalid = validate(r);
        if (invalid != null) {
            return invalid;
        }
        Interest i = table.get(r.type(), r.id());
        if (i == null) {
            return notRegistered(r.type(), r.id());
        }
        return modifyKind(kinds[i.type.ordinal()], i, r);
    }

    /**
     * MODIFY of a source kind's interest: the record takes effect whole or, if the kind refuses it,
     * not at all (a failed record leaves its interest as it was, docs/SEMANTICS.md §4).
     */
    private CtlError modifyKind(SourceKind kind, Interest i, Ukevent r) {
        int events = i.events;
        int flags = i.flags;
        long cookie = i.cookie;
        Object attachment = i.attachment;
        boolean enabled = i.enabled;
        int readyEvents = i.readyEvents;
        long pending = i.pending;
        setRecord(i, r);
        i.enabled = true;
        CtlError error = kind.reattach(i, r);
        if (error != null) {
            i.events = events;
            i.flags = flags;
            i.cookie = cookie;
            i.attachment = attachment;
            i.enabled = enabled;
            i.readyEvents = readyEvents;
            i.pending = pending;
        }
        return error;
    }

    CtlError remove(EventType type, long id) {
        CtlError refused = refusedByCtl(type);
        if (refused != null) {
            return refused;
        }
        Interest i = table.get(type, id);
        if (i == null) {
            return notRegistered(type, id);
        }
        engine.unregister(i);
        return null;
    }

    private static CtlError notRegistered(EventType type, long id) {
        return CtlError.of("ENOENT", type + " " + id + " is not registered in this queue");
    }

    /**
     * Judges every field of an ADD or MODIFY record (docs/SEMANTICS.md §4): records are built
     * without checks, so that a bad value fails its own record here, not the whole batch at build
     * time. The message names the field and the value.
     */
    private CtlError validate(Ukevent r) {
        CtlError refused = refusedByCtl(r.type());
        if (refused != null) {
            return refused;
        }
        int unknownFlags = r.flags() & ~Kevent.REQ_MASK;
        if (unknownFlags != 0) {
            return CtlError.of("EINVAL", "unknown request flag bits 0x" + Integer.toHexString(unknownFlags)
                    + " (field flags)");
        }
        if ((r.flags() & (Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH)) == (Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH)) {
            return CtlError.of("EINVAL", "ONESHOT and DISPATCH exclude each other (field flags)");
        }
        if (r.events() == 0) {
            return CtlError.of("EINVAL", "empty event mask (field events)");
        }
        int foreign = r.events() & ~r.type().validEvents();
        if (foreign != 0) {
            // Named by their constants, so their own family shows: POLLIN on a SOCKET record.
            String why = (foreign & ~r.type().reportedEvents()) == 0
                    ? " are reported by the queue, never asked for" : " are not " + r.type() + " events";
            return CtlError.of("EINVAL", "event bits " + Kevent.eventNames(foreign) + " (0x"
                    + Integer.toHexString(foreign) + ")" + why + " (field events)");
        }
        SourceKind kind = kinds[r.type().ordinal()];
        return kind == null ? null : kind.validate(r);
    }

    /** @return the error of a ctl record for a type whose interests ctl does not make, or null */
    private CtlError refusedByCtl(EventType type) {
        SourceKind kind = kinds[type.ordinal()];
        return kind == null ? null : kind.refusedByCtl();
    }

    CtlError trigger(EventType type, long id) {
        SourceKind kind = kinds[type.ordinal()];
        if (kind == null || !kind.triggerable()) {
            return CtlError.of("EINVAL", "TRIGGER marks USER interests ready, not " + type + " ones (field type)");
        }
        Interest i = table.get(type, id);
        if (i == null) {
            return notRegistered(type, id);
        }
        kind.trigger(i);
        return null;
    }

    CtlError enable(EventType type, long id) {
        // A request is not an interest the caller arms: the same answer as for REMOVE.
        CtlError refused = refusedByCtl(type);
        if (refused != null) {
            return refused;
        }
        Interest i = table.get(type, id);
        if (i == null) {
            return notRegistered(type, id);
        }
        i.enabled = true;
        SourceKind kind = kinds[i.type.ordinal()];
        if (kind != null) {
            kind.enabled(i);
        }
        engine.ready(i);
        return null;
    }
}
