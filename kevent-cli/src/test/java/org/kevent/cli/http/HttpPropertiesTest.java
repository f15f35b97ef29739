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

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the HTTP processor over random, malformed and randomly split input: every input
 * ends in answers and a clean close (or a wait for more bytes of a valid prefix), never an
 * exception, never a connection that keeps running without progress.
 */
class HttpPropertiesTest {
    private static final Set<Integer> STATUSES = Set.of(200, 400, 404, 405, 413, 431, 501, 505);

    private static Path root;

    @BeforeContainer
    static void makeRoot() throws IOException {
        root = Files.createTempDirectory("evserver-props");
        Files.writeString(root.resolve("a.txt"), "file a");
        Files.write(root.resolve("b.bin"), new byte[3000]);
    }

    @AfterContainer
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
            new Req("GET /plaintext?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc", 404, "Not Found\n", false),
            new Req("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200, "Hello, World!", false));

    @Provide
    Arbitrary<List<Req>> pipelines() {
        return Arbitraries.of(VALID).list().ofMinSize(1).ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 10_000).list().ofMaxSize(12);
    }

    @Property(tries = 300)
    void randomSplitsOfValidPipelinesGetEveryAnswerInOrder(@ForAll("pipelines") List<Req> reqs,
            @ForAll("cuts") List<Integer> cuts, @ForAll("budgets") int sendBudget) {
        StringBuilder stream = new StringBuilder();
        boolean[] head = new boolean[reqs.size()];
        for (int i = 0; i < reqs.size(); i++) {
            stream.append(reqs.get(i).text());
            head[i] = reqs.get(i).head();
        }
        MemoryIo io = split(stream.toString().getBytes(ISO_8859_1), cuts, sendBudget);

        Exchange.Result r = Exchange.drive(processor(), io, true, head);

        assertThat(r.statuses()).containsExactlyElementsOf(reqs.stream().map(Req::status).toList());
        for (int i = 0; i < reqs.size(); i++) {
            assertThat(r.responses().get(i).body()).isEqualTo(reqs.get(i).body());
        }
        assertThat(r.closed()).isTrue();
        assertThat(MemoryIo.ChannelFile.open).isZero();
    }

    @Provide
    Arbitrary<Integer> budgets() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 64), Arbitraries.just(Integer.MAX_VALUE));
    }

    @Property(tries = 500)
    void randomBytesGetAnswersOrACleanCloseNeverAnException(@ForAll("garbage") byte[] input,
            @ForAll("cuts") List<Integer> cuts, @ForAll("budgets") int sendBudget) {
        checkSettlesCleanly(input, cuts, sendBudget);
    }

    @Property(tries = 1000)
    void mutatedRequestsGetAnswersOrACleanCloseNeverAnException(@ForAll("mutated") byte[] input,
            @ForAll("cuts") List<Integer> cuts, @ForAll("budgets") int sendBudget) {
        checkSettlesCleanly(input, cuts, sendBudget);
    }

    private static void checkSettlesCleanly(byte[] input, List<Integer> cuts, int sendBudget) {
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

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<Byte> bytes = Arbitraries.oneOf(Arbitraries.bytes(),
                Arbitraries.of((byte) '\r', (byte) '\n', (byte) ' ', (byte) ':', (byte) 'G', (byte) '/'));
        return bytes.array(byte[].class).ofMaxSize(12_000);
    }

    private static final String[] TOKENS = {"\r", "\n", "\r\n", " ", ":", "%", "%2e%2e", "/..", "\0", "\\", "\t",
        "Content-Length: 5\r\n", "Content-Length: 99999999\r\n", "Transfer-Encoding: chunked\r\n",
        "Connection: close\r\n", "HTTP/2.0", "Host: h\r\n", "GET ", "\r\n\r\n", "\u00ff"};

    @Provide
    Arbitrary<byte[]> mutated() {
        Arbitrary<String> base = Arbitraries.of(VALID).list().ofMinSize(1).ofMaxSize(6)
                .map(l -> String.join("", l.stream().map(Req::text).toList()));
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, TOKENS.length - 1))
                .as((kind, pos, token) -> new int[] {kind, pos, token});
        return Combinators.combine(base, edit.list().ofMinSize(1).ofMaxSize(5)).as(HttpPropertiesTest::apply);
    }

    private static byte[] apply(String base, List<int[]> edits) {
        StringBuilder s = new StringBuilder(base);
        for (int[] e : edits) {
            int pos = e[1] % (s.length() + 1);
            String token = TOKENS[e[2]];
            switch (e[0]) {
                case 0 -> s.insert(pos, token);
                case 1 -> s.replace(pos, Math.min(s.length(), pos + token.length()), token);
                default -> s.delete(pos, Math.min(s.length(), pos + 1 + e[2]));
            }
        }
        return s.toString().getBytes(ISO_8859_1);
    }

    private static MemoryIo split(byte[] all, List<Integer> cuts, int sendBudget) {
        MemoryIo io = new MemoryIo(sendBudget);
        int[] at = cuts.stream().mapToInt(c -> all.length == 0 ? 0 : c % (all.length + 1)).sorted().distinct().toArray();
        List<byte[]> chunks = new ArrayList<>();
        int prev = 0;
        for (int c : at) {
            chunks.add(Arrays.copyOfRange(all, prev, c));
            prev = c;
        }
        chunks.add(Arrays.copyOfRange(all, prev, all.length));
        chunks.forEach(io::chunk);
        return io;
    }
}
