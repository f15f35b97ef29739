package org.kevent;

import java.io.Serial;

/**
 * The queue was closed before or during the call. Thrown by every method of a closed queue, and
 * to every thread that was waiting in it when {@link KeventQueue#close()} ran.
 */
public final class QueueClosedException extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted on the closed queue
     */
    public QueueClosedException(String message) {
        super(message);
    }
}
