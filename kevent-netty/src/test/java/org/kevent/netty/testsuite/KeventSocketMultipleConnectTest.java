package org.kevent.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketMultipleConnectTest;

import java.util.ArrayList;
import java.util.List;

import org.kevent.netty.KeventIoHandler;

/** Netty's {@code SocketMultipleConnectTest} on the kevent transport: every combination with a NIO or kevent client. */
class KeventSocketMultipleConnectTest extends SocketMultipleConnectTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> factories = new ArrayList<>();
        for (BootstrapComboFactory<ServerBootstrap, Bootstrap> combo : KeventSocketTestPermutation.INSTANCE.socket()) {
            EventLoopGroup group = combo.newClientInstance().config().group();
            if (group instanceof IoEventLoopGroup io
                    && (io.isIoType(NioIoHandler.class) || io.isIoType(KeventIoHandler.class))) {
                factories.add(combo);
            }
        }
        return factories;
    }
}
