package org.kevent.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connect timeout and cancellation against a loopback listener that answers no SYN: its accept
 * queue is full and it never accepts, so Linux drops new SYNs and a connect stays in progress. This
 * stands for Netty's suite's two tests that connect to an address off this machine.
 */
class ConnectTimeoutTest {
    private static EventLoopGroup group;
    private static ServerSocket full;
    private static final List<Socket> filling = new ArrayList<>();

    @BeforeAll
    static void fillAListener() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, KeventIoHandler.newFactory());
        full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        // Connect until one connect times out: from then on the listener's queue is full.
        for (int k = 0; k < 64; k++) {
            Socket s = new Socket();
            try {
                s.connect(full.getLocalSocketAddress(), 200);
                filling.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                return;
            }
        }
        throw new IllegalStateException("the listener kept accepting SYNs; cannot make a connect hang");
    }

    @AfterAll
    static void release() throws IOException {
        for (Socket s : filling) {
            s.close();
        }
        full.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aConnectThatGetsNoAnswerFailsWithConnectTimeoutExceptionAndClosesTheChannel() {
        ChannelFuture f = new Bootstrap().group(group).channel(KeventSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 100)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(full.getLocalSocketAddress()).awaitUninterruptibly();
        assertThat(f.cause()).isInstanceOf(ConnectTimeoutException.class);
        assertThat(f.channel().closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS)).isTrue();
        assertThat(f.channel().isOpen()).isFalse();
    }

    @Test
    void aCancelledConnectClosesTheChannel() {
        ChannelFuture f = new Bootstrap().group(group).channel(KeventSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect((InetSocketAddress) full.getLocalSocketAddress());
        assertThat(f.cancel(true)).isTrue();
        assertThat(f.channel().closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS)).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThat(f.channel().isOpen()).isFalse();
    }
}
