package org.kevent.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One flush of buffers of every kind and size, some copied into the loop's staging array (up to
 * {@link KeventIoHandler#WRITE_COPY_MAX} bytes each) and some sent as ByteBuffers, reaches the peer
 * whole and in order: the switch between the two paths loses, repeats and reorders nothing.
 */
class StagedWriteTest {
    private EventLoopGroup group;
    private Channel listener;

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, KeventIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (listener != null) {
            listener.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void buffersOfEveryKindAndSizeInOneFlushArriveWholeAndInOrder() throws Exception {
        byte[] expected = serveOneFlush(StagedWriteTest::mixedBuffers);
        assertThat(readAll()).isEqualTo(expected);
    }

    @Test
    void aFlushOfOnlyEmptyBuffersThenSmallOnesSendsTheSmallOnes() throws Exception {
        byte[] expected = serveOneFlush(out -> {
            out.add(Unpooled.EMPTY_BUFFER);
            out.add(Unpooled.buffer(0));
            out.add(Unpooled.directBuffer(0));
            out.add(Unpooled.wrappedBuffer(pattern(3, 7)));
        });
        assertThat(expected).hasSize(3);
        assertThat(readAll()).isEqualTo(expected);
    }

    @Test
    void moreSmallBuffersThanTheStagingArrayHoldsAreSentInSeveralCalls() throws Exception {
        int count = KeventIoHandler.SCRATCH_BYTES / KeventIoHandler.WRITE_COPY_MAX * 3 + 1;
        byte[] expected = serveOneFlush(out -> {
            for (int k = 0; k < count; k++) {
                ByteBuf b = Unpooled.directBuffer(KeventIoHandler.WRITE_COPY_MAX);
                b.writeBytes(pattern(KeventIoHandler.WRITE_COPY_MAX, k));
                out.add(b);
            }
        });
        assertThat(expected.length).isGreaterThan(KeventIoHandler.SCRATCH_BYTES * 3);
        assertThat(readAll()).isEqualTo(expected);
    }

    /** Heap, direct, composite, sliced and read-only buffers; empty ones; sizes around the copy limit. */
    private static void mixedBuffers(List<ByteBuf> out) {
        int limit = KeventIoHandler.WRITE_COPY_MAX;
        int seed = 0;
        for (int size : new int[] {1, 7, 8, 9, limit - 1, limit, limit + 1, 0, 64, 5000, 3, limit, 70_000, 15}) {
            byte[] bytes = pattern(size, seed++);
            switch (seed % 5) {
                case 0 -> out.add(Unpooled.wrappedBuffer(bytes));
                case 1 -> out.add(Unpooled.directBuffer(size).writeBytes(bytes));
                case 2 -> {
                    CompositeByteBuf c = Unpooled.compositeBuffer();
                    int half = size / 2;
                    c.addComponent(true, Unpooled.wrappedBuffer(bytes, 0, half));
                    c.addComponent(true, Unpooled.directBuffer(size - half).writeBytes(bytes, half, size - half));
                    out.add(c);
                }
                case 3 -> {
                    // A slice whose reader index is not 0 in its parent.
                    ByteBuf parent = Unpooled.directBuffer(size + 11).writeZero(11).writeBytes(bytes);
                    out.add(parent.skipBytes(11));
                }
                default -> out.add(Unpooled.wrappedBuffer(bytes).asReadOnly());
            }
        }
    }

    private static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + (i >>> 8));
        }
        return b;
    }

    /** A writer of buffers into a list. */
    private interface Buffers {
        void addTo(List<ByteBuf> out);
    }

    /**
     * Serves one connection: writes the buffers, flushes once, then closes.
     *
     * @return the bytes the buffers hold, in order
     */
    private byte[] serveOneFlush(Buffers buffers) throws InterruptedException {
        List<ByteBuf> list = new ArrayList<>();
        buffers.addTo(list);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (ByteBuf b : list) {
            byte[] copy = new byte[b.readableBytes()];
            b.getBytes(b.readerIndex(), copy);
            expected.writeBytes(copy);
        }
        listener = new ServerBootstrap().group(group).channel(KeventServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                for (ByteBuf b : list) {
                                    ctx.write(b);
                                }
                                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ctx.close());
                            }
                        });
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        return expected.toByteArray();
    }

    private byte[] readAll() throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(listener.localAddress());
            try (InputStream in = s.getInputStream()) {
                return in.readAllBytes();
            }
        }
    }
}
