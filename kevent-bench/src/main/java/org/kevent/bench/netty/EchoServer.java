package org.kevent.bench.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;

import org.kevent.bench.support.FlushPerBatch;
import org.kevent.bench.support.NettyServers;

/**
 * The echo server of {@code bench netty}'s idle-connection part: every byte read is written back,
 * flushed once per read batch.
 *
 * <h2>Semantics</h2>
 * {@code java -cp BENCH_JAR org.kevent.bench.netty.EchoServer kevent|epoll|io_uring|nio PORT THREADS}
 * listens on 127.0.0.1:PORT, set up by {@link NettyServers} as every Netty peer of the benchmarks.
 */
public final class EchoServer {
    private EchoServer() {
    }

    public static void main(String[] args) throws Exception {
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        NettyServers.serve(transport, port, threads, () -> new ChannelHandler[] {Echo.INSTANCE},
                "netty " + transport + " echo: 127.0.0.1:" + port + ", " + threads + " thread(s)");
    }

    /** Writes back what it reads; also the server of {@link NettyAllocBenchmark}. */
    @ChannelHandler.Sharable
    static final class Echo extends FlushPerBatch {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }
    }
}
