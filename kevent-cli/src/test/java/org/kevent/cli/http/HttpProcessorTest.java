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
import org.junit.jupiter.params.provider.CsvSource;
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
        Files.writeString(root.resolve("digits.txt"), "0123456789");
        Files.writeString(root.resolve("empty.txt"), "");
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

    /** Issue 12, point 8: 431 is for header fields; a target that does not end within the limit is 414. */
    @Test
    void aRequestTargetLongerThanTheHeadLimitGets414AndCloses() {
        Exchange.Result r = Exchange.send(processor, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(r.only().status()).isEqualTo(414);
        assertThat(r.only().body()).isEqualTo("URI Too Long\n");
        assertThat(r.closed()).isTrue();
    }

    @Test
    void aLongTargetThatEndsIsServedAndLongFieldsAfterItAre431() {
        String target = "/plaintext?" + "q".repeat(4000);
        Exchange.Result ok = Exchange.send(processor, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
        Exchange.Result fields = Exchange.send(processor,
                "GET " + target + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(5000) + "\r\n\r\n");

        assertThat(ok.only().body()).isEqualTo("Hello, World!");
        assertThat(fields.only().status()).isEqualTo(431);
    }

    /** Issue 12, point 8: the query string is no part of the path. */
    @ParameterizedTest
    @ValueSource(strings = {"/plaintext?", "/plaintext?a=1&b=2", "http://x/plaintext?q"})
    void plaintextIgnoresTheQueryString(String target) {
        Exchange.Result r = Exchange.send(processor, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(r.only().body()).isEqualTo("Hello, World!");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/plaintextx", "/plaintext/", "/plaintex", "/plaintext%3Fq"})
    void onlyThePlaintextPathItselfIsPlaintext(String target) {
        Exchange.Result r = Exchange.send(processor, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(r.only().status()).isEqualTo(404);
    }

    /** Issue 12, point 8: RFC 9110 14, one {@code bytes} range of a 10-byte file. */
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "bytes=2-4        | 206 | 234        | bytes 2-4/10",
        "bytes=0-0        | 206 | 0          | bytes 0-0/10",
        "bytes=7-         | 206 | 789        | bytes 7-9/10",
        "bytes=7-99       | 206 | 789        | bytes 7-9/10",
        "bytes=-3         | 206 | 789        | bytes 7-9/10",
        "bytes=-30        | 206 | 0123456789 | bytes 0-9/10",
        "BYTES=9-9        | 206 | 9          | bytes 9-9/10",
        "bytes= 1-2 ,     | 206 | 12         | bytes 1-2/10",
        "bytes=0-99999999999999999999999 | 206 | 0123456789 | bytes 0-9/10",
        "bytes=10-        | 416 | Range Not Satisfiable\\n | bytes */10",
        "bytes=99999999999999999999999- | 416 | Range Not Satisfiable\\n | bytes */10",
        "bytes=-0         | 416 | Range Not Satisfiable\\n | bytes */10",
        "bytes=0-1,3-4    | 200 | 0123456789 | ",
        "bytes=4-2        | 200 | 0123456789 | ",
        "bytes=-          | 200 | 0123456789 | ",
        "bytes=a-b        | 200 | 0123456789 | ",
        "bytes=1-2x       | 200 | 0123456789 | ",
        "bytes            | 200 | 0123456789 | ",
        "items=0-1        | 200 | 0123456789 | ",
        "=0-1             | 200 | 0123456789 | ",
    })
    void aSingleByteRangeIsServedPartiallyAndAnythingElseWhole(String range, int status, String body, String contentRange) {
        Exchange.Result r = Exchange.send(processor,
                "GET /digits.txt HTTP/1.1\r\nHost: x\r\nRange: " + range + "\r\n\r\n" + GET_PLAIN);

        Exchange.Response a = r.responses().get(0);
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.body()).isEqualTo(body.replace("\\n", "\n"));
        assertThat(a.header("Content-Range")).isEqualTo(contentRange);
        assertThat(a.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(r.responses().get(1).body()).as("the connection goes on").isEqualTo("Hello, World!");
        assertThat(r.closed()).isFalse();
        assertThat(MemoryIo.ChannelFile.open).isZero();
    }

    @Test
    void rangesAreIgnoredForHeadWithIfRangeWhenRepeatedAndForPlaintext() {
        Exchange.Result r = Exchange.send(processor,
                "HEAD /digits.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=2-4\r\n\r\n"
                        + "GET /digits.txt HTTP/1.1\r\nHost: x\r\nIf-Range: \"x\"\r\nRange: bytes=2-4\r\n\r\n"
                        + "GET /digits.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=2-4\r\nRange: bytes=5-6\r\n\r\n"
                        + "GET /plaintext HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n", true);

        assertThat(r.statuses()).containsExactly(200, 200, 200, 200);
        assertThat(r.responses().get(0).header("Content-Length")).isEqualTo("10");
        assertThat(r.responses().get(1).body()).isEqualTo("0123456789");
        assertThat(r.responses().get(2).body()).isEqualTo("0123456789");
        assertThat(r.responses().get(3).body()).isEqualTo("Hello, World!");
    }

    @Test
    void anEmptyFileHasNoRangeToServe() {
        Exchange.Result r = Exchange.send(processor, "GET /empty.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-\r\n\r\n"
                + "GET /empty.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=-5\r\n\r\n");

        assertThat(r.statuses()).containsExactly(416, 200);
        assertThat(r.responses().get(0).header("Content-Range")).isEqualTo("bytes */0");
        assertThat(r.responses().get(1).body()).isEmpty();
    }

    @Test
    void aRangeOfABigFileIsSentFromItsOffsetAcrossBlockedSends() throws IOException {
        byte[] data = new byte[20_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        Files.write(root.resolve("big.bin"), data);
        MemoryIo io = new MemoryIo(999).chunk(("GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=5000-15999\r\n\r\n"
                + GET_PLAIN).getBytes(ISO_8859_1));

        Exchange.Result r = Exchange.drive(processor, io, false);

        assertThat(r.statuses()).containsExactly(206, 200);
        assertThat(r.responses().get(0).body().getBytes(ISO_8859_1))
                .isEqualTo(java.util.Arrays.copyOfRange(data, 5000, 16000));
        assertThat(MemoryIo.ChannelFile.open).isZero();
    }

    /** The head alone, then, once it was answered, the next request, as a client that waits for a 100 sends them. */
    private Exchange.Result headThenNextRequest(String head) {
        return Exchange.drive(processor, new MemoryIo().chunk(head.getBytes(ISO_8859_1)).chunk(GET_PLAIN.getBytes(ISO_8859_1)),
                false);
    }

    /**
     * Issue 12, point 7: {@code Expect: 100-continue} with the body withheld (the client waits for
     * a 100 that this server never sends, gets the final answer instead, and goes on with its next
     * request). Before: 405 keep-alive, then the next request's first 5 bytes were taken for the
     * body and the rest answered 400. Now: the answer closes the connection.
     */
    @Test
    void aWithheldBodyAfterExpectContinueIsNeverTakenFromTheNextRequest() {
        Exchange.Result r = headThenNextRequest(
                "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

        assertThat(r.only().status()).isEqualTo(405);
        assertThat(r.only().header("Connection")).isEqualTo("close");
        assertThat(r.closed()).isTrue();
    }

    @Test
    void aGetWithExpectContinueAndAWithheldBodyIsAnsweredAndCloses() {
        Exchange.Result r = headThenNextRequest(
                "GET /digits.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");

        assertThat(r.only().body()).isEqualTo("0123456789");
        assertThat(r.only().header("Connection")).isEqualTo("close");
        assertThat(r.closed()).isTrue();
        assertThat(MemoryIo.ChannelFile.open).isZero();
    }

    @Test
    void aBodyHalfSentAfterExpectContinueAlsoCloses() {
        MemoryIo io = new MemoryIo()
                .chunk("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhe".getBytes(ISO_8859_1))
                .chunk(("llo" + GET_PLAIN).getBytes(ISO_8859_1));

        Exchange.Result r = Exchange.drive(processor, io, false);

        assertThat(r.only().status()).isEqualTo(405);
        assertThat(r.closed()).isTrue();
    }

    /** A client may send the body without waiting; one that did, or has no body, keeps its connection. */
    @Test
    void expectContinueWithTheBodyAlreadyThereOrWithoutABodyKeepsTheConnection() {
        Exchange.Result r = Exchange.send(processor,
                "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-Continue\r\n\r\nhello"
                        + "GET /plaintext HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n"
                        + "GET /plaintext HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n"
                        + GET_PLAIN);

        assertThat(r.statuses()).containsExactly(405, 200, 200, 200);
        assertThat(r.closed()).isFalse();
    }

    /** RFC 9110 10.1.1: an HTTP/1.0 request's expectation is ignored; its body is framed and skipped as always. */
    @Test
    void http10IgnoresExpect() {
        Exchange.Result r = Exchange.send(processor, "POST /x HTTP/1.0\r\nConnection: keep-alive\r\n"
                + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\nab" + "GET /plaintext HTTP/1.0\r\nExpect: nonsense\r\n\r\n");

        assertThat(r.statuses()).containsExactly(405, 200);
        assertThat(r.closed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"200-ok", "100-continue, x", "100-continuex"})
    void anyOtherExpectationIs417AndCloses(String expectation) {
        Exchange.Result r = Exchange.send(processor,
                "GET /plaintext HTTP/1.1\r\nHost: x\r\nExpect: " + expectation + "\r\n\r\n" + GET_PLAIN);

        assertThat(r.only().status()).isEqualTo(417);
        assertThat(r.closed()).isTrue();
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
