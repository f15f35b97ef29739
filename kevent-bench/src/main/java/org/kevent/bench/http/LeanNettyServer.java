package org.kevent.bench.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ByteProcessor;
import org.kevent.bench.support.FlushPerBatch;
import org.kevent.bench.support.NettyServers;
import org.kevent.bench.support.Transport;

/**
 * The lean Netty peers of {@code kevent bench http} ({@code netty-lean-epoll},
 * {@code netty-lean-io_uring}): the C floor's minimal work on a Netty transport, with no
 * {@code HttpServerCodec}, so that what is left is Netty's own cost.
 *
 * <h2>Semantics</h2>
 * {@code java -cp BENCH_JAR org.kevent.bench.http.LeanNettyServer nio|epoll|io_uring PORT THREADS}
 * listens on 127.0.0.1:PORT; its only handler scans each read {@link ByteBuf} for request ends
 * ({@code \r\n\r\n}, carried across reads), writes {@link Plaintext#ANSWER} once per request
 * found as a slice of one shared buffer of prebuilt answers (no copy, no allocation but Netty's
 * slice object), and flushes once per read batch ({@code channelReadComplete}): pipelined
 * requests read together leave in one write, as in the C floor. A transport that cannot load
 * exits with {@link Transport#EXIT_UNAVAILABLE}, as {@link NettyServer} does.
 *
 * <h2>Threading</h2>
 * THREADS event loops; one handler per connection (it keeps how much of a request end the last
 * read ended with).
 */
public final class LeanNettyServer {
    /** {@link Plaintext#BATCH} answers in a row, shared by every connection and never released. */
    private static final ByteBuf ANSWERS = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(Plaintext.ANSWER.length * Plaintext.BATCH)
                    .writeBytes(Plaintext.answers(Plaintext.BATCH)));

    private LeanNettyServer() {
    }

    /**
     * Serves until killed.
     *
     * @param args {@code nio|epoll|io_uring PORT THREADS}
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        NettyServers.serve(transport, port, threads, () -> new ChannelHandler[] {new LeanHandler()},
                "netty lean " + transport + ": http://127.0.0.1:" + port + "/plaintext, " + threads + " thread(s)");
    }

    /** Counts request ends in each read and answers them; flushes once per read batch. */
    static final class LeanHandler extends FlushPerBatch implements ByteProcessor {
        /** How many bytes of {@code \r\n\r\n} the stream ends with, 0..3: the only state kept. */
        private int matched;
        /** Request ends found by the current {@code forEachByte}. */
        private int ends;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            int requests;
            try {
                ends = 0;
                in.forEachByte(this);
                requests = ends;
            } finally {
                in.release();
            }
            while (requests > 0) {
                int now = Math.min(requests, Plaintext.BATCH);
                ctx.write(ANSWERS.retainedSlice(0, now * Plaintext.ANSWER.length), ctx.voidPromise());
                requests -= now;
            }
        }

        @Override
        public boolean process(byte b) {
            int m = Plaintext.RequestEnds.step(matched, b);
            if (m == 4) {
                ends++;
                m = 0;
            }
            matched = m;
            return true;
        }
    }
}
