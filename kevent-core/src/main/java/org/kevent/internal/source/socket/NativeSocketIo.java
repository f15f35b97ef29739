package org.kevent.internal.source.socket;

import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.Sockets;

/** {@link SocketIo} of the Linux engine: system calls on the descriptor, one object for every socket. */
public final class NativeSocketIo implements SocketIo {
    /** The one instance. */
    public static final NativeSocketIo INSTANCE = new NativeSocketIo();

    private NativeSocketIo() {
    }

    @Override
    public boolean portable() {
        return false;
    }

    @Override
    public int pendingError(int fd) {
        return Sockets.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
    }

    @Override
    public int release(int fd, boolean lingers) {
        return lingers ? Sockets.closeLingering(fd) : Fd.close(fd);
    }

    @Override
    public int lingerZero(int fd) {
        return Sockets.setLinger(fd, true, 0);
    }
}
