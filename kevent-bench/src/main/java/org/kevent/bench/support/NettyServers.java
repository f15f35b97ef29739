package org.kevent.bench.support;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.function.Supplier;

/**
 * How every Netty 4.2 peer server of the benchmarks is set up, so they differ only in their
 * handlers: one {@link MultiThreadIoEventLoopGroup} of N loops built from the transport's
 * {@link IoHandlerFactory} ({@link NioIoHandler}, {@link EpollIoHandler}, {@link IoUringIoHandler}, kevent-netty's
 * {@code KeventIoHandler})
 * runs both the listener and the connections — with 1 thread, one thread does everything, like
 * every other server in a comparison — with backlog 4096, {@code SO_REUSEADDR} and
 * {@code TCP_NODELAY}, on 127.0.0.1.
 *
 * <h2>Caveats</h2>
 * A native transport that cannot load ends the process through {@link Transport#requireAvailable}.
 */
public final class NettyServers {
    private NettyServers() {
    }

    /**
     * Serves on 127.0.0.1:{@code port} until the process is killed.
     *
     * @param transport {@code nio}, {@code epoll}, {@code io_uring} or {@code kevent} (kevent-netty's transport)
     * @param threads   event-loop threads
     * @param pipeline  the handlers of a new connection, first to last (a new array per connection:
     *                  codecs keep state)
     * @param banner    printed once listening
     */
    public static void serve(String transport, int port, int threads, Supplier<ChannelHandler[]> pipeline, String banner)
            throws InterruptedException {
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channel;
        switch (transport) {
            case "nio" -> {
                factory = NioIoHandler.newFactory();
                channel = NioServerSocketChannel.class;
            }
            case "epoll" -> {
                Transport.requireAvailable(Epoll.isAvailable(), Epoll.unavailabilityCause());
                factory = EpollIoHandler.newFactory();
                channel = EpollServerSocketChannel.class;
            }
            case "kevent" -> {
                factory = org.kevent.netty.KeventIoHandler.newFactory();
                channel = org.kevent.netty.KeventServerSocketChannel.class;
            }
            case "io_uring" -> {
                Transport.requireAvailable(IoUring.isAvailable(), IoUring.unavailabilityCause());
                factory = IoUringIoHandler.newFactory();
                channel = IoUringServerSocketChannel.class;
            }
            default -> throw new IllegalArgumentException("transport must be nio, epoll, io_uring or kevent, got "
                    + transport);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, factory);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(pipeline.get());
                        }
                    });
            var listener = b.bind("127.0.0.1", port).sync().channel();
            System.out.println(banner);
            listener.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
