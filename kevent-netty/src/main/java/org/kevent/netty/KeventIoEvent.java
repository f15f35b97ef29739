package org.kevent.netty;

import io.netty.channel.IoEvent;

import java.nio.file.Path;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;

/**
 * One delivered kevent event as a Netty {@link IoEvent}: a view of one slot of the loop's
 * {@link EventBuffer}, reused for every event so that delivery allocates nothing. Valid only while
 * the handle's {@code handle} method runs.
 */
final class KeventIoEvent implements IoEvent {
    private EventBuffer buffer;
    private int index;

    void point(EventBuffer events, int i) {
        this.buffer = events;
        this.index = i;
    }

    EventType type() {
        return buffer.type(index);
    }

    long id() {
        return buffer.id(index);
    }

    /** @return the event bits seen (per type, {@link Kevent}'s constants) */
    int events() {
        return buffer.events(index);
    }

    /** @return whether the source died (closed, deleted): this is its last event */
    boolean broken() {
        return (buffer.flags(index) & Kevent.RET_BROKEN) != 0;
    }

    long data() {
        return buffer.data(index);
    }

    long data2() {
        return buffer.data2(index);
    }

    /** @return for an INODE event, the path it is about; allocates */
    Path path() {
        return buffer.path(index);
    }

    @Override
    public String toString() {
        return "KeventIoEvent[" + type() + " " + id() + " " + type().eventNames(events()) + (broken() ? " BROKEN]" : "]");
    }
}
