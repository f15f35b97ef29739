package org.kevent.netty;

import io.netty.channel.IoRegistration;

/**
 * A source registered on a kevent event loop through {@link KeventEventLoops}: file-system watch,
 * timer or user event. {@link #cancel} ends it; so does closing the loop's group.
 *
 * <h2>Threading</h2>
 * Any thread; the events run on the loop.
 */
public class KeventRegistration {
    private final IoRegistration registration;

    KeventRegistration(IoRegistration registration) {
        this.registration = registration;
    }

    /**
     * Stops the source: no event is delivered after the loop has run the cancel (at once on the
     * loop's own thread). Idempotent.
     *
     * @return whether this call cancelled it
     */
    public boolean cancel() {
        return registration.cancel();
    }

    /** @return whether the source is still registered */
    public boolean isActive() {
        return registration.isValid();
    }
}
