package org.kevent.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.SocketChannel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KeventChannelOption#AIO_RECEIVE} against Netty's read contract (docs/SEMANTICS.md §7 for
 * the multishot receive underneath): every byte once and in order whatever the reader does with
 * autoRead and {@code read()}, every lent buffer back to the loop's pool however a channel ends,
 * a reset reported as an IOException, and the factory's sizes checked. Netty's own suite runs on
 * the option too (the {@code KeventAioSocket*Test} classes).
 */
class AioReceiveTest {
    private EventLoopGroup group;
    private Channel listener;

    @AfterEach
    void stop() throws InterruptedException {
        if (listener != null) {
            listener.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private int serve(IoHandlerFactory factory, Consumer<SocketChannel> init) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, factory);
        listener = new ServerBootstrap().group(group).channel(KeventServerSocketChannel.class)
                .childOption(KeventChannelOption.AIO_RECEIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        init.accept(ch);
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        return ((java.net.InetSocketAddress) listener.localAddress()).getPort();
    }

    private static byte[] pattern(int length, long seed) {
        byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Sends {@code data} in chunks of random size, then shuts the output down. */
    private static void send(int port, byte[] data, long seed) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            SplittableRandom rng = new SplittableRandom(seed);
            for (int off = 0; off < data.length; ) {
                int n = Math.min(1 + rng.nextInt(3000), data.length - off);
                out.write(data, off, n);
                off += n;
            }
            out.flush();
            s.shutdownOutput();
            // Wait for the server's close, so that the bytes are not reset away first.
            s.getInputStream().read();
        }
    }

    /**
     * A reader that turns autoRead off and on and calls {@code read()} now, later or not at all,
     * chosen by a seeded random: every path of the receiver (fired at once, held while reading is
     * off, cut by a small allocator and fired batch by batch, cancelled and started again) runs.
     */
    @Test
    void everyByteArrivesOnceAndInOrderWhateverTheReaderDoesWithAutoReadAndRead() throws Exception {
        byte[] data = pattern(1 << 20, 42);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        AtomicInteger readCompletes = new AtomicInteger();
        // A small pool (8 × 512 B) and 300-byte reads: arrivals are cut, and the pool runs dry.
        int port = serve(KeventIoHandler.newAioFactory(64, 8, 512), ch -> {
            ch.config().setAutoRead(false);
            ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(300));
            ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                private final SplittableRandom rng = new SplittableRandom(7);

                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    ctx.read();
                }

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    assertThat(b.readableBytes()).isBetween(1, 300);
                    byte[] a = new byte[b.readableBytes()];
                    b.readBytes(a);
                    b.release();
                    bytes.writeBytes(a);
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    readCompletes.incrementAndGet();
                    switch (rng.nextInt(5)) {
                        case 0 -> ctx.read();
                        case 1 -> ctx.executor().schedule(() -> ctx.read(), 200, TimeUnit.MICROSECONDS);
                        case 2 -> ctx.channel().config().setAutoRead(true);
                        case 3 -> {
                            ctx.channel().config().setAutoRead(false);
                            ctx.executor().schedule(() -> ctx.read(), 1, TimeUnit.MILLISECONDS);
                        }
                        default -> {
                            ctx.channel().config().setAutoRead(false);
                            ctx.read();
                        }
                    }
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
                        received.complete(bytes.toByteArray());
                        ctx.close();
                    }
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    received.completeExceptionally(cause);
                    ctx.close();
                }
            });
        });
        send(port, data, 3);
        assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(data);
        // The reader's choices made many batches, not one per arrival.
        assertThat(readCompletes.get()).isGreaterThan(data.length / 4096);
    }

    /**
     * Channels closed with arrivals under way, some read and some held unread, give every buffer
     * back: with a pool of four, a single lost buffer per ten channels would stall the last
     * connection for good.
     */
    @Test
    void channelsClosedWithBytesUnderWayGiveEveryLentBufferBack() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        CompletableFuture<byte[]> last = new CompletableFuture<>();
        byte[] lastData = pattern(64 * 1024, 9);
        AtomicInteger accepted = new AtomicInteger();
        int connections = 60;
        int port = serve(KeventIoHandler.newAioFactory(64, 4, 256), ch -> {
            int k = accepted.incrementAndGet();
            if (k <= connections) {
                // Half close at the first byte, half stop reading and close a little later.
                if (k % 2 == 0) {
                    ch.config().setAutoRead(false);
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.read();
                            ctx.executor().schedule(() -> ctx.close(), 2, TimeUnit.MILLISECONDS);
                        }
                    });
                } else {
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ((ByteBuf) msg).release();
                            ctx.close();
                        }
                    });
                }
                ch.closeFuture().addListener(f -> closed.incrementAndGet());
                return;
            }
            ch.pipeline().addLast(new Collector() {
                @Override
                void collected(ChannelHandlerContext ctx, ByteArrayOutputStream bytes) {
                    if (bytes.size() == lastData.length) {
                        last.complete(bytes.toByteArray());
                    }
                }
            });
        });
        byte[] data = pattern(32 * 1024, 5);
        for (int c = 0; c < connections; c++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000); // a stalled server fails the test, not hangs it
                s.getOutputStream().write(data);
                s.getInputStream().read(); // until the server closes
            } catch (java.net.SocketTimeoutException stalled) {
                throw new AssertionError("connection " + c + " was never closed: the server stopped receiving", stalled);
            } catch (SocketException reset) {
                // The server closed with bytes unread: a reset is what the kernel sends then.
            }
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(lastData);
            assertThat(last.get(30, TimeUnit.SECONDS)).isEqualTo(lastData);
        }
        assertThat(closed.get()).isEqualTo(connections);
    }

    @Test
    void aResetByThePeerIsAnIOExceptionNamingTheErrnoAndTheChannelCloses() throws Exception {
        AtomicReference<Throwable> caught = new AtomicReference<>();
        CountDownLatch inactive = new CountDownLatch(1);
        CountDownLatch firstRead = new CountDownLatch(1);
        int port = serve(KeventIoHandler.newAioFactory(), ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                firstRead.countDown();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                caught.compareAndSet(null, cause);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                inactive.countDown();
            }
        }));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(new byte[100]);
            assertThat(firstRead.await(10, TimeUnit.SECONDS)).isTrue();
            s.setSoLinger(true, 0);
        }
        assertThat(inactive.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(caught.get()).isInstanceOf(SocketException.class).hasMessageContaining("ECONNRESET");
    }

    @Test
    void theOptionAlsoWorksOnALoopOfThePlainFactory() throws Exception {
        byte[] data = pattern(200_000, 11);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        int port = serve(KeventIoHandler.newFactory(), ch -> ch.pipeline().addLast(new Collector() {
            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                received.complete(bytes.toByteArray());
            }
        }));
        send(port, data, 1);
        assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(data);
    }

    @Test
    void theOptionIsOffByDefaultAndReadBackAsSet() {
        KeventSocketChannel ch = new KeventSocketChannel();
        assertThat(ch.config().getOption(KeventChannelOption.AIO_RECEIVE)).isFalse();
        assertThat(ch.config().setOption(KeventChannelOption.AIO_RECEIVE, true)).isTrue();
        assertThat(ch.config().isAioReceive()).isTrue();
        assertThat(ch.config().getOptions()).containsEntry(KeventChannelOption.AIO_RECEIVE, true);
    }

    @Test
    void theAioFactoryRefusesSizesOutOfRangeAtOnce() {
        assertThatThrownBy(() -> KeventIoHandler.newAioFactory(0, 8, 512))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEvents");
        assertThatThrownBy(() -> KeventIoHandler.newAioFactory(64, 3, 512))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        assertThatThrownBy(() -> KeventIoHandler.newAioFactory(64, 8, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recvBufferBytes");
        assertThatThrownBy(() -> KeventIoHandler.newAioFactory(64, 8, KeventIoHandler.SCRATCH_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recvBufferBytes");
    }

    /** Appends every byte read to {@link #bytes}, then calls {@link #collected}. */
    private static class Collector extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            b.release();
            bytes.writeBytes(a);
            collected(ctx, bytes);
        }

        void collected(ChannelHandlerContext ctx, ByteArrayOutputStream all) {
        }
    }
}
