package org.kevent.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.WriteBeforeRegisteredTest;

import java.util.List;

/** Netty's {@code WriteBeforeRegisteredTest} on the kevent client channel ({@link KeventSocketTestPermutation}). */
class KeventWriteBeforeRegisteredTest extends WriteBeforeRegisteredTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return KeventSocketTestPermutation.INSTANCE.keventClientSocket();
    }
}
