package org.kevent.bench.naio;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.uring.IoUringIoHandler;
import java.io.File;
import java.util.Locale;

import org.kevent.bench.support.FlushPerBatch;
import org.kevent.bench.support.NettyServers;
import org.kevent.bench.support.Transport;

/**
 * The Netty 4.2 peers of {@code kevent bench naio}, one event-loop thread each.
 *
 * <h2>Semantics</h2>
 * {@code java -cp BENCH_JAR org.kevent.bench.naio.NettyNaioServer sendfile PORT FILE} runs on the
 * native epoll transport and answers each request byte with a {@link DefaultFileRegion} of the
 * whole file, which the epoll channel writes with {@code sendfile}.
 * {@code ... NettyNaioServer echo PORT} runs on the native io_uring transport
 * ({@link IoUringIoHandler}) and writes every buffer it reads back. Both flush once per read
 * batch. A transport that cannot load exits through {@link Transport#requireAvailable}.
 *
 * <h2>Threading</h2>
 * One event loop runs the listener and every connection ({@link NettyServers}), like the kevent
 * server's one thread.
 */
public final class NettyNaioServer {
    private NettyNaioServer() {
    }

    /** @param args see the class documentation */
    public static void main(String[] args) throws Exception {
        Part part = Part.valueOf(args[0].toUpperCase(Locale.ROOT));
        int port = Integer.parseInt(args[1]);
        if (part == Part.SENDFILE) {
            FileHandler files = new FileHandler(new File(args[2]));
            NettyServers.serve("epoll", port, 1, () -> new ChannelHandler[] {files},
                    "netty epoll FileRegion on 127.0.0.1:" + port + ", one event-loop thread");
        } else {
            NettyServers.serve("io_uring", port, 1, () -> new ChannelHandler[] {EchoHandler.INSTANCE},
                    "netty io_uring echo on 127.0.0.1:" + port + ", one event-loop thread");
        }
    }

    /**
     * Sends the file once per request byte. A region per transfer: {@link DefaultFileRegion}
     * closes its file when released, so one shared channel would be closed after the first.
     */
    @ChannelHandler.Sharable
    private static final class FileHandler extends FlushPerBatch {
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
    }

    /** Writes back what it reads. */
    @ChannelHandler.Sharable
    private static final class EchoHandler extends FlushPerBatch {
        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }
    }
}
