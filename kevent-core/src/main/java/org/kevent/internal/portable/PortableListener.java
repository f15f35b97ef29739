package org.kevent.internal.portable;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.kevent.KeventException;
import org.kevent.internal.source.socket.SocketState;

/**
 * The portable engine's listener: what lies under a {@code TcpListener} made on that engine, a
 * nonblocking {@link ServerSocketChannel} (docs/SEMANTICS.md §10). Accepted sockets are portable
 * ones: an accepted socket follows its listener.
 */
public final class PortableListener extends PortableChannel {
    private final ServerSocketChannel server;

    /**
     * @param server the channel, bound, listening and nonblocking ({@link #bind})
     * @param owner  the {@code TcpListener}
     */
    public PortableListener(ServerSocketChannel server, Object owner) {
        super(server, owner, true, SocketState.CONNECT_NONE);
        this.server = server;
        watch(SelectionKey.OP_ACCEPT);
    }

    /**
     * Opens a nonblocking listening channel of the address's family, {@code SO_REUSEADDR} always.
     *
     * @return the channel, listening
     * @throws KeventException naming {@code socket}, {@code setsockopt}, {@code bind} or {@code listen}
     *                         ({@code EADDRINUSE}, {@code EACCES}, ...); no channel is left open
     */
    public static ServerSocketChannel bind(InetSocketAddress local, int backlog, boolean reusePort) {
        ServerSocketChannel ch;
        try {
            ch = ServerSocketChannel.open(local.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            ch.configureBlocking(false);
        } catch (IOException | UnsupportedOperationException e) {
            throw PortableErrors.exception("socket", e, "listening on " + local);
        }
        String call = "setsockopt";
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            call = "bind";
            ch.bind(local, backlog);
            return ch;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw PortableErrors.exception(call, e, "listening on " + local);
        }
    }

    @Override
    int readOp() {
        return SelectionKey.OP_ACCEPT;
    }

    @Override
    int readyEvents(int readyOps) {
        return (readyOps & SelectionKey.OP_ACCEPT) != 0 ? EPOLLIN : 0;
    }

    /**
     * Accepts one pending connection, nonblocking.
     *
     * @return the channel, nonblocking, or null if none is pending
     * @throws KeventException naming {@code accept4} and the errno ({@code EMFILE}, {@code EBADF} once closed, ...)
     */
    public SocketChannel accept() {
        checkNotClosed("accept4");
        SocketChannel c;
        try {
            c = server.accept();
        } catch (IOException e) {
            throw PortableErrors.exception("accept4", e, toString());
        }
        // Every accept counts as a drain, not only an empty one: the selector cannot tell how many
        // connections wait, so it is asked again (at once, if more do). A level ACCEPT interest is
        // then never reported for a queue the caller already emptied.
        wouldBlock(SocketState.RECV_SIDE);
        if (c != null) {
            try {
                c.configureBlocking(false);
            } catch (IOException e) {
                closeQuietly(c);
                throw PortableErrors.exception("accept4", e, "making the accepted connection nonblocking on " + this);
            }
        }
        return c;
    }

    /** @return the bound address */
    public InetSocketAddress local() {
        return localAddress();
    }
}
