package org.kevent.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.List;

import org.kevent.netty.KeventIoHandler;
import org.kevent.netty.KeventServerSocketChannel;
import org.kevent.netty.KeventSocketChannel;

/**
 * The bootstraps Netty's transport test suite runs with, as Netty's epoll transport tests do:
 * kevent server with kevent and NIO clients, NIO server with kevent clients (NIO with NIO is
 * Netty's own business and left out).
 */
final class KeventSocketTestPermutation extends SocketTestPermutation {
    static final KeventSocketTestPermutation INSTANCE = new KeventSocketTestPermutation();

    static final EventLoopGroup KEVENT_GROUP = new MultiThreadIoEventLoopGroup(NUM_THREADS,
            new DefaultThreadFactory("testsuite-kevent", true), KeventIoHandler.newFactory());

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> list = combo(serverSocket(), clientSocket());
        list.remove(list.size() - 1); // NIO server with NIO client
        return list;
    }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithFastOpen() {
        return socket();
    }

    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        return new java.util.ArrayList<>(List.of(
                () -> new ServerBootstrap().group(KEVENT_GROUP).channel(KeventServerSocketChannel.class),
                () -> new ServerBootstrap().group(NIO_GROUP).channel(NioServerSocketChannel.class)));
    }

    /** Only the kevent server: for tests whose client is a plain java.net.Socket. */
    List<BootstrapFactory<ServerBootstrap>> keventServerSocket() {
        return new java.util.ArrayList<>(serverSocket().subList(0, 1));
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        return new java.util.ArrayList<>(List.of(
                () -> new Bootstrap().group(KEVENT_GROUP).channel(KeventSocketChannel.class),
                () -> new Bootstrap().group(NIO_GROUP).channel(NioSocketChannel.class)));
    }

    /** Only the kevent client: for tests of the client channel alone. */
    List<BootstrapFactory<Bootstrap>> keventClientSocket() {
        return new java.util.ArrayList<>(clientSocket().subList(0, 1));
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocketWithFastOpen() {
        return clientSocket();
    }
}
