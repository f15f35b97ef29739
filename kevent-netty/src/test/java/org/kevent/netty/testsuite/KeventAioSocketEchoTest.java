package org.kevent.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketEchoTest;

import java.util.List;

/** Netty's {@code SocketEchoTest} on the kevent transport, receiving through network AIO ({@link KeventSocketTestPermutation#AIO}). */
class KeventAioSocketEchoTest extends SocketEchoTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return KeventSocketTestPermutation.AIO.socket();
    }
}
