package org.kevent.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketShutdownOutputBySelfTest;

import java.util.List;

/** Netty's {@code SocketShutdownOutputBySelfTest} on the kevent client channel, receiving through network AIO ({@link KeventSocketTestPermutation#AIO}). */
class KeventAioSocketShutdownOutputBySelfTest extends SocketShutdownOutputBySelfTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return KeventSocketTestPermutation.AIO.keventClientSocket();
    }
}
