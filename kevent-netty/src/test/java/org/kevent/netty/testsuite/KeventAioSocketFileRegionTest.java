package org.kevent.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketFileRegionTest;

import java.util.List;

/** Netty's {@code SocketFileRegionTest} on the kevent transport, receiving through network AIO ({@link KeventSocketTestPermutation#AIO}). */
class KeventAioSocketFileRegionTest extends SocketFileRegionTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return KeventSocketTestPermutation.AIO.socket();
    }
}
