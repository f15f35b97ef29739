package org.kevent.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.bench.support.ServerProcess;

/**
 * The lean servers of bench http answer exactly one canned response per request, whatever the
 * pieces the requests arrive in: a request end split across reads, more requests in one read than
 * one prebuilt batch of answers holds, and the runner's own check.
 */
class LeanServersTest {
    private static final String REQUEST = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    /** More than {@link Plaintext#BATCH}: one read's answers take more than one prebuilt batch. */
    private static final int PIPELINED = 3 * Plaintext.BATCH + 5;
    private static final byte[] C_ANSWER = ("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n"
            + "Server: floor\r\n\r\nHello, World!").getBytes(StandardCharsets.US_ASCII);

    /** Where {@link #pieces} cut the requests: inside the 6th request's end, inside the 11th's request line. */
    private static final int[] CUTS = {6 * REQUEST.length() - 2, 10 * REQUEST.length() + 3};
    /** Requests each piece completes. */
    private static final int[] COMPLETED = {5, 5, PIPELINED - 10};

    /** The pipelined requests in three pieces, cut at {@link #CUTS}. */
    private static List<byte[]> pieces() {
        byte[] all = REQUEST.repeat(PIPELINED).getBytes(StandardCharsets.US_ASCII);
        return List.of(Arrays.copyOfRange(all, 0, CUTS[0]), Arrays.copyOfRange(all, CUTS[0], CUTS[1]),
                Arrays.copyOfRange(all, CUTS[1], all.length));
    }

    /**
     * Sends each piece as one write once the answers of the one before came back, so the server
     * has read a piece (the part of a request end in it included) before the next one arrives;
     * checks the answers, and that nothing more comes.
     */
    private static void assertAnswersEveryPipelinedRequest(int port, byte[] answer) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
            s.setSoTimeout(3_000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            List<byte[]> pieces = pieces();
            for (int k = 0; k < pieces.size(); k++) {
                out.write(pieces.get(k));
                got.write(in.readNBytes(COMPLETED[k] * answer.length));
            }
            assertThat(got.toByteArray()).isEqualTo(repeat(answer, PIPELINED));
            s.setSoTimeout(200);
            assertThat(readMore(in)).as("bytes after the last answer").isEqualTo(-2);
        }
    }

    /** @return the next byte, -1 at end of stream, -2 if none came before the socket timeout */
    private static int readMore(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketTimeoutException e) {
            return -2;
        }
    }

    private static byte[] repeat(byte[] answer, int count) {
        byte[] all = new byte[answer.length * count];
        for (int k = 0; k < count; k++) {
            System.arraycopy(answer, 0, all, k * answer.length, answer.length);
        }
        return all;
    }

    private static void assertServes(boolean aio) throws IOException {
        try (LeanKeventServer server = LeanKeventServer.open(0, 1, aio)) {
            server.start();
            int port = server.port();
            assertThat(PlaintextCheck.check(port)).isNull();
            assertAnswersEveryPipelinedRequest(port, Plaintext.ANSWER);
            assertAnswersEveryPipelinedRequest(port, Plaintext.ANSWER);   // a second connection after the first
        }
    }

    /**
     * Clients that leave badly: one closes in the middle of a request, one resets the connection
     * with answers unread, one sends 1 MiB with no request end and closes. The loop goes on: a
     * client after them is answered, pipelined requests and all.
     */
    private static void assertSurvivesClientsThatLeaveBadly(int port, byte[] answer) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("GET /plaintext HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(REQUEST.repeat(50).getBytes(StandardCharsets.US_ASCII));
            s.setSoLinger(true, 0);   // close = RST, the answers unread
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            byte[] noEnd = new byte[1 << 20];
            Arrays.fill(noEnd, (byte) 'a');
            s.getOutputStream().write(noEnd);
        }
        assertThat(PlaintextCheck.check(port)).isNull();
        assertAnswersEveryPipelinedRequest(port, answer);
    }

    @Test
    void keventLeanAndLeanAioOutliveClientsThatCloseOrResetMidRequest() throws IOException {
        for (boolean aio : new boolean[] {false, true}) {
            try (LeanKeventServer server = LeanKeventServer.open(0, 1, aio)) {
                server.start();
                assertSurvivesClientsThatLeaveBadly(server.port(), Plaintext.ANSWER);
            }
        }
    }

    @Test
    void keventLeanAnswersEachPipelinedRequestOnceWhateverPiecesTheyArriveIn() throws IOException {
        assertServes(false);
    }

    @Test
    void keventLeanAioAnswersEachPipelinedRequestOnceWhateverPiecesTheyArriveIn() throws IOException {
        assertServes(true);
    }

    @Test
    void theLeanNettyHandlerWritesOneAnswerPerRequestEndAndFlushesOncePerReadBatch() {
        EmbeddedChannel ch = new EmbeddedChannel(new LeanNettyServer.LeanHandler());
        List<byte[]> pieces = pieces();
        ch.pipeline().fireChannelRead(Unpooled.wrappedBuffer(pieces.get(0)));
        assertThat((Object) ch.readOutbound()).as("nothing before the batch's flush").isNull();
        ch.pipeline().fireChannelReadComplete();
        assertThat(drain(ch)).isEqualTo(repeat(Plaintext.ANSWER, COMPLETED[0]));
        // Two reads in one batch, the second starting within a request line: one flush for both.
        ch.pipeline().fireChannelRead(Unpooled.wrappedBuffer(pieces.get(1)));
        ch.pipeline().fireChannelRead(Unpooled.wrappedBuffer(pieces.get(2)));
        assertThat((Object) ch.readOutbound()).as("nothing before the batch's flush").isNull();
        ch.pipeline().fireChannelReadComplete();
        assertThat(drain(ch)).isEqualTo(repeat(Plaintext.ANSWER, PIPELINED - COMPLETED[0]));
        assertThat(ch.finish()).isFalse();
    }

    private static byte[] drain(EmbeddedChannel ch) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            got.writeBytes(bytes);
        }
        return got.toByteArray();
    }

    @Test
    void theCUringFloorBuildsAndAnswersEachPipelinedRequestOnce(@TempDir Path dir) throws Exception {
        Contender c = Contender.cUring(Path.of("src/main/c/uring_floor.c").toAbsolutePath(), dir);
        assumeThat(c.unavailable()).as("gcc and liburing-dev are needed").isNull();
        int port = ServerProcess.freePort();
        ServerProcess p = ServerProcess.start(c.command(port, 1), dir.resolve("uring.log"));
        try {
            String problem = p.awaitListening(port, 10_000);
            assumeThat(problem).as("the kernel must take SINGLE_ISSUER | DEFER_TASKRUN").isNull();
            assertThat(PlaintextCheck.check(port)).isNull();
            assertAnswersEveryPipelinedRequest(port, C_ANSWER);
            assertSurvivesClientsThatLeaveBadly(port, C_ANSWER);
            assertThat(p.alive()).isTrue();
        } finally {
            p.stop();
        }
    }

    @Test
    void theLeanContendersRunTheirMainClassesWithPortAndThreads() {
        assertThat(Contender.leanKevent("/java", "/b.jar", false).command(80, 2))
                .endsWith(LeanKeventServer.class.getName(), "80", "2");
        Contender aio = Contender.leanKevent("/java", "/b.jar", true);
        assertThat(aio.key()).isEqualTo(Contender.KEVENT_LEAN_AIO);
        assertThat(aio.command(80, 1)).endsWith(LeanKeventServer.class.getName(), "80", "1", "aio");
        Contender netty = Contender.leanNetty("/java", "/b.jar", "io_uring");
        assertThat(netty.key()).isEqualTo("netty-lean-io_uring");
        assertThat(netty.name()).isEqualTo("netty io_uring (lean)");
        assertThat(netty.command(80, 1)).endsWith(LeanNettyServer.class.getName(), "io_uring", "80", "1");
        assertThat(Contender.netty("/java", "/b.jar", "epoll").name()).isEqualTo("netty epoll (codec)");
    }

    @Test
    void withoutLiburingsHeaderTheUringFloorIsUnavailableAndSaysWhatToInstall(@TempDir Path dir) {
        Contender missing = Contender.cUring(Path.of("src/main/c/uring_floor.c").toAbsolutePath(), dir, List.of(dir));
        assertThat(missing.available()).isFalse();
        assertThat(missing.unavailable()).isEqualTo("liburing.h not found in [" + dir
                + "]: install liburing-dev (apt-get install -y liburing-dev)");
    }
}
