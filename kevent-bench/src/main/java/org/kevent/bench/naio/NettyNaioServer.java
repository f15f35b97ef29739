package org.kevent.bench.naio;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.io.File;
import java.util.Locale;

import org.kevent.bench.support.Transport;

/**
 * The Netty 4.2 peers of {@code kevent bench naio}, one event-loop thread each.
 *
 * <h2>Semantics</h2>
 * {@code java -cp BENCH_JAR org.kevent.bench.naio.NettyNaioServer sendfile PORT FILE} runs on the
 * native epoll transport and answers each request byte with a {@link DefaultFileRegion} of the
 * whole file, which the epoll channel writes with {@code sendfile}.
 * {@code ... NettyNaioServer echo PORT} runs on the native io_uring transport
 * ({@link IoUringIoHandler}) and writes every buffer it reads back, flushed once per read batch.
 * A transport that cannot load exits through {@link Transport#requireAvailable}.
 *
 * <h2>Threading</h2>
 * One {@link MultiThreadIoEventLoopGroup} of one thread runs the listener and every connection,
 * like the kevent server's one thread.
 */
public final class NettyNaioServer {
    private NettyNaioServer() {
    }

    public static void main(String[] args) throws Exception {
        Part part = Part.valueOf(args[0].toUpperCase(Locale.ROOT));
        int port = Integer.parseInt(args[1]);
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channel;
        ChannelHandler handler;
        if (part == Part.SENDFILE) {
            Transport.requireAvailable(Epoll.isAvailable(), Epoll.unavailabilityCause());
            factory = EpollIoHandler.newFactory();
            channel = EpollServerSocketChannel.class;
            handler = new FileHandler(new File(args[2]));
        } else {
            Transport.requireAvailable(IoUring.isAvailable(), IoUring.unavailabilityCause());
            factory = IoUringIoHandler.newFactory();
            channel = IoUringServerSocketChannel.class;
            handler = EchoHandler.INSTANCE;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
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
                            ch.pipeline().addLast(handler);
                        }
                    });
            var listener = b.bind("127.0.0.1", port).sync().channel();
            System.out.println("netty " + (part == Part.SENDFILE ? "epoll FileRegion" : "io_uring echo") + " on 127.0.0.1:"
                    + port + ", one event-loop thread");
            listener.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /**
     * Sends the file once per request byte. A region per transfer: {@link DefaultFileRegion}
     * closes its file when released, so one shared channel would be closed after the first.
     */
    @ChannelHandler.Sharable
    private static final class FileHandler extends ChannelInboundHandlerAdapter {
        private final File file;
        private final long size;

        FileHandler(File file) {
            this.file = file;
            this.size = file.length();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf requests = (ByteBuf) msg;
            try {
                for (int k = requests.readableBytes(); k > 0; k--) {
                    ctx.write(new DefaultFileRegion(file, 0, size), ctx.voidPromise());
                }
            } finally {
                requests.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Writes back what it reads; one flush per read batch. */
    @ChannelHandler.Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
