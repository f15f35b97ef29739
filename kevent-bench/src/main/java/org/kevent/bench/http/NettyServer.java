package org.kevent.bench.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.kevent.bench.support.Transport;

/**
 * The Netty 4.2 peers of {@code kevent bench http}: the TechEmpower plaintext server shape on one
 * of Netty's transports.
 *
 * <h2>Semantics</h2>
 * {@code java -cp BENCH_JAR org.kevent.bench.http.NettyServer nio|epoll|io_uring PORT THREADS}
 * listens on 127.0.0.1:PORT with {@link HttpServerCodec} and answers each {@link HttpRequest} with a
 * full response ({@code Hello, World!}, text/plain, Content-Length, keep-alive). Answers are written
 * on read and flushed once per read batch ({@code channelReadComplete}), so pipelined requests read
 * together leave in one write. A transport whose native library cannot load prints
 * {@code unavailable: CAUSE} on standard error and exits with {@link Transport#EXIT_UNAVAILABLE}.
 *
 * <h2>Threading</h2>
 * One {@link MultiThreadIoEventLoopGroup} of THREADS loops, built from the transport's
 * {@link IoHandlerFactory} ({@link NioIoHandler}, {@link EpollIoHandler}, {@link IoUringIoHandler}),
 * runs both the listener and the connections: with 1 thread, one thread does everything, like
 * every other server in the comparison.
 */
public final class NettyServer {
    private NettyServer() {
    }

    public static void main(String[] args) throws Exception {
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
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
            case "io_uring" -> {
                Transport.requireAvailable(IoUring.isAvailable(), IoUring.unavailabilityCause());
                factory = IoUringIoHandler.newFactory();
                channel = IoUringServerSocketChannel.class;
            }
            default -> throw new IllegalArgumentException("transport must be nio, epoll or io_uring, got " + transport);
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
                            ch.pipeline().addLast(new HttpServerCodec(), PlaintextHandler.INSTANCE);
                        }
                    });
            var listener = b.bind("127.0.0.1", port).sync().channel();
            System.out.println("netty " + transport + ": http://127.0.0.1:" + port + "/plaintext, " + threads + " thread(s)");
            listener.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Answers every request with the shared body and headers; flushes once per read batch. */
    @ChannelHandler.Sharable
    private static final class PlaintextHandler extends ChannelInboundHandlerAdapter {
        static final PlaintextHandler INSTANCE = new PlaintextHandler();
        private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer().writeBytes(Plaintext.BODY.getBytes(StandardCharsets.US_ASCII)));
        /** Read only by the encoder, so one instance serves every response on every loop. */
        private static final HttpHeaders HEADERS = new DefaultHttpHeaders()
                .add(HttpHeaderNames.CONTENT_LENGTH, BODY.readableBytes())
                .add(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                .add(HttpHeaderNames.SERVER, "netty");

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    ctx.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, BODY.duplicate(),
                            HEADERS, EmptyHttpHeaders.INSTANCE), ctx.voidPromise());
                }
            } finally {
                ReferenceCountUtil.release(msg);
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
}
