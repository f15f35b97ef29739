package org.kevent;

/**
 * The operations of {@link KeventQueue#ctl}, as in the seed's {@code KEVENT_CTL_*}: every
 * record-level operation has a per-record form here, so a batch reports each record's errno
 * instead of stopping (docs/SEMANTICS.md §4).
 *
 * <p>ADD and MODIFY judge every field of the record and fail it alone with {@code EINVAL} naming
 * the field. REMOVE, TRIGGER and ENABLE match on (type, id) only, so {@code Ukevent.user(7)}
 * names the user event 7 whatever its flags. The single-record shorthands
 * ({@link KeventQueue#add}, {@link KeventQueue#modify}, {@link KeventQueue#remove},
 * {@link KeventQueue#trigger(long)}, {@link KeventQueue#enable}) throw {@link KeventException}
 * with exactly the error {@code ctl} would report for that record.
 */
public enum CtlOp {
    /** Register a new interest; {@code EEXIST} if (type, id) is already registered. */
    ADD,
    /** Remove an interest; {@code ENOENT} if unknown. It is never delivered afterwards. */
    REMOVE,
    /** Replace mask, flags, cookie (and timer settings) of an interest; {@code ENOENT} if unknown. */
    MODIFY,
    /**
     * Mark a USER interest ready (the seed's {@code KEVENT_CTL_READY}); triggers coalesce until
     * its delivery. {@code ENOENT} if no user event has that id, {@code EINVAL} for a record of
     * another type.
     */
    TRIGGER,
    /**
     * Re-arm a {@link Kevent#REQ_DISPATCH} interest that its delivery disabled; activity that came
     * meanwhile is delivered now. {@code ENOENT} if unknown.
     */
    ENABLE
}
