package org.kevent.internal.source.socket;

/**
 * What a socket's storage ({@link SocketState}) asks of what lies beneath it: a kernel descriptor
 * on the Linux engine, a {@code java.nio} channel on the portable one (docs/SEMANTICS.md §10).
 * The split keeps {@link SocketState} and {@link SocketKind} free of the bindings on the portable
 * path, where loading one fails.
 *
 * <p>Every method takes the descriptor the storage holds, so the Linux implementation is one
 * stateless object for all sockets; a portable one belongs to its socket and may ignore it.
 */
public interface SocketIo {
    /**
     * @return whether the socket is a portable one: it is known by a portable descriptor number,
     *         served only by queues of the portable engine
     */
    boolean portable();

    /**
     * Reads and clears the socket's pending error ({@code SO_ERROR}).
     *
     * @param fd the descriptor
     * @return the positive errno, 0 if none, or {@code -errno} if it cannot be read
     */
    int pendingError(int fd);

    /**
     * Releases the descriptor: the last step of a close, when no use holds it any more.
     *
     * @param fd      the descriptor
     * @param lingers whether {@code SO_LINGER} may be on with a positive timeout (the close may wait)
     * @return 0 or {@code -errno}
     */
    int release(int fd, boolean lingers);

    /**
     * Sets {@code SO_LINGER} {on, 0}, so the close that follows resets the connection.
     *
     * @param fd the descriptor, still open
     * @return 0 or {@code -errno}
     */
    int lingerZero(int fd);
}
