package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.cli.Main;

/**
 * {@code serve --vthreads}: evserver's HTTP on one virtual thread per connection over blocking
 * kevent sockets, driven by plain {@code java.net} clients over loopback. Every client read has a
 * timeout, so a server that stalls fails the test instead of hanging it.
 */
class VthreadServerTest {
    private static final String GET_PLAIN = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n";

    @TempDir
    Path root;

    private VthreadServer server;
    /** Every client a test opened, closed after it (the server first: its close must not need them). */
    private final List<Client> opened = new ArrayList<>();

    @AfterEach
    void closeServerThenClients() throws IOException {
        if (server != null) {
            server.close();
        }
        for (Client c : opened) {
            c.socket.close();
        }
    }

    @Test
    void servesPlaintextAFileA404KeepAliveAndAPipelinedBatch() throws Exception {
        Files.writeString(root.resolve("hello.json"), "{\"a\":1}");
        server = VthreadServer.start(new InetSocketAddress("127.0.0.1", 0), root);
        Client c = connect();

        c.send(GET_PLAIN);
        Exchange.Response plain = c.answer();
        c.send("GET /hello.json HTTP/1.1\r\nHost: t\r\n\r\n");
        Exchange.Response file = c.answer();
        c.send("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n");
        Exchange.Response missing = c.answer();
        c.send(GET_PLAIN.repeat(16));
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            bodies.add(c.answer().body());
        }
        c.send("GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        Exchange.Response last = c.answer();

        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo("Hello, World!");
        assertThat(plain.header("Date")).isNotNull();
        assertThat(file.body()).isEqualTo("{\"a\":1}");
        assertThat(file.header("Content-Type")).isEqualTo("application/json");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(bodies).hasSize(16).allMatch("Hello, World!"::equals);
        assertThat(last.header("Connection")).isEqualTo("close");
        assertThat(c.in.read()).as("closed after Connection: close").isEqualTo(-1);
    }

    @Test
    void aClientStuckInTheMiddleOfARequestStallsNobodyElse() throws Exception {
        server = VthreadServer.start(new InetSocketAddress("127.0.0.1", 0), null);
        Client stuck = connect();
        stuck.send("GET /plaintext HTTP/1.1\r\nHo");   // and nothing more: its thread waits

        Client other = connect();
        for (int i = 0; i < 3; i++) {
            other.send(GET_PLAIN);
            assertThat(other.answer().body()).isEqualTo("Hello, World!");
        }
        stuck.send("st: t\r\n\r\n");
        assertThat(stuck.answer().body()).as("the rest of its request came later").isEqualTo("Hello, World!");
    }

    @Test
    void aClientThatPipelinesWithoutReadingStallsNobodyElseAndGetsEveryAnswerLater() throws Exception {
        Files.write(root.resolve("big.bin"), new byte[64 * 1024]);
        server = VthreadServer.start(new InetSocketAddress("127.0.0.1", 0), root);
        Client greedy = connect();
        // 2,000 requests for 128 MB of answers, far more than the socket buffers hold: its
        // thread must wait to send (and the greedy client's writes block: another thread).
        int requests = 2_000;
        String request = "GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n";
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                greedy.send(request.repeat(requests));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
        Client polite = connect();
        for (int i = 0; i < 3; i++) {
            polite.send(GET_PLAIN);
            assertThat(polite.answer().body()).isEqualTo("Hello, World!");
        }
        for (int i = 0; i < requests; i++) {
            Exchange.Response r = greedy.answer();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).hasSize(64 * 1024);
        }
        writer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void sendsALargeFileWholeThenAnswersTheNextRequest() throws Exception {
        byte[] big = new byte[8 << 20];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        server = VthreadServer.start(new InetSocketAddress("127.0.0.1", 0), root);
        Client c = connect();

        c.send("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n" + GET_PLAIN);
        Exchange.Response file = c.answer();
        Exchange.Response after = c.answer();

        assertThat(file.header("Content-Length")).isEqualTo(String.valueOf(big.length));
        assertThat(file.body().getBytes(ISO_8859_1)).isEqualTo(big);
        assertThat(after.body()).isEqualTo("Hello, World!");
    }

    @Test
    void closeEndsEveryConnectionAndItsThread() throws Exception {
        server = VthreadServer.start(new InetSocketAddress("127.0.0.1", 0), null);
        List<Client> idle = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Client c = connect();
            c.send(GET_PLAIN);
            assertThat(c.answer().status()).isEqualTo(200);
            idle.add(c);   // its thread now waits for the next request
        }
        assertThat(server.openConnections()).isEqualTo(20);

        server.close();

        for (Client c : idle) {
            assertThat(c.in.read()).as("the server closed the connection").isEqualTo(-1);
        }
        waitUntil(() -> server.openConnections() == 0);
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void manyConnectionsOpenedAndClosedLeaveNoneOpen() throws Exception {
        server = VthreadServer.start(new InetSocketAddress("127.0.0.1", 0), null);
        for (int i = 0; i < 500; i++) {
            try (Socket s = new Socket()) {
                s.connect(server.localAddress(), 5000);
                s.setSoTimeout(10_000);
                Client c = new Client(s);
                c.send(i % 2 == 0 ? GET_PLAIN : "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                assertThat(c.answer().status()).isEqualTo(200);
            }
        }
        waitUntil(() -> server.openConnections() == 0);
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void aNewConnectionThatSendsNothingIsClosedAfterTheRequestTimeout() throws Exception {
        server = VthreadServer.start(new InetSocketAddress("127.0.0.1", 0), null, limits(200, 60_000, 100));
        Client silent = connect();

        assertThat(silent.rest()).as("no answer, just the end").isEmpty();
        waitUntil(() -> server.timedOut() == 1);
        assertThat(server.timedOut()).isEqualTo(1);
    }

    @Test
    void bytesThatCompleteNoRequestDoNotExtendTheRequestTimeout() throws Exception {
        server = VthreadServer.start(new InetSocketAddress("127.0.0.1", 0), null, limits(300, 60_000, 100));
        Client slowloris = connect();
        slowloris.send("GET /plaintext HTTP/1.1\r\n");
        // A header byte every 20 ms, for as long as the server keeps the connection (bounded:
        // a server whose deadline those bytes extended would keep it for good).
        long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean endedWhileTrickling = false;
        try {
            while (!endedWhileTrickling && System.nanoTime() < bound) {
                slowloris.send("X");
                Thread.sleep(20);
                endedWhileTrickling = server.timedOut() > 0;
            }
        } catch (IOException closedUnderUs) {
            endedWhileTrickling = true;   // the server closed it while we were still sending
        }
        waitUntil(() -> server.openConnections() == 0);

        assertThat(endedWhileTrickling).as("closed while bytes kept coming").isTrue();
        assertThat(server.timedOut()).isEqualTo(1);
        assertThat(server.openConnections()).isZero();
        assertThat(slowloris.rest()).as("no answer").isEmpty();
    }

    @Test
    void aKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        server = VthreadServer.start(new InetSocketAddress("127.0.0.1", 0), null, limits(60_000, 200, 100));
        Client c = connect();
        c.send(GET_PLAIN);
        assertThat(c.answer().status()).isEqualTo(200);

        assertThat(c.rest()).as("closed after its answer, idle").isEmpty();
        waitUntil(() -> server.timedOut() == 1);
        assertThat(server.timedOut()).isEqualTo(1);
    }

    @Test
    void beyondTheCapTheConnectionWhoseDeadlineComesFirstIsClosed() throws Exception {
        // A request may take 120 s, an idle keep-alive 60 s: a connection whose thread has seen
        // its answer out has a deadline within 90 s, one that has not yet, beyond.
        server = VthreadServer.start(new InetSocketAddress("127.0.0.1", 0), null, limits(120_000, 60_000, 3));
        List<Client> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Client c = connect();
            c.send(GET_PLAIN);
            assertThat(c.answer().status()).isEqualTo(200);
            // The client has its answer before the server's thread moves the deadline on: wait
            // for that, so the connections go idle in order, oldest first.
            int idle = i + 1;
            waitUntil(() -> server.deadlinesWithin(java.util.concurrent.TimeUnit.SECONDS.toNanos(90)) == idle);
            first.add(c);
        }
        Client late = connect();
        late.send(GET_PLAIN);

        assertThat(late.answer().status()).isEqualTo(200);
        assertThat(first.get(0).rest()).as("the oldest idle one made room").isEmpty();
        assertThat(server.evicted()).isEqualTo(1);
        for (Client c : first.subList(1, 3)) {
            c.send(GET_PLAIN);
            assertThat(c.answer().status()).isEqualTo(200);
        }
    }

    @Test
    void serveVthreadsRefusesAioAndHelpNamesIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"serve", "--vthreads", "--aio", "--port", "0"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("kevent serve: --vthreads serves on blocking calls, not network AIO: drop --aio");

        ByteArrayOutputStream help = new ByteArrayOutputStream();
        Main.run(new String[] {"serve", "--help"}, new PrintStream(help, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(help.toString(StandardCharsets.UTF_8)).contains("--vthreads");
    }

    private Client connect() throws IOException {
        Socket s = new Socket();
        try {
            s.connect(server.localAddress(), 5000);
            s.setSoTimeout(10_000);
            Client c = new Client(s);
            opened.add(c);
            return c;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static EvServer.Limits limits(long requestMillis, long idleMillis, int maxConnections) {
        return new EvServer.Limits(java.time.Duration.ofMillis(requestMillis), java.time.Duration.ofMillis(idleMillis),
                maxConnections);
    }

    /** Waits (bounded) for the server's connection threads to finish their closes. */
    private static void waitUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
        long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean() && System.nanoTime() < bound) {
            Thread.sleep(5);
        }
    }

    /** A blocking HTTP client on a plain socket: requests out, answers parsed one by one. */
    private static final class Client {
        final Socket socket;
        final InputStream in;

        Client(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
        }

        void send(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(ISO_8859_1));
            socket.getOutputStream().flush();
        }

        /** Reads one answer: head lines up to the empty one, then Content-Length body bytes. */
        Exchange.Response answer() throws IOException {
            StringBuilder head = new StringBuilder();
            for (String line = line(); !line.isEmpty(); line = line()) {
                head.append(line).append("\r\n");
            }
            head.append("\r\n");
            Exchange.Response r = Exchange.parse(head.toString().getBytes(ISO_8859_1), true).get(0);
            byte[] body = in.readNBytes(Integer.parseInt(r.header("Content-Length")));
            return new Exchange.Response(r.status(), r.headers(), new String(body, ISO_8859_1));
        }

        /**
         * Reads until the server ends the connection (bounded by the socket's read timeout).
         *
         * @return what came before the end; a reset counts as an end (a close with our unread
         *         bytes in its buffer is a reset)
         */
        byte[] rest() throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    got.write(b);
                }
            } catch (java.net.SocketException reset) {
                // RST: the end all the same
            }
            return got.toByteArray();
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("end of stream inside a head: " + b);
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }
    }
}
