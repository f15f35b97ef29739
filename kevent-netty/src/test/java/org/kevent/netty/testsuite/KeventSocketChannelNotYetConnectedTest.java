package org.kevent.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketChannelNotYetConnectedTest;

import java.util.List;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Netty's {@code SocketChannelNotYetConnectedTest} on the kevent client channel ({@link KeventSocketTestPermutation}). */
class KeventSocketChannelNotYetConnectedTest extends SocketChannelNotYetConnectedTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return KeventSocketTestPermutation.INSTANCE.keventClientSocket();
    }

    @Override
    @Test
    @Disabled("binds a client channel that never connects; kevent's client sockets are created by their connect "
            + "(TcpSocket.connect(remote, local)), so KeventSocketChannel binds only through connect(remote, local)")
    public void testShutdownNotYetConnected(TestInfo testInfo) {
    }
}
