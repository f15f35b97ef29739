package org.kevent.netty.testsuite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketShutdownOutputByPeerTest;

import java.util.List;

/** Netty's {@code SocketShutdownOutputByPeerTest} on the kevent server channel, receiving through network AIO ({@link KeventSocketTestPermutation#AIO}). */
class KeventAioSocketShutdownOutputByPeerTest extends SocketShutdownOutputByPeerTest {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return KeventSocketTestPermutation.AIO.keventServerSocket();
    }
}
