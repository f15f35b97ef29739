package org.kevent.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

import org.junit.jupiter.api.Test;
import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.QueueClosedException;
import org.kevent.Ukevent;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * The event loop's steady state allocates nothing of the transport's own: an echo round trip
 * through a {@link KeventSocketChannel} costs the loop thread no more bytes than the same round
 * trip served with kevent's own calls (one wait, one {@code recv}, one {@code send}) by a plain
 * thread.
 *
 * <p>Measured in a child JVM with C2's escape analysis off, so that what is counted does not hang
 * on what the compiler happens to remove: whatever kevent-core's calls allocate then (the JDK's
 * downcalls slice their errno capture segment on every call) is in both figures, and what the
 * transport adds is the difference. Netty's own read and write path (the pipeline, its pooled
 * buffers, the outbound buffer) allocates nothing per round trip even so (its epoll transport,
 * measured the same way by {@code bench netty-alloc}, allocates 0 bytes on the loop). The figure
 * per transport is the quietest of several rounds, each read from HotSpot's per-thread counter of
 * the serving thread.
 */
class LoopAllocationTest {
    private static final int ROUNDS = 12;
    private static final int ROUND_TRIPS = 4_000;
    private static final int REQUEST_BYTES = 64;
    /** Less than any object the transport could add per round trip (a ByteBuffer view is 64 bytes). */
    private static final double SLACK_PER_ROUND_TRIP = 12;

    @Test
    void anEchoRoundTripCostsTheLoopNoMoreThanKeventsOwnCallsWithoutEscapeAnalysis() {
        String[] lines = runChild("-XX:-DoEscapeAnalysis");
        assertThat(lines).as("the measuring JVM ran and exited 0").isNotNull();
        String result = lines[lines.length - 1];
        String[] parts = result.split(" ");
        assertThat(parts).as(result).hasSize(2);
        double transport = Double.parseDouble(parts[0]);
        double core = Double.parseDouble(parts[1]);
        assertThat(transport).as("loop bytes per round trip through the transport, against %.1f through kevent's own"
                + " calls", core).isLessThanOrEqualTo(core + SLACK_PER_ROUND_TRIP);
    }

    private static String[] runChild(String... options) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.add("-Dio.netty.leakDetection.level=disabled");
        command.addAll(List.of(options));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LoopAllocationTest.class.getName());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.err.println("the measuring JVM failed:\n" + text);
                return null;
            }
            return text.lines().toArray(String[]::new);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The child JVM's program: prints the quietest round's bytes per round trip of the loop thread
     * through the transport, then of the thread serving with kevent's own calls.
     */
    public static void main(String[] args) throws Exception {
        LongUnaryOperator threads = allocatedBytesOfThread();
        double transport = throughTheTransport(threads);
        double core = throughKeventCalls(threads);
        System.out.printf(java.util.Locale.ROOT, "%.1f %.1f%n", transport, core);
    }

    private static double throughTheTransport(LongUnaryOperator threads) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, KeventIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap().group(group).channel(KeventServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new Echo());
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            long loopThread = group.next().submit(() -> Thread.currentThread().threadId()).get();
            try (java.nio.channels.SocketChannel client = connect((InetSocketAddress) listener.localAddress())) {
                return quietestRound(threads, loopThread, client);
            } finally {
                listener.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** The same echo served by a thread of its own with one wait, one recv and one send per request. */
    private static double throughKeventCalls(LongUnaryOperator threads) throws Exception {
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16,
                false); KeventQueue queue = KeventQueue.open()) {
            AtomicLong serverThread = new AtomicLong();
            Thread server = Thread.ofPlatform().start(() -> serveWithKeventCalls(listener, queue, serverThread));
            try (java.nio.channels.SocketChannel client = connect(listener.localAddress())) {
                while (serverThread.get() == 0) {
                    Thread.onSpinWait();
                }
                return quietestRound(threads, serverThread.get(), client);
            } finally {
                queue.close();
                server.join();
            }
        }
    }

    private static void serveWithKeventCalls(TcpListener listener, KeventQueue queue, AtomicLong threadId) {
        try (TcpSocket socket = listener.acceptBlocking(Duration.ofSeconds(10))) {
            queue.add(Ukevent.socket(socket, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
            EventBuffer events = new EventBuffer(64);
            byte[] buffer = new byte[2048];
            threadId.set(Thread.currentThread().threadId());
            while (true) {
                queue.getEvents(1, 64, -1, TimeUnit.NANOSECONDS, events);
                int n = socket.recv(buffer, 0, buffer.length);
                if (n > 0) {
                    socket.send(buffer, 0, n);
                }
            }
        } catch (QueueClosedException e) {
            // The measure is over.
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.nio.channels.SocketChannel connect(InetSocketAddress address) throws IOException {
        java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open(address);
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return client;
    }

    private static double quietestRound(LongUnaryOperator threads, long serverThread,
                                        java.nio.channels.SocketChannel client) throws IOException {
        ByteBuffer request = ByteBuffer.allocateDirect(REQUEST_BYTES);
        ByteBuffer response = ByteBuffer.allocateDirect(REQUEST_BYTES);
        double fewest = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long before = threads.applyAsLong(serverThread);
            for (int i = 0; i < ROUND_TRIPS; i++) {
                request.clear();
                while (request.hasRemaining()) {
                    client.write(request);
                }
                response.clear();
                while (response.hasRemaining()) {
                    if (client.read(response) < 0) {
                        throw new IOException("the server closed the connection");
                    }
                }
            }
            fewest = Math.min(fewest, (threads.applyAsLong(serverThread) - before) / (double) ROUND_TRIPS);
        }
        return fewest;
    }

    /**
     * HotSpot's per-thread counter, reflectively: the module does not read jdk.management. Called
     * on the measuring thread, so what the reflection allocates is not counted.
     */
    private static LongUnaryOperator allocatedBytesOfThread() throws Exception {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method counter = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes",
                long.class);
        return id -> {
            try {
                return (long) counter.invoke(bean, id);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Writes back what it reads, one flush per read batch. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
