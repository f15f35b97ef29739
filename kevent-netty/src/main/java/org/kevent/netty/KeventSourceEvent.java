package org.kevent.netty;

import java.nio.file.Path;

import org.kevent.EventType;
import org.kevent.Kevent;

/**
 * One event of a source registered through {@link KeventEventLoops}: a view of the kevent event
 * the loop took from its queue (docs/SEMANTICS.md §2 for what each type reports). Valid only
 * during {@link KeventListener#onEvent}: the loop reuses it for the next event.
 */
public final class KeventSourceEvent {
    private KeventIoEvent event;

    KeventSourceEvent() {
    }

    KeventSourceEvent point(KeventIoEvent e) {
        this.event = e;
        return this;
    }

    /** @return INODE, TIMER or USER */
    public EventType type() {
        return event.type();
    }

    /**
     * @return the event bits: {@link Kevent#INODE_CREATE} and the other INODE bits,
     *         {@link Kevent#TIMER_FIRED}, {@link Kevent#USER_TRIGGER}
     */
    public int events() {
        return event.events();
    }

    /**
     * @return TIMER: expirations since the last delivery; USER: triggers coalesced; INODE: the
     *         rename cookie (or the errno of an UNWATCHED directory)
     */
    public long data() {
        return event.data();
    }

    /** @return TIMER: the fire time ({@link System#nanoTime()}'s clock); INODE: 1 for a CREATE found by a scan */
    public long data2() {
        return event.data2();
    }

    /** @return INODE: the path the event is about (the watched path resolved with the entry's name); else null */
    public Path path() {
        return event.path();
    }

    /** @return whether the source is gone (a watched directory deleted): its last event */
    public boolean broken() {
        return event.broken();
    }

    @Override
    public String toString() {
        return event.toString();
    }
}
