package org.kevent.netty.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketAddressesTest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/** Netty's {@code SocketAddressesTest} on the kevent transport, with epoll's address check. */
class KeventSocketAddressesTest extends SocketAddressesTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return KeventSocketTestPermutation.INSTANCE.socket();
    }

    @Override
    protected void assertAddress(SocketAddress address) {
        assertThat(((InetSocketAddress) address).getPort()).isPositive();
        assertThat(((InetSocketAddress) address).getAddress().isAnyLocalAddress()).isFalse();
    }
}
