package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.kevent.cli.http.Wire.read;
import static org.kevent.cli.http.Wire.write;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * evserver against hostile clients (issue 12), over real loopback sockets. Every test has a hang
 * guard: a socket timeout on each read and a {@link Timeout} on the test, so a server that never
 * answers fails instead of hanging the build; nothing is asserted about speed.
 */
class HostileClientsTest {
    private static final String GET_PLAIN = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n";

    @TempDir
    Path root;

    EvServer server;
    final Wire wire = new Wire();

    @AfterEach
    void tearDown() throws Exception {
        wire.close();   // the clients, then the server
    }

    /** @return whether the server under test runs on network AIO ({@code serve --aio}) */
    boolean aio() {
        return false;
    }

    EvServer start() throws IOException {
        server = wire.keep(EvServer.start(new InetSocketAddress("127.0.0.1", 0), 1, root, aio()));
        return server;
    }

    Socket connect() throws IOException {
        return wire.connect(server.localAddress());
    }

    /**
     * Issue 12, point 2: 200 connections pipeline requests for a 64-KiB file and never read the
     * answers. Each one's answers back up (its receive window is small), and what it sent after
     * that waits unread. On {@code --aio} those bytes sat in the worker's shared pool of receive
     * buffers, a few buffers per connection, until the pool was empty and no other connection
     * could receive at all: the polite client's read ran into its 10-s hang guard.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void neverReadingPipelinersLeaveTheServerToEveryoneElse() throws Exception {
        Files.write(root.resolve("big.bin"), new byte[64 * 1024]);
        start();
        // 256 KiB of requests each: thousands of 64-KiB answers, far more than socket buffers hold.
        byte[] requests = "GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n".repeat(7000).getBytes(ISO_8859_1);
        List<SocketChannel> greedy = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            SocketChannel ch = wire.keep(SocketChannel.open());
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            ch.connect(server.localAddress());
            ch.configureBlocking(false);
            greedy.add(ch);
        }
        // Each sends its requests as far as the server takes them, in a bounded number of rounds.
        ByteBuffer[] left = new ByteBuffer[greedy.size()];
        for (int round = 0; round < 100; round++) {
            boolean any = false;
            for (int i = 0; i < greedy.size(); i++) {
                if (left[i] == null) {
                    left[i] = ByteBuffer.wrap(requests);
                }
                if (left[i].hasRemaining()) {
                    any |= greedy.get(i).write(left[i]) > 0;
                }
            }
            if (!any) {
                break;
            }
            Thread.sleep(20);
        }

        for (int i = 0; i < 5; i++) {
            Socket polite = connect();
            write(polite, GET_PLAIN);
            Exchange.Response r = read(new BufferedInputStream(polite.getInputStream()), false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("Hello, World!");
        }
    }
}
