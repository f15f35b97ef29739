package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kevent.cli.http.Wire.read;
import static org.kevent.cli.http.Wire.readUntilClosed;
import static org.kevent.cli.http.Wire.write;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evserver end to end, over real loopback sockets, on an ephemeral port. */
class EvServerTest {
    private static final String GET_PLAIN = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n";

    @TempDir
    Path root;

    private EvServer server;
    private final Wire wire = new Wire();
    private int baseline;

    @AfterEach
    void tearDown() throws Exception {
        wire.close();   // the clients, then the server
    }

    /** @return whether the server under test runs on network AIO ({@code serve --aio}) */
    boolean aio() {
        return false;
    }

    private EvServer start(int threads) throws IOException {
        server = wire.keep(EvServer.start(new InetSocketAddress("127.0.0.1", 0), threads, root, aio()));
        return server;
    }

    private Socket connect() throws IOException {
        return wire.connect(server.localAddress());   // a hung server fails the test instead of hanging it
    }

    @Test
    void servesPlaintextAFileA404AndAPipelinedBatchThenShutsDown() throws Exception {
        Files.writeString(root.resolve("hello.json"), "{\"a\":1}");
        start(1);
        Socket s = connect();
        InputStream in = new BufferedInputStream(s.getInputStream());

        write(s, GET_PLAIN);
        Exchange.Response plain = read(in, false);
        write(s, "GET /hello.json HTTP/1.1\r\nHost: t\r\n\r\n");
        Exchange.Response file = read(in, false);
        write(s, "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n");
        Exchange.Response missing = read(in, false);
        write(s, GET_PLAIN.repeat(16));
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            bodies.add(read(in, false).body());
        }

        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo("Hello, World!");
        assertThat(plain.header("Server")).isEqualTo("kevent");
        assertThat(file.body()).isEqualTo("{\"a\":1}");
        assertThat(file.header("Content-Type")).isEqualTo("application/json");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(bodies).hasSize(16).allMatch("Hello, World!"::equals);

        server.close();

        assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
        assertThatThrownBy(() -> new Socket().connect(server.localAddress(), 2000))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aClientThatPipelinesWithoutReadingStallsNobodyElseAndGetsEveryAnswerLater() throws Exception {
        Files.write(root.resolve("big.bin"), new byte[64 * 1024]);
        start(1);
        Socket greedy = connect();
        // 12 MB of requests, more than a worker's receive buffers (8 MiB in AIO mode) hold, for
        // 128 MB of answers, more than the socket buffers hold: the server must stop reading.
        int requests = 2_000;
        String padded = "GET /big.bin HTTP/1.1\r\nHost: t\r\nX-Pad: " + "p".repeat(6000) + "\r\n\r\n";
        // Its writes block once the server stops reading it: from another thread.
        java.util.concurrent.CompletableFuture<Void> writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                write(greedy, padded.repeat(requests));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
        Thread.sleep(200);
        Socket polite = connect();
        InputStream politeIn = new BufferedInputStream(polite.getInputStream());
        for (int i = 0; i < 3; i++) {
            write(polite, GET_PLAIN);
            assertThat(read(politeIn, false).body()).isEqualTo("Hello, World!");
        }
        InputStream in = new BufferedInputStream(greedy.getInputStream());
        for (int i = 0; i < requests; i++) {
            Exchange.Response r = read(in, false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).hasSize(64 * 1024);
        }
        writer.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void sendsALargeFileToASlowReaderAndAnswersTheNextRequestAfterIt() throws Exception {
        byte[] big = new byte[8 << 20];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        start(1);
        Socket s = connect();
        InputStream in = new BufferedInputStream(s.getInputStream());

        write(s, "GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n" + GET_PLAIN);
        Thread.sleep(200);   // let the socket buffers fill, so the server must wait for SEND
        Exchange.Response file = read(in, false);
        Exchange.Response after = read(in, false);

        assertThat(file.header("Content-Length")).isEqualTo(String.valueOf(big.length));
        assertThat(file.body().getBytes(ISO_8859_1)).isEqualTo(big);
        assertThat(after.body()).isEqualTo("Hello, World!");
    }

    @Test
    void headConnectionCloseAndErrorsOverRealSockets() throws Exception {
        start(1);
        Socket s = connect();
        InputStream in = new BufferedInputStream(s.getInputStream());

        write(s, "HEAD /plaintext HTTP/1.1\r\nHost: t\r\n\r\n" + "DELETE /x HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        Exchange.Response head = read(in, true);
        Exchange.Response delete = read(in, false);
        Exchange.Response last = read(in, false);

        assertThat(head.header("Content-Length")).isEqualTo("13");
        assertThat(delete.status()).isEqualTo(405);
        assertThat(last.header("Connection")).isEqualTo("close");
        assertThat(in.read()).isEqualTo(-1);

        Socket bad = connect();
        write(bad, "GET /plaintext HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
        InputStream badIn = new BufferedInputStream(bad.getInputStream());
        assertThat(read(badIn, false).status()).isEqualTo(400);
        assertThat(badIn.read()).isEqualTo(-1);
    }

    @Test
    void twoThreadsShareThePortAndAnswerManyConnections() throws Exception {
        start(2);
        assertThat(server.threads()).isEqualTo(2);
        List<InputStream> ins = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Socket s = connect();
            write(s, GET_PLAIN.repeat(3));
            ins.add(new BufferedInputStream(s.getInputStream()));
        }
        for (InputStream in : ins) {
            for (int k = 0; k < 3; k++) {
                assertThat(read(in, false).body()).isEqualTo("Hello, World!");
            }
        }
    }

    @Test
    void aClientThatHalfClosesAfterItsRequestsGetsEveryAnswerThenTheEnd() throws Exception {
        start(1);
        Socket s = connect();
        write(s, GET_PLAIN.repeat(3));
        s.shutdownOutput();
        InputStream in = new BufferedInputStream(s.getInputStream());

        for (int i = 0; i < 3; i++) {
            assertThat(read(in, false).body()).isEqualTo("Hello, World!");
        }
        assertThat(in.read()).isEqualTo(-1);
    }

    private static int openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    /** Waits (bounded) for a condition the server reaches asynchronously; no timing is asserted. */
    private static void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
    }

    @Test
    void twoThousandConnectionsOpenedAndClosedLeakNoDescriptor() throws Exception {
        start(1);
        for (int i = 0; i < 2001; i++) {
            try (Socket s = new Socket()) {
                s.connect(server.localAddress(), 5000);
                s.setSoTimeout(10_000);
                write(s, i % 2 == 0 ? GET_PLAIN : "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                InputStream in = new BufferedInputStream(s.getInputStream());
                assertThat(read(in, false).status()).isEqualTo(200);
            }
            if (i == 0) {
                eventually(() -> server.openConnections() == 0);
                baseline = openDescriptors();   // after the first one loaded every class involved
            }
        }
        eventually(() -> server.openConnections() == 0);

        assertThat(server.openConnections()).isZero();
        assertThat(openDescriptors()).isLessThanOrEqualTo(baseline + 2);
    }

    @Test
    void aPeerThatResetsWhileAFileIsQueuedIsDroppedAndOthersAreServed() throws Exception {
        Files.write(root.resolve("big.bin"), new byte[16 << 20]);
        start(1);
        Socket rude = connect();
        write(rude, "GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
        eventually(() -> server.openConnections() == 1);
        Thread.sleep(200);   // the server fills the socket buffers and waits for SEND
        rude.setSoLinger(true, 0);
        rude.close();         // RST with the file half sent

        eventually(() -> server.openConnections() == 0);
        assertThat(server.openConnections()).isZero();
        Socket polite = connect();
        write(polite, GET_PLAIN);
        assertThat(read(new BufferedInputStream(polite.getInputStream()), false).body()).isEqualTo("Hello, World!");
    }

    @Test
    void aClientResetDoesNotDisturbOthers() throws Exception {
        start(1);
        Socket rude = connect();
        write(rude, "GET /plaintext HTTP/1.1\r\nHost: t\r\n");   // half a request, then RST
        rude.setSoLinger(true, 0);
        rude.close();
        Socket polite = connect();
        write(polite, GET_PLAIN);

        assertThat(read(new BufferedInputStream(polite.getInputStream()), false).body()).isEqualTo("Hello, World!");
    }

    /**
     * Issue 12, point 7: a client that sends {@code Expect: 100-continue} and waits for a 100
     * before its body gets the final answer with {@code Connection: close}, and the connection
     * ends: nothing it sends next can be taken for the withheld body. Before: 405 keep-alive.
     */
    @Test
    void aWithheldBodyAfterExpectContinueGetsAClosingAnswer() throws Exception {
        start(1);
        Socket s = connect();
        write(s, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        Exchange.Response answer = read(s.getInputStream(), false);

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.header("Connection")).isEqualTo("close");
        assertThat(readUntilClosed(s)).isEmpty();
    }

    /** Issue 12, point 8, over real sockets: one range, an unsatisfiable one, a long target, a query. */
    @Test
    void rangesLongTargetsAndQueriesOverRealSockets() throws Exception {
        Files.writeString(root.resolve("digits.txt"), "0123456789");
        start(1);
        Socket s = connect();
        InputStream in = new BufferedInputStream(s.getInputStream());

        write(s, "GET /digits.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=2-4\r\n\r\n"
                + "GET /digits.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=10-\r\n\r\n"
                + "GET /plaintext?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
        Exchange.Response partial = read(in, false);
        Exchange.Response unsatisfiable = read(in, false);
        Exchange.Response query = read(in, false);
        write(s, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n");
        Exchange.Response tooLong = read(in, false);

        assertThat(partial.status()).isEqualTo(206);
        assertThat(partial.body()).isEqualTo("234");
        assertThat(partial.header("Content-Range")).isEqualTo("bytes 2-4/10");
        assertThat(partial.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(unsatisfiable.status()).isEqualTo(416);
        assertThat(unsatisfiable.header("Content-Range")).isEqualTo("bytes */10");
        assertThat(query.body()).isEqualTo("Hello, World!");
        assertThat(tooLong.status()).isEqualTo(414);
        assertThat(in.read()).isEqualTo(-1);
    }
}
