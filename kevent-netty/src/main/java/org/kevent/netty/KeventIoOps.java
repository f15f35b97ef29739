package org.kevent.netty;

import io.netty.channel.IoOps;

import org.kevent.Ukevent;

/**
 * The interest a registration wants on its loop's queue: one kevent record, or none. Submitting
 * it adds the record, replaces the one registered before (same type and id), or removes it.
 *
 * @param record the interest, or null for none
 */
record KeventIoOps(Ukevent record) implements IoOps {
    /** No interest: the registration stays, its queue interest goes. */
    static final KeventIoOps NONE = new KeventIoOps(null);
}
