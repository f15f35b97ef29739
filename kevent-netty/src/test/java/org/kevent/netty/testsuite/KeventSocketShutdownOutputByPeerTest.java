package org.kevent.netty.testsuite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketShutdownOutputByPeerTest;

import java.util.List;

/** Netty's {@code SocketShutdownOutputByPeerTest} on the kevent server channel ({@link KeventSocketTestPermutation}). */
class KeventSocketShutdownOutputByPeerTest extends SocketShutdownOutputByPeerTest {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return KeventSocketTestPermutation.INSTANCE.keventServerSocket();
    }
}
