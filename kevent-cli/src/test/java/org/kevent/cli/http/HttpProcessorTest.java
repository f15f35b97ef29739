package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpProcessorTest {
    private static final String GET_PLAIN = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n";

    @TempDir
    Path root;

    private HttpProcessor processor;

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(root.resolve("index.html"), "<p>hi</p>");
        Files.writeString(root.resolve("a.css"), "p{}");
        Files.write(root.resolve("big.bin"), new byte[20_000]);
        processor = new HttpProcessor(new StaticFiles(root, MemoryIo.ChannelFile::new));
        MemoryIo.ChannelFile.open = 0;
    }

    @Test
    void answersPlaintextInTheTechEmpowerShape() {
        Exchange.Result r = Exchange.send(processor, GET_PLAIN);

        Exchange.Response a = r.only();
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo("Hello, World!");
        assertThat(a.header("Content-Type")).isEqualTo("text/plain");
        assertThat(a.header("Content-Length")).isEqualTo("13");
        assertThat(a.header("Server")).isEqualTo("kevent");
        assertThat(a.header("Date")).matches("[A-Z][a-z]{2}, \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d GMT");
        assertThat(r.closed()).as("keep-alive by default in HTTP/1.1").isFalse();
    }

    @Test
    void answersPipelinedRequestsInOrderWithOneSend() {
        String three = GET_PLAIN + "GET /a.css HTTP/1.1\r\nHost: x\r\n\r\n" + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n" + GET_PLAIN;

        Exchange.Result r = Exchange.send(processor, three);

        assertThat(r.statuses()).containsExactly(200, 200, 404, 200);
        assertThat(r.responses().get(1).body()).isEqualTo("p{}");
        assertThat(r.closed()).isFalse();
    }

    @Test
    void answersARequestSplitAcrossReadsOnceItIsComplete() {
        byte[] all = (GET_PLAIN + GET_PLAIN).getBytes(ISO_8859_1);
        MemoryIo io = new MemoryIo();
        for (byte b : all) {
            io.chunk(new byte[] {b});
        }

        Exchange.Result r = Exchange.drive(processor, io, true);

        assertThat(r.statuses()).containsExactly(200, 200);
        assertThat(r.closed()).as("end of stream closes").isTrue();
    }

    @Test
    void keepsUnsentBytesAndFileWhenTheSocketWouldBlock() {
        MemoryIo io = new MemoryIo(7).chunk(("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n" + GET_PLAIN).getBytes(ISO_8859_1));

        Exchange.Result r = Exchange.drive(processor, io, false);

        assertThat(r.statuses()).containsExactly(200, 200);
        assertThat(r.responses().get(0).body()).hasSize(20_000);
        assertThat(r.responses().get(1).body()).isEqualTo("Hello, World!");
        assertThat(MemoryIo.ChannelFile.open).isZero();
    }

    @Test
    void servesFilesWithTypeAndLengthAndDirectoryIndex() {
        Exchange.Response css = Exchange.send(processor, "GET /a.css HTTP/1.1\r\nHost: x\r\n\r\n").only();
        Exchange.Response index = Exchange.send(processor, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").only();

        assertThat(css.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(css.header("Content-Length")).isEqualTo("3");
        assertThat(index.body()).isEqualTo("<p>hi</p>");
        assertThat(index.header("Content-Type")).startsWith("text/html");
    }

    @Test
    void headAnswersHeadersWithTheLengthButNoBody() {
        Exchange.Result r = Exchange.send(processor,
                "HEAD /a.css HTTP/1.1\r\nHost: x\r\n\r\nHEAD /plaintext HTTP/1.1\r\nHost: x\r\n\r\nHEAD /no HTTP/1.1\r\nHost: x\r\n\r\n"
                        + GET_PLAIN, true, true, true);

        assertThat(r.statuses()).containsExactly(200, 200, 404, 200);
        assertThat(r.responses().get(0).header("Content-Length")).isEqualTo("3");
        assertThat(r.responses().get(0).body()).isEmpty();
        assertThat(r.responses().get(1).header("Content-Length")).isEqualTo("13");
        assertThat(r.responses().get(3).body()).isEqualTo("Hello, World!");
        assertThat(MemoryIo.ChannelFile.open).isZero();
    }

    @Test
    void connectionCloseIsHonouredAndLaterRequestsAreNotAnswered() {
        Exchange.Result r = Exchange.send(processor,
                "GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + GET_PLAIN);

        assertThat(r.only().header("Connection")).isEqualTo("close");
        assertThat(r.closed()).isTrue();
    }

    @Test
    void http10ClosesUnlessItAsksForKeepAlive() {
        Exchange.Result plain = Exchange.send(processor, "GET /plaintext HTTP/1.0\r\n\r\n");
        Exchange.Result kept = Exchange.send(processor, "GET /plaintext HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");

        assertThat(plain.closed()).isTrue();
        assertThat(plain.only().body()).isEqualTo("Hello, World!");
        assertThat(kept.closed()).isFalse();
        assertThat(kept.only().header("Connection")).isEqualTo("keep-alive");
    }

    @Test
    void otherMethodsGet405WithAllowAndTheConnectionStays() {
        Exchange.Result r = Exchange.send(processor,
                "POST /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" + GET_PLAIN);

        assertThat(r.statuses()).containsExactly(405, 200);
        assertThat(r.responses().get(0).header("Allow")).isEqualTo("GET, HEAD");
        assertThat(r.closed()).isFalse();
    }

    @Test
    void aBodyWithinTheLimitIsSkippedEvenAcrossReads() {
        MemoryIo io = new MemoryIo()
                .chunk("GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123".getBytes(ISO_8859_1))
                .chunk(("456789" + GET_PLAIN).getBytes(ISO_8859_1));

        Exchange.Result r = Exchange.drive(processor, io, false);

        assertThat(r.statuses()).containsExactly(200, 200);
    }

    @Test
    void aBodyOverTheLimitGets413AndCloses() {
        Exchange.Result r = Exchange.send(processor,
                "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: " + (HttpProcessor.MAX_BODY + 1) + "\r\n\r\n");

        assertThat(r.only().status()).isEqualTo(413);
        assertThat(r.closed()).isTrue();
    }

    @Test
    void aHeadSectionOver8KiBGets431AndCloses() {
        String big = "GET /plaintext HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(HttpParser.MAX_HEAD) + "\r\n\r\n";

        Exchange.Result r = Exchange.send(processor, big);

        assertThat(r.only().status()).isEqualTo(431);
        assertThat(r.closed()).isTrue();
    }

    @Test
    void aHeadArrivingInSmallPiecesIsAnsweredOnceCompleteOr431PastTheLimit() {
        String header = "X-Pad: " + "p".repeat(90) + "\r\n";
        byte[] ok = ("GET /plaintext HTTP/1.1\r\nHost: x\r\n" + header.repeat(40) + "\r\n").getBytes(ISO_8859_1);
        byte[] tooBig = ("GET /plaintext HTTP/1.1\r\nHost: x\r\n" + header.repeat(100) + "\r\n").getBytes(ISO_8859_1);
        MemoryIo okIo = new MemoryIo();
        MemoryIo bigIo = new MemoryIo();
        for (int i = 0; i < ok.length; i += 7) {
            okIo.chunk(java.util.Arrays.copyOfRange(ok, i, Math.min(ok.length, i + 7)));
        }
        for (int i = 0; i < tooBig.length; i += 7) {
            bigIo.chunk(java.util.Arrays.copyOfRange(tooBig, i, Math.min(tooBig.length, i + 7)));
        }

        assertThat(Exchange.drive(processor, okIo, false).only().status()).isEqualTo(200);
        Exchange.Result big = Exchange.drive(processor, bigIo, false);
        assertThat(big.only().status()).isEqualTo(431);
        assertThat(big.closed()).isTrue();
    }

    @Test
    void aLongRequestLineWithoutEndAlsoGets431() {
        Exchange.Result r = Exchange.send(processor, "GET /" + "a".repeat(10_000));

        assertThat(r.only().status()).isEqualTo(431);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/0.9", "HTTP/3.1"})
    void unsupportedVersionsGet505(String version) {
        Exchange.Result r = Exchange.send(processor, "GET /plaintext " + version + "\r\nHost: x\r\n\r\n");

        assertThat(r.only().status()).isEqualTo(505);
        assertThat(r.closed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\nabcd",
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc",
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\nabc",
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n folded\r\n\r\nabc",
        "GET /plaintext HTTP/1.1\r\nHost: x\nContent-Length: 3\r\n\r\nabc",
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "GET /plaintext HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\n\r\n",
    })
    void smugglingShapesAreRejectedWith400AndTheConnectionCloses(String request) {
        Exchange.Result r = Exchange.send(processor, request + GET_PLAIN);

        assertThat(r.only().status()).isEqualTo(400);
        assertThat(r.only().header("Connection")).isEqualTo("close");
        assertThat(r.closed()).isTrue();
    }

    @Test
    void twoEqualContentLengthsAreOneLength() {
        Exchange.Result r = Exchange.send(processor,
                "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc" + GET_PLAIN);

        assertThat(r.statuses()).containsExactly(200, 200);
    }

    @Test
    void transferEncodingAloneIs501AndCloses() {
        Exchange.Result r = Exchange.send(processor,
                "GET /plaintext HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + GET_PLAIN);

        assertThat(r.only().status()).isEqualTo(501);
        assertThat(r.closed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET  /plaintext HTTP/1.1", "GET /plaintext  HTTP/1.1", "GET /plaintext HTTP/1.1 ", "GET /plaintext http/1.1",
        "GET /plaintext HTTP/1", "GET\t/plaintext HTTP/1.1", " GET /plaintext HTTP/1.1", "G@T /plaintext HTTP/1.1",
        "GET /plain\u0001text HTTP/1.1", "GET plaintext HTTP/1.1", "GET * HTTP/1.1",
    })
    void malformedRequestLinesGet400(String line) {
        Exchange.Result r = Exchange.send(processor, line + "\r\nHost: x\r\n\r\n");

        assertThat(r.only().status()).isEqualTo(400);
        assertThat(r.closed()).isTrue();
    }

    @Test
    void headerValuesWithControlBytesGet400() {
        Exchange.Result r = Exchange.send(processor, "GET /plaintext HTTP/1.1\r\nHost: x\u0000y\r\n\r\n");

        assertThat(r.only().status()).isEqualTo(400);
    }

    @Test
    void withoutARootOnlyPlaintextIsServed() {
        HttpProcessor bare = new HttpProcessor(null);

        Exchange.Result r = Exchange.send(bare, "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n" + GET_PLAIN);

        assertThat(r.statuses()).containsExactly(404, 200);
    }

    @Test
    void absoluteFormTargetsAreServedByTheirPath() {
        Exchange.Result r = Exchange.send(processor, "GET http://x/plaintext HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET HTTPS://x:8080 HTTP/1.1\r\nHost: x\r\n\r\n" + "GET http://x/a.css?q HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET http://x/../index.html HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(r.statuses()).containsExactly(200, 200, 200, 400);
        assertThat(r.responses().get(0).body()).isEqualTo("Hello, World!");
        assertThat(r.responses().get(1).body()).isEqualTo("<p>hi</p>");
        assertThat(r.responses().get(2).body()).isEqualTo("p{}");
    }

    @Test
    void otherSchemesAreRejected() {
        assertThat(Exchange.send(processor, "GET ftp://x/a.css HTTP/1.1\r\nHost: x\r\n\r\n").only().status())
                .isEqualTo(400);
    }

    @Test
    void emptyLinesBeforeARequestAreIgnored() {
        Exchange.Result r = Exchange.send(processor, "\r\n" + GET_PLAIN);

        assertThat(r.only().status()).isEqualTo(200);
    }

    @Test
    void endOfStreamInsideARequestClosesWithoutAnAnswer() {
        MemoryIo io = new MemoryIo().chunk("GET /plaintext HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));

        Exchange.Result r = Exchange.drive(processor, io, true);

        assertThat(r.responses()).isEmpty();
        assertThat(r.closed()).isTrue();
    }
}
