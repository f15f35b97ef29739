package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz tests (Jazzer) of the HTTP parser and processor over random, malformed and randomly split
 * input: every input ends in answers and a clean close (or a wait for more bytes of a valid
 * prefix), never an exception, never a connection that keeps running without progress; the parser
 * decides a head the same way however its bytes arrive.
 *
 * <h2>Running</h2>
 * In a normal build ({@code mvn verify}) each {@link FuzzTest} runs in regression mode: once per
 * input in {@code src/test/resources/org/kevent/cli/http/HttpPropertiesTestInputs/<method>/}
 * (a corpus grown by fuzzing, plus any {@code crash-*} file a fuzzing run left there), and once with
 * empty input. To fuzz one of them (coverage-guided, until {@code maxDuration} or a finding):
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -pl kevent-cli test -Djazzer.hooks=true \
 *     -Dtest=HttpPropertiesTest#parserDecidesAHeadTheSameHoweverItsBytesArrive
 * </pre>
 * (with {@code -am} if kevent-core is not installed, and {@code -Dsurefire.failIfNoSpecifiedTests=false}
 * then). New inputs that reach new code go to {@code kevent-cli/.cifuzz-corpus/} (not committed:
 * copy the ones worth keeping into the inputs directory); a failing input is written to the inputs
 * directory as {@code crash-<sha1>}, so the normal build replays it from then on.
 * {@code jazzer.hooks} is false in the normal build (no instrumentation, so the regression run
 * starts in about a second); fuzzing needs it true for coverage.
 */
class HttpPropertiesTest {
    private static final Set<Integer> STATUSES = Set.of(200, 206, 400, 404, 405, 413, 414, 416, 417, 431, 501, 505);

    private static Path root;

    @BeforeAll
    static void makeRoot() throws IOException {
        root = Files.createTempDirectory("evserver-props");
        Files.writeString(root.resolve("a.txt"), "file a");
        Files.write(root.resolve("b.bin"), new byte[3000]);
    }

    @AfterAll
    static void removeRoot() throws IOException {
        try (var files = Files.list(root)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(root);
    }

    private static HttpProcessor processor() {
        try {
            return new HttpProcessor(new StaticFiles(root, MemoryIo.ChannelFile::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One kind of valid request, with the answer it must get. */
    private record Req(String text, int status, String body, boolean head) {
        @Override
        public String toString() {
            return text.replace("\r\n", "\\r\\n");
        }
    }

    private static final List<Req> VALID = List.of(
            new Req("GET /plaintext HTTP/1.1\r\nHost: h\r\n\r\n", 200, "Hello, World!", false),
            new Req("HEAD /plaintext HTTP/1.1\r\nhost: h\r\nAccept: */*\r\n\r\n", 200, "", true),
            new Req("GET /a.txt HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n", 200, "file a", false),
            new Req("GET /b.bin HTTP/1.1\r\nHost: h\r\n\r\n", 200, "\0".repeat(3000), false),
            new Req("HEAD /a.txt HTTP/1.1\r\nHost: h\r\n\r\n", 200, "", true),
            new Req("GET /missing HTTP/1.1\r\nHost: h\r\nUser-Agent: x y z\r\n\r\n", 404, "Not Found\n", false),
            new Req("POST /plaintext HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody", 405, "Method Not Allowed\n", false),
            new Req("GET /plaintext?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc", 200, "Hello, World!", false),
            new Req("GET /a.txt HTTP/1.1\r\nHost: h\r\nRange: bytes=1-3\r\n\r\n", 206, "ile", false),
            new Req("GET /a.txt HTTP/1.1\r\nHost: h\r\nRange: bytes=-2, 0-1\r\n\r\n", 200, "file a", false),
            new Req("POST /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab", 405,
                    "Method Not Allowed\n", false),
            new Req("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200, "Hello, World!", false));

    /** Pieces of requests and of trouble, for the mutations ({@code http.dict} has the like for the fuzzer). */
    private static final String[] TOKENS = {"\r", "\n", "\r\n", " ", ":", "%", "%2e%2e", "/..", "\0", "\\", "\t",
        "Content-Length: 5\r\n", "Content-Length: 99999999\r\n", "Transfer-Encoding: chunked\r\n",
        "Connection: close\r\n", "HTTP/2.0", "Host: h\r\n", "GET ", "\r\n\r\n", "\u00ff", "Range: bytes=0-1\r\n",
        "Expect: 100-continue\r\n", "?"};

    // ---------------------------------------------------------------------------------- processor

    /** A pipeline of valid requests, split anywhere, sent with any send budget: every answer, in order. */
    @FuzzTest(maxDuration = "5m")
    void validPipelinesGetEveryAnswerInOrder(FuzzedDataProvider data) {
        int sendBudget = budget(data);
        int[] cuts = cuts(data);
        List<Req> reqs = new ArrayList<>();
        for (int n = data.consumeInt(1, 20); reqs.size() < n; ) {
            reqs.add(data.pickValue(VALID));
        }
        StringBuilder stream = new StringBuilder();
        boolean[] head = new boolean[reqs.size()];
        for (int i = 0; i < reqs.size(); i++) {
            stream.append(reqs.get(i).text());
            head[i] = reqs.get(i).head();
        }
        MemoryIo.ChannelFile.open = 0;
        MemoryIo io = split(stream.toString().getBytes(ISO_8859_1), cuts, sendBudget);

        Exchange.Result r = Exchange.drive(processor(), io, true, head);

        assertThat(r.statuses()).as("answers to %s", reqs).containsExactlyElementsOf(reqs.stream().map(Req::status).toList());
        for (int i = 0; i < reqs.size(); i++) {
            assertThat(r.responses().get(i).body()).isEqualTo(reqs.get(i).body());
        }
        assertThat(r.closed()).isTrue();
        assertThat(MemoryIo.ChannelFile.open).isZero();
    }

    /** Any bytes, split anywhere: answers or a clean close, never an exception or a spin. */
    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "http.dict")
    void anyBytesGetAnswersOrACleanCloseNeverAnException(FuzzedDataProvider data) {
        int sendBudget = budget(data);
        int[] cuts = cuts(data);
        checkSettlesCleanly(data.consumeRemainingAsBytes(), cuts, sendBudget);
    }

    /** Valid pipelines with tokens inserted, overwritten or bytes deleted: the same as for any bytes. */
    @FuzzTest(maxDuration = "5m")
    void mutatedRequestsGetAnswersOrACleanCloseNeverAnException(FuzzedDataProvider data) {
        int sendBudget = budget(data);
        int[] cuts = cuts(data);
        StringBuilder s = new StringBuilder();
        for (int n = data.consumeInt(1, 6), i = 0; i < n; i++) {
            s.append(data.pickValue(VALID).text());
        }
        for (int n = data.consumeInt(1, 5), i = 0; i < n; i++) {
            int kind = data.consumeInt(0, 2);
            int pos = data.consumeInt(0, s.length());
            int t = data.consumeInt(0, TOKENS.length - 1);
            String token = TOKENS[t];
            switch (kind) {
                case 0 -> s.insert(pos, token);
                case 1 -> s.replace(pos, Math.min(s.length(), pos + token.length()), token);
                default -> s.delete(pos, Math.min(s.length(), pos + 1 + t));
            }
        }
        checkSettlesCleanly(s.toString().getBytes(ISO_8859_1), cuts, sendBudget);
    }

    // Numbers come from the end of the fuzzer's input, bytes from its front: an input that is
    // request text with a few bytes after it is that request, cut and sent as those bytes say.

    private static int budget(FuzzedDataProvider data) {
        return data.consumeBoolean() ? data.consumeInt(1, 64) : Integer.MAX_VALUE;
    }

    private static int[] cuts(FuzzedDataProvider data) {
        int[] cuts = new int[data.consumeInt(0, 12)];
        Arrays.setAll(cuts, i -> data.consumeInt(0, 10_000));
        return cuts;
    }

    private static void checkSettlesCleanly(byte[] input, int[] cuts, int sendBudget) {
        MemoryIo.ChannelFile.open = 0;
        Exchange.Result r = Exchange.drive(processor(), split(input, cuts, sendBudget), true);

        assertThat(r.closed()).as("end of stream always closes").isTrue();
        assertThat(MemoryIo.ChannelFile.open).isZero();
        String text = new String(r.raw(), ISO_8859_1);
        if (!text.isEmpty()) {
            assertThat(text).startsWith("HTTP/1.1 ");
        }
        if (!new String(input, ISO_8859_1).contains("HEAD")) {
            for (Exchange.Response a : r.responses()) {   // parse() already rejects malformed answers
                assertThat(STATUSES).contains(a.status());
            }
        }
    }

    /** The input in chunks cut at the given positions (taken modulo its length), one chunk per RECV readiness. */
    private static MemoryIo split(byte[] all, int[] cuts, int sendBudget) {
        MemoryIo io = new MemoryIo(sendBudget);
        int[] at = Arrays.stream(cuts).map(c -> all.length == 0 ? 0 : Math.floorMod(c, all.length + 1))
                .sorted().distinct().toArray();
        int prev = 0;
        for (int c : at) {
            io.chunk(Arrays.copyOfRange(all, prev, c));
            prev = c;
        }
        io.chunk(Arrays.copyOfRange(all, prev, all.length));
        return io;
    }

    // ---------------------------------------------------------------------------------- parser

    /** What {@link HttpParser#parse} filled in. */
    private record Head(int method, int targetStart, int targetEnd, int minorVersion, long contentLength,
                        boolean transferEncoding, int hostCount, boolean close, boolean keepAlive,
                        boolean expectContinue, boolean expectOther, int rangeStart, int rangeEnd, int rangeCount,
                        boolean ifRange) {
        Head(HttpRequest r) {
            this(r.method, r.targetStart, r.targetEnd, r.minorVersion, r.contentLength, r.transferEncoding,
                    r.hostCount, r.connectionClose, r.connectionKeepAlive, r.expectContinue, r.expectOther,
                    r.rangeStart, r.rangeEnd, r.rangeCount, r.ifRange);
        }
    }

    /**
     * The parser on any bytes from any start: its answer is a head length within the bytes, "more",
     * or one of its error statuses; and on a prefix of the bytes (copied, so that reading past its
     * end throws) it answers "more" or exactly what it answers on all of them, with the same fields:
     * a head is not decided before its bytes are there, nor differently when they arrive in parts.
     * Every prefix of the first 512 bytes is tried, and beyond that 256 evenly spaced ones, the
     * 16 around the decision and the 16 at the end.
     */
    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "http.dict")
    void parserDecidesAHeadTheSameHoweverItsBytesArrive(FuzzedDataProvider data) {
        int start = data.consumeInt(0, 4);
        byte[] buf = data.consumeRemainingAsBytes();
        start = Math.min(start, buf.length);
        HttpRequest all = new HttpRequest();
        int decided = HttpParser.parse(buf, start, buf.length, all);

        if (decided > 0) {
            assertThat(decided).as("head length").isLessThanOrEqualTo(Math.min(buf.length - start, HttpParser.MAX_HEAD));
        } else {
            assertThat(decided).as("answer").isIn(HttpParser.NEED_MORE, -400, -414, -431, -501, -505);
        }
        int length = buf.length - start;
        int decidedAt = decided > 0 ? decided : Math.min(length, HttpParser.MAX_HEAD);
        HttpRequest part = new HttpRequest();
        for (int k = 0; k <= length; k++) {
            boolean tried = k <= 512 || k % Math.max(1, length / 256) == 0 || Math.abs(k - decidedAt) <= 8
                    || k >= length - 16;
            if (!tried) {
                continue;
            }
            int r = HttpParser.parse(Arrays.copyOf(buf, start + k), start, start + k, part);
            if (r != HttpParser.NEED_MORE) {
                assertThat(r).as("answer on the first %d of %d bytes", k, length).isEqualTo(decided);
                if (r > 0) {
                    assertThat(new Head(part)).isEqualTo(new Head(all));
                }
            }
        }
    }
}
