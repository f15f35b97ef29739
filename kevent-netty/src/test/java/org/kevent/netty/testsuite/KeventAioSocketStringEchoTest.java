package org.kevent.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketStringEchoTest;

import java.util.List;

/** Netty's {@code SocketStringEchoTest} on the kevent transport, receiving through network AIO ({@link KeventSocketTestPermutation#AIO}). */
class KeventAioSocketStringEchoTest extends SocketStringEchoTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return KeventSocketTestPermutation.AIO.socket();
    }
}
