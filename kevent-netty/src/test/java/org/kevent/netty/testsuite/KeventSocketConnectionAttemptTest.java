package org.kevent.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;

import java.util.List;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Netty's {@code SocketConnectionAttemptTest} on the kevent client channel. The two tests that
 * connect to a documentation address outside this machine are left out (this project sends
 * traffic to loopback only); {@code org.kevent.netty.ConnectTimeoutTest} covers the connect timeout
 * and its cancellation against a loopback listener whose queue is full.
 */
class KeventSocketConnectionAttemptTest extends SocketConnectionAttemptTest {
    private static final String OFF_MACHINE = "connects to 198.51.100.254 (TEST-NET-2), an address off this machine: "
            + "this project's tests send traffic to loopback only; ConnectTimeoutTest covers it on loopback";

    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return KeventSocketTestPermutation.INSTANCE.keventClientSocket();
    }

    @Override
    @Test
    @Disabled(OFF_MACHINE)
    public void testConnectTimeout(TestInfo testInfo) {
    }

    @Override
    @Test
    @Disabled(OFF_MACHINE)
    public void testConnectCancellation(TestInfo testInfo) {
    }
}
