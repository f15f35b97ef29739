package org.kevent.netty;

import io.netty.channel.IoRegistration;

/**
 * A user event of a kevent event loop ({@link KeventEventLoops#userEvent}): any thread may
 * {@link #trigger} it, and its listener runs on the loop; triggers that come before the loop gets
 * to it are coalesced into one event whose {@link KeventSourceEvent#data()} counts them. Unlike
 * {@code EventLoop.execute}, it allocates nothing per trigger and never queues more than one
 * event, however often it is triggered.
 */
public final class KeventUserEvent extends KeventRegistration {
    private final KeventIoHandler handler;
    private final long id;

    KeventUserEvent(IoRegistration registration, KeventIoHandler handler, long id) {
        super(registration);
        this.handler = handler;
        this.id = id;
    }

    /**
     * Makes the event ready; any thread.
     *
     * @return false once it was cancelled or its loop has shut down (nothing happens then)
     */
    public boolean trigger() {
        return isActive() && handler.trigger(id);
    }
}
