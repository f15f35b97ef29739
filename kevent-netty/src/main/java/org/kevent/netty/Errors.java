package org.kevent.netty;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketException;

import org.kevent.KeventException;

/**
 * Turns the library's {@link KeventException} (unchecked, naming the call and the errno) into the
 * {@link IOException}s Netty's channel code expects: it closes a channel on an IOException from a
 * read or a write, and the connect and bind futures of applications test for
 * {@link ConnectException} and {@link BindException}.
 */
final class Errors {
    /** Linux errno numbers the connect path reports in a SOCKET_ERR event's data2. */
    private static final int ECONNREFUSED = 111;
    private static final int ETIMEDOUT = 110;
    private static final int ENETUNREACH = 101;
    private static final int EHOSTUNREACH = 113;
    private static final int ECONNRESET = 104;

    private Errors() {
    }

    /** @return the failure of a read, write or option call as an IOException, the original as cause */
    static IOException io(KeventException e) {
        IOException io = switch (e.errorName()) {
            case "ECONNREFUSED" -> new ConnectException(e.getMessage());
            case "EADDRINUSE", "EADDRNOTAVAIL", "EACCES" -> "bind".equals(e.call())
                    ? new BindException(e.getMessage()) : new SocketException(e.getMessage());
            default -> new SocketException(e.getMessage());
        };
        io.initCause(e);
        return io;
    }

    /**
     * @param errno  the socket error of a failed connect (SOCKET_ERR's data2), or 0 if the socket
     *               hung up without one
     * @param remote where it was connecting
     * @return the failure as Netty's connect futures carry it
     */
    static IOException connectFailed(int errno, SocketAddress remote) {
        String what = switch (errno) {
            case ECONNREFUSED -> "Connection refused";
            case ETIMEDOUT -> "Connection timed out";
            case ENETUNREACH -> "Network is unreachable";
            case EHOSTUNREACH -> "No route to host";
            case ECONNRESET -> "Connection reset by peer";
            case 0 -> "Connection closed before it was established";
            default -> "errno " + errno;
        };
        return new ConnectException("connect to " + remote + " failed: " + what);
    }
}
