package org.kevent.netty.testsuite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.ServerSocketSuspendTest;

import java.util.List;

/** Netty's {@code ServerSocketSuspendTest} on the kevent server channel ({@link KeventSocketTestPermutation}). */
class KeventServerSocketSuspendTest extends ServerSocketSuspendTest {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return KeventSocketTestPermutation.INSTANCE.keventServerSocket();
    }
}
