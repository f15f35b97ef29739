package org.kevent.netty;

/**
 * Receives the events of a source registered through {@link KeventEventLoops}, on the source's
 * event loop.
 */
@FunctionalInterface
public interface KeventListener {
    /**
     * One event of the source.
     *
     * @param event the event: valid only during this call (the loop reuses it)
     * @throws Exception reported to the loop's log; the source stays registered
     */
    void onEvent(KeventSourceEvent event) throws Exception;
}
