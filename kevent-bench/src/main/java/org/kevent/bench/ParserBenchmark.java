package org.kevent.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.kevent.cli.http.HttpParser;
import org.kevent.cli.http.HttpRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * evserver's request-head parser on the heads the benchmarks send: the one wrk sends
 * ({@code bench http}'s load, 49 bytes with its Host) and a browser's (327 bytes, seven fields).
 * Sixteen heads back to back per invocation, as a pipelined batch arrives; one operation = one
 * head parsed. Run by {@code kevent bench parser} ({@link ParserRunner}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParserBenchmark {
    static final int BATCH = 16;

    /** The wrk head of {@code bench http}. */
    static final String WRK = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
    /** A Firefox navigation, as a file-serving evserver sees it. */
    static final String BROWSER = "GET /files/some/longer/path/index.html?x=1&y=2 HTTP/1.1\r\nHost: localhost:8080\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n";

    @Param({"wrk", "browser"})
    public String head;

    private byte[] batch;
    private final HttpRequest request = new HttpRequest();

    @Setup
    public void setUp() {
        String one = head.equals("wrk") ? WRK : BROWSER;
        batch = one.repeat(BATCH).getBytes(StandardCharsets.US_ASCII);
    }

    /** @return the bytes consumed, so that nothing is dead code */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int parseBatch() {
        byte[] b = batch;
        int p = 0;
        while (p < b.length) {
            int n = HttpParser.parse(b, p, b.length, request);
            if (n <= 0) {
                throw new IllegalStateException("head at " + p + " answered " + n);
            }
            p += n;
        }
        return p;
    }
}
