package org.kevent.internal.access;

import org.kevent.internal.source.aio.FileHandle;
import org.kevent.internal.source.socket.SocketState;
import org.kevent.net.NativeFile;
import org.kevent.net.TcpSocket;

/**
 * The one bridge from the API to what {@code org.kevent.net} objects own inside: a socket's
 * storage, a file's handle. It is the JDK's {@code SharedSecrets} pattern: each net class installs
 * its accessor from its static initializer, and a getter that finds none yet initializes the class
 * itself, so no caller depends on a class having been touched before (the accessors are reached
 * with an instance in hand anyway, but the getter does not rely on it).
 *
 * <p>Only the API packages ({@code org.kevent}, {@code org.kevent.net}) use this class; no internal
 * room names {@code org.kevent.net} otherwise (the architecture test holds that).
 */
public final class NetSecrets {
    /** What {@code TcpSocket} lends the queue. */
    public interface Sockets {
        /** @return the socket's storage */
        SocketState state(TcpSocket socket);
    }

    /** What {@code NativeFile} lends the queue. */
    public interface Files {
        /** @return the file's handle */
        FileHandle handle(NativeFile file);
    }

    private static volatile Sockets sockets;
    private static volatile Files files;

    private NetSecrets() {
    }

    /**
     * Installs the socket side; called once, by {@code TcpSocket}'s static initializer.
     *
     * @param access the accessor
     */
    public static void setSockets(Sockets access) {
        sockets = access;
    }

    /**
     * Installs the file side; called once, by {@code NativeFile}'s static initializer.
     *
     * @param access the accessor
     */
    public static void setFiles(Files access) {
        files = access;
    }

    /**
     * @param socket a socket
     * @return its storage
     */
    public static SocketState state(TcpSocket socket) {
        Sockets s = sockets;
        if (s == null) {
            initialize(TcpSocket.class);
            s = sockets;
        }
        return s.state(socket);
    }

    /**
     * @param file a file
     * @return its handle
     */
    public static FileHandle handle(NativeFile file) {
        Files f = files;
        if (f == null) {
            initialize(NativeFile.class);
            f = files;
        }
        return f.handle(file);
    }

    private static void initialize(Class<?> c) {
        try {
            Class.forName(c.getName(), true, c.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot initialize " + c.getName(), e);
        }
    }
}
