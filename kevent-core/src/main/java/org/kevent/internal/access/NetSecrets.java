package org.kevent.internal.source.socket;

import org.kevent.net.NativeFile;
import org.kevent.net.TcpSocket;

/**
 * Reaches the internals of {@code org.kevent.net} objects from {@code org.kevent} without making
 * them public: each net class installs its accessor from its static initializer, which has run by
 * the time anyone holds an instance.
 */
public final class NetAccess {
    /** What {@code TcpSocket} lends the engine. */
    public interface Sockets {
        /** @return the socket's storage */
        SocketState state(TcpSocket socket);
    }

    /** What {@code NativeFile} lends the engine. */
    public interface Files {
        /** @return the file's descriptor, pinned open until {@link #releaseFile}; -1 if closed */
        int acquireFile(NativeFile file);

        /** Ends a pin taken by {@link #acquireFile}; the last one closes a file closed meanwhile. */
        void releaseFile(NativeFile file);
    }

    private static volatile Sockets socketBridge;
    private static volatile Files fileBridge;

    private NetAccess() {
    }

    /**
     * Installs the socket side of the bridge; called once by {@code TcpSocket}.
     *
     * @param bridge the accessor
     */
    public static void installSockets(Sockets bridge) {
        socketBridge = bridge;
    }

    /**
     * Installs the file side of the bridge; called once by {@code NativeFile}.
     *
     * @param bridge the accessor
     */
    public static void installFiles(Files bridge) {
        fileBridge = bridge;
    }

    /**
     * @param socket a socket
     * @return its storage
     */
    public static SocketState state(TcpSocket socket) {
        return socketBridge.state(socket);
    }

    /**
     * @param file a file
     * @return its descriptor, pinned; -1 if it is closed
     */
    public static int acquireFile(NativeFile file) {
        return fileBridge.acquireFile(file);
    }

    /**
     * @param file a file pinned by {@link #acquireFile}
     */
    public static void releaseFile(NativeFile file) {
        fileBridge.releaseFile(file);
    }
}
