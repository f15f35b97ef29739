package org.kevent.bench.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
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
import org.kevent.bench.support.FlushPerBatch;
import org.kevent.bench.support.NettyServers;
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
 * THREADS event loops running the listener and the connections, set up by {@link NettyServers}.
 */
public final class NettyServer {
    private NettyServer() {
    }

    public static void main(String[] args) throws Exception {
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        NettyServers.serve(transport, port, threads,
                () -> new ChannelHandler[] {new HttpServerCodec(), PlaintextHandler.INSTANCE},
                "netty " + transport + ": http://127.0.0.1:" + port + "/plaintext, " + threads + " thread(s)");
    }

    /** Answers every request with the shared body and headers; flushes once per read batch. */
    @ChannelHandler.Sharable
    private static final class PlaintextHandler extends FlushPerBatch {
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
    }
}
