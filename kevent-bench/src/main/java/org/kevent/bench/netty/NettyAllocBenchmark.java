package org.kevent.bench.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.kevent.netty.KeventIoHandler;
import org.kevent.netty.KeventServerSocketChannel;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: what one request/response round trip allocates on the server side of the same Netty
 * application on kevent-netty's transport and on Netty's native epoll transport (issue 15). Run
 * through {@link NettyAllocRunner} ({@code ./kevent bench netty-alloc}).
 *
 * <h2>Semantics</h2>
 * The server is {@link EchoServer}'s handler (write back what was read, one flush per read batch)
 * on a one-thread {@code MultiThreadIoEventLoopGroup} in this JVM, on 127.0.0.1. The benchmark
 * thread is the client: blocking JDK {@code SocketChannel}s with direct buffers, which allocate
 * nothing per call, send one {@value #REQUEST_BYTES}-byte request on each connection and read each
 * echo back. One operation is one round trip: {@link #oneConnection} (every request wakes the loop
 * from its wait) and {@link #sixteenConnections} (16 requests in flight, the loop serves them in
 * batches). Two allocation figures: JMH's {@code gc.alloc.rate.norm} (the whole process, client
 * included, per round trip) and {@link LoopAllocation#loopBytes} over
 * {@link LoopAllocation#roundTrips} (the event-loop thread's own allocated bytes, from HotSpot's
 * per-thread counter, per round trip: the loop alone). Beside them, the loop thread's CPU time per
 * round trip ({@link LoopAllocation#loopCpuNanos}), the transport's cost without the client's.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class NettyAllocBenchmark {
    /** Bytes of one request (and of its echo). */
    static final int REQUEST_BYTES = 64;
    /** Connections of {@link #sixteenConnections}. */
    static final int MANY = 16;

    /** {@code kevent} (kevent-netty's transport) or {@code epoll} (Netty's native epoll). */
    @Param({"kevent", "epoll"})
    public String transport;

    private EventLoopGroup group;
    private Channel listener;
    private java.nio.channels.SocketChannel[] clients;
    private final ByteBuffer request = ByteBuffer.allocateDirect(REQUEST_BYTES);
    private final ByteBuffer response = ByteBuffer.allocateDirect(REQUEST_BYTES);
    private com.sun.management.ThreadMXBean threads;
    private long loopThreadId;
    private long loopBytesSeen;
    private long loopCpuSeen;

    /**
     * The loop thread's allocated bytes and the round trips they were counted over, reported by
     * JMH as totals beside the score: their quotient is the loop's bytes per round trip.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class LoopAllocation {
        /** Bytes the event-loop thread allocated during the iteration's invocations. */
        public long loopBytes;
        /** Round trips of the iteration's invocations. */
        public long roundTrips;
        /** CPU time (user + system) the event-loop thread used during the iteration's invocations. */
        public long loopCpuNanos;

        /** Each iteration counts afresh. */
        @Setup(Level.Iteration)
        public void reset() {
            loopBytes = 0;
            roundTrips = 0;
            loopCpuNanos = 0;
        }
    }

    /** Starts the server on one loop thread and connects {@link #MANY} clients. */
    @Setup(Level.Trial)
    public void start() throws Exception {
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channel;
        switch (transport) {
            case "kevent" -> {
                factory = KeventIoHandler.newFactory();
                channel = KeventServerSocketChannel.class;
            }
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("Netty epoll unavailable", Epoll.unavailabilityCause());
                }
                factory = EpollIoHandler.newFactory();
                channel = EpollServerSocketChannel.class;
            }
            default -> throw new IllegalArgumentException("transport must be kevent or epoll, got " + transport);
        }
        group = new MultiThreadIoEventLoopGroup(1, factory);
        listener = new ServerBootstrap().group(group).channel(channel)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(EchoServer.Echo.INSTANCE);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        clients = new java.nio.channels.SocketChannel[MANY];
        for (int k = 0; k < MANY; k++) {
            clients[k] = java.nio.channels.SocketChannel.open((InetSocketAddress) listener.localAddress());
            clients[k].setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        loopThreadId = group.next().submit(() -> Thread.currentThread().threadId()).get();
        loopBytesSeen = threads.getThreadAllocatedBytes(loopThreadId);
        loopCpuSeen = threads.getThreadCpuTime(loopThreadId);
    }

    /** Closes the clients, then the server. */
    @TearDown(Level.Trial)
    public void stop() throws Exception {
        for (java.nio.channels.SocketChannel c : clients) {
            if (c != null) {
                c.close();
            }
        }
        listener.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** One round trip on one connection: the loop waits for every request. */
    @Benchmark
    public void oneConnection(LoopAllocation loop) throws IOException {
        send(clients[0]);
        receive(clients[0]);
        count(loop, 1);
    }

    /** One request on each of 16 connections, then the 16 echoes: 16 round trips. */
    @Benchmark
    @OperationsPerInvocation(MANY)
    public void sixteenConnections(LoopAllocation loop) throws IOException {
        for (java.nio.channels.SocketChannel c : clients) {
            send(c);
        }
        for (java.nio.channels.SocketChannel c : clients) {
            receive(c);
        }
        count(loop, MANY);
    }

    private void send(java.nio.channels.SocketChannel c) throws IOException {
        request.clear();
        while (request.hasRemaining()) {
            c.write(request);
        }
    }

    private void receive(java.nio.channels.SocketChannel c) throws IOException {
        response.clear();
        while (response.hasRemaining()) {
            if (c.read(response) < 0) {
                throw new EOFException("the server closed a connection");
            }
        }
    }

    /** Adds what the loop thread allocated and ran since the last invocation (the echo is back: it is done). */
    private void count(LoopAllocation loop, int roundTrips) {
        long now = threads.getThreadAllocatedBytes(loopThreadId);
        loop.loopBytes += now - loopBytesSeen;
        loop.roundTrips += roundTrips;
        loopBytesSeen = now;
        long cpu = threads.getThreadCpuTime(loopThreadId);
        loop.loopCpuNanos += cpu - loopCpuSeen;
        loopCpuSeen = cpu;
    }
}
