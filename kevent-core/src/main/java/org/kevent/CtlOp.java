package org.kevent;

/** The operations of {@link KeventQueue#ctl}, as in the seed's {@code KEVENT_CTL_*}. */
public enum CtlOp {
    /** Register a new interest; {@code EEXIST} if (type, id) is already registered. */
    ADD,
    /** Remove an interest; {@code ENOENT} if unknown. It is never delivered afterwards. */
    REMOVE,
    /** Replace mask, flags, cookie (and timer settings) of an interest; {@code ENOENT} if unknown. */
    MODIFY
}
