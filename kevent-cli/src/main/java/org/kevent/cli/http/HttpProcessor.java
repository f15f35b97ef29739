package org.kevent.cli.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads, parses and answers the requests of one connection at a time, in per-thread buffers:
 * the HTTP/1.1 half of evserver, independent of any socket API.
 *
 * <p><b>Semantics</b>: {@link #serve} runs a connection until it would block or must close: it
 * receives until the socket has no more bytes (edge-triggered readiness needs that), answers every
 * complete request in the buffer (pipelining), and sends all the answers of one read in one
 * {@code send}. A request split across reads waits for its rest. Answers: {@code GET /plaintext}
 * ({@code Hello, World!}; a query string is ignored), files under the root (header, then the body
 * through {@link HttpIo#sendFile}), 400 / 404 / 405 / 413 / 414 / 417 / 431 / 501 / 505. Every
 * error but 404, 405 and 416 closes the connection after its answer, since the request's framing
 * cannot be trusted; so do {@code Connection: close} and an HTTP/1.0 request without keep-alive.
 *
 * <p>Ranges (RFC 9110 14): a file's answer says {@code Accept-Ranges: bytes}; a {@code GET} with
 * one {@code bytes} range is answered 206 with {@code Content-Range} (the range clipped to the
 * file), or 416 with {@code Content-Range: bytes *}{@code /size} when it starts at or past the end
 * (or is an empty suffix). Several ranges, another unit, a range that does not parse, an
 * {@code If-Range} (this server has no validators to match) and {@code HEAD} get the whole file,
 * 200, as RFC 9110 allows.
 *
 * <p>{@code Expect} (RFC 9110 10.1.1), HTTP/1.1 only: a request with {@code 100-continue} and a
 * body that has not all arrived is answered at once and the connection closes after the answer:
 * this server never reads bodies, so it sends no 100, and the client, which waits for one before
 * sending its body, must not have the next request taken for that body. Any other expectation is
 * 417, closing.
 *
 * <p><b>Threading</b>: one instance per server thread; {@link #serve} is not reentrant.
 *
 * <p><b>Caveats</b>: request bodies (allowed up to {@link #MAX_BODY}) are skipped, never read.
 * The hot path is {@link #serve} → {@link #processBuffered} → plaintext copy → one send; files,
 * errors, blocked sends and kept input live in separate methods to keep it small for the JIT.
 */
public final class HttpProcessor {
    /** {@link #serve}: wait for RECV readiness. */
    public static final int WAIT_RECV = 0;
    /** {@link #serve}: wait for SEND readiness (unsent bytes are kept in the connection). */
    public static final int WAIT_SEND = 1;
    /** {@link #serve}: close the connection (after its answers were sent, or on failure). */
    public static final int CLOSE = 2;

    /** The largest request body accepted (and skipped); a larger Content-Length is answered 413. */
    public static final long MAX_BODY = 1 << 20;

    static final int IN_CAPACITY = 2 * HttpParser.MAX_HEAD;
    static final int OUT_CAPACITY = 64 * 1024;
    /** Room left for the largest head this class writes (well under 1 KiB) plus an error body. */
    private static final int OUT_FLUSH_AT = OUT_CAPACITY - 2048;

    private static final int SENT = 1;
    private static final int BLOCKED = 0;

    private static final byte[] PLAINTEXT_PATH = ascii("/plaintext");
    private static final byte[] HTTP_SCHEME = ascii("http://");
    private static final byte[] HTTPS_SCHEME = ascii("https://");
    private static final byte[] HELLO = ascii("Hello, World!");
    private static final byte[] TEXT_PLAIN = ascii("text/plain");
    private static final byte[] TEXT_PLAIN_UTF8 = ascii("text/plain; charset=utf-8");
    private static final byte[] SERVER = ascii("Server: kevent\r\nContent-Type: ");
    private static final byte[] CONTENT_LENGTH = ascii("\r\nContent-Length: ");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] ALLOW = ascii("Allow: GET, HEAD\r\n");
    private static final byte[] ACCEPT_RANGES = ascii("Accept-Ranges: bytes\r\n");
    private static final byte[] CONTENT_RANGE = ascii("Content-Range: bytes ");
    private static final byte[] BYTES_UNIT = ascii("bytes");

    /** {@link #range}: no range to honour, send the whole file. */
    private static final int WHOLE = 0;
    /** {@link #range}: send {@link #rangeFirst} to {@link #rangeLast}. */
    private static final int PARTIAL = 1;
    /** {@link #range}: 416. */
    private static final int UNSATISFIABLE = 2;

    private final byte[] in = new byte[IN_CAPACITY];
    private int inStart;
    private int inEnd;
    private final byte[] out = new byte[OUT_CAPACITY];
    private int outLength;
    private final byte[] pathScratch = new byte[IN_CAPACITY];
    private final HttpRequest req = new HttpRequest();
    private final HttpDate date = new HttpDate();
    private final StaticFiles files;
    /** The range {@link #range} found, inclusive. */
    private long rangeFirst;
    private long rangeLast;

    /**
     * @param files where files are served from; null to serve only {@code /plaintext}
     */
    public HttpProcessor(StaticFiles files) {
        this.files = files;
    }

    /**
     * Runs the connection until it would block or must close.
     *
     * @param c the connection
     * @return {@link #WAIT_RECV}, {@link #WAIT_SEND} or {@link #CLOSE}
     */
    public int serve(HttpConnection c) {
        return serve(c, System.nanoTime());
    }

    /**
     * Runs the connection until it would block or must close; the {@code Date} of its answers is
     * taken at {@code nowNanos}, a {@link System#nanoTime()} the caller already read for its batch
     * of events (no clock read of its own per connection).
     *
     * @param c        the connection
     * @param nowNanos {@link System#nanoTime()} at most a batch of events ago
     * @return {@link #WAIT_RECV}, {@link #WAIT_SEND} or {@link #CLOSE}
     */
    public int serve(HttpConnection c, long nowNanos) {
        if (c.hasPendingOutput()) {
            int r = resumeOutput(c);
            if (r != SENT) {
                return r == BLOCKED ? WAIT_SEND : CLOSE;
            }
        }
        if (c.closeAfterFlush) {
            return CLOSE;
        }
        date.refresh(nowNanos);
        inStart = 0;
        inEnd = c.takeInput(in);
        outLength = 0;
        HttpIo io = c.io;
        for (;;) {
            boolean stopped = processBuffered(c);
            if (outLength > 0 || c.file != null) {
                int r = flush(c);
                if (r != SENT) {
                    return blockedOrFailed(c, r);
                }
            }
            if (c.closeAfterFlush) {
                return CLOSE;
            }
            if (stopped) {
                continue;
            }
            if (inStart == inEnd) {
                inStart = inEnd = 0;
            } else if (inEnd == in.length) {
                compact();
            }
            int n = io.recv(in, inEnd, in.length - inEnd);
            if (n > 0) {
                inEnd += n;
            } else if (n == 0) {
                c.keepInput(in, inStart, inEnd);
                return WAIT_RECV;
            } else {
                return CLOSE;   // end of stream; a partial request left in the buffer is dropped
            }
        }
    }

    /** Answers every complete request buffered; true if it stopped for a reason other than needing bytes. */
    private boolean processBuffered(HttpConnection c) {
        for (;;) {
            if (c.skipBody > 0 && !skipBody(c)) {
                return false;
            }
            if (inStart == inEnd) {
                return false;
            }
            if (outLength > OUT_FLUSH_AT) {
                return true;
            }
            if (c.headScanned > 0 && stillIncomplete(c)) {
                return false;
            }
            int h = HttpParser.parse(in, inStart, inEnd, req);
            if (h == HttpParser.NEED_MORE) {
                c.headScanned = inEnd - inStart;
                return false;
            }
            c.headScanned = 0;
            if (h < 0) {
                return rejectAndClose(c, -h);
            }
            c.requests++;
            inStart += h;
            if (respond(c)) {
                return true;
            }
        }
    }

    /**
     * A head arriving in small pieces is parsed again only once its end (an empty line) or the
     * size limit is in the buffer: without this, a client sending one byte per packet would cost
     * a re-parse of up to 8 KiB per byte. Out of the hot path: pipelined requests that arrive
     * whole never get here.
     */
    private boolean stillIncomplete(HttpConnection c) {
        int length = inEnd - inStart;
        if (length >= HttpParser.MAX_HEAD) {
            return false;
        }
        byte[] b = in;
        for (int i = Math.max(inStart, inStart + c.headScanned - 3); i + 3 < inEnd; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return false;
            }
        }
        c.headScanned = length;
        return true;
    }

    /** @return true to stop processing this read (closing, or a file to send first) */
    private boolean respond(HttpConnection c) {
        HttpRequest r = req;
        long bodyLength = r.contentLength;
        boolean keepAlive = r.keepAlive();
        if (r.expectOther && r.minorVersion >= 1) {
            return rejectAndClose(c, 417);
        }
        if (bodyLength != 0 && bodyLength != -1) {
            if (bodyLength > MAX_BODY) {
                return rejectAndClose(c, 413);
            }
            if (r.expectContinue && r.minorVersion >= 1 && inEnd - inStart < bodyLength) {
                // The client waits for a 100 before it sends the body, and this server never
                // reads it: answer now and close, rather than take the next request for the body.
                keepAlive = false;
            } else {
                startSkippingBody(c, bodyLength);
            }
        }
        if (in[r.targetStart] != '/' && r.method != HttpRequest.METHOD_OTHER && !toOriginForm(r)) {
            return rejectAndClose(c, 400);
        }
        if (r.method == HttpRequest.METHOD_OTHER) {
            writeError(405, keepAlive);
            return stopUnless(c, keepAlive);
        }
        if (isPlaintext()) {
            if (keepAlive && r.minorVersion == 1 && r.method == HttpRequest.METHOD_GET) {
                append(date.plaintext);
                return false;
            }
            writeHead(200, TEXT_PLAIN, HELLO.length, keepAlive);
            if (r.method == HttpRequest.METHOD_GET) {
                append(HELLO);
            }
            return stopUnless(c, keepAlive);
        }
        return respondWithFile(c, keepAlive);
    }

    /**
     * RFC 9112 3.2.2: a server must accept the absolute form ({@code http://host/path}); its
     * path is served like the origin form. Narrows the target to the path, empty for "/".
     *
     * @return false if the target is neither form
     */
    private boolean toOriginForm(HttpRequest r) {
        int p = r.targetStart;
        int end = r.targetEnd;
        int scheme = startsWithLower(p, end, HTTP_SCHEME) ? HTTP_SCHEME.length
                : startsWithLower(p, end, HTTPS_SCHEME) ? HTTPS_SCHEME.length : -1;
        if (scheme < 0) {
            return false;
        }
        p += scheme;
        while (p < end && in[p] != '/' && in[p] != '?') {
            p++;
        }
        if (p < end && in[p] == '?') {
            return false;   // a query without a path: not worth a special case
        }
        r.targetStart = p;
        return true;
    }

    private boolean startsWithLower(int p, int end, byte[] lowerPrefix) {
        if (end - p < lowerPrefix.length) {
            return false;
        }
        for (int i = 0; i < lowerPrefix.length; i++) {
            if ((in[p + i] | 0x20) != lowerPrefix[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean isPlaintext() {
        int from = req.targetStart;
        int length = req.targetEnd - from;
        if (length < PLAINTEXT_PATH.length
                || length > PLAINTEXT_PATH.length && in[from + PLAINTEXT_PATH.length] != '?') {
            return false;
        }
        byte[] b = in;
        for (int i = 0; i < PLAINTEXT_PATH.length; i++) {
            if (b[from + i] != PLAINTEXT_PATH[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean respondWithFile(HttpConnection c, boolean keepAlive) {
        int n = StaticFiles.decodePath(in, req.targetStart, req.targetEnd, pathScratch);
        if (n == StaticFiles.BAD_PATH) {
            return rejectAndClose(c, 400);
        }
        Path real = files == null ? null : files.resolve(pathScratch, n);
        FileBody body = null;
        if (real != null) {
            try {
                body = files.open(real);
            } catch (IOException | RuntimeException e) {
                body = null;   // vanished or unreadable since resolve: the same answer as missing
            }
        }
        if (body == null) {
            writeError(404, keepAlive);
            return stopUnless(c, keepAlive);
        }
        long size = body.size();
        int range = req.method == HttpRequest.METHOD_GET ? range(size) : WHOLE;
        if (range == UNSATISFIABLE) {
            body.close();
            byte[] text = Status.body(416);
            startHead(416, TEXT_PLAIN_UTF8, text.length, keepAlive, ACCEPT_RANGES);
            append(CONTENT_RANGE);
            append((byte) '*');
            append((byte) '/');
            appendLong(size);
            append(CRLF);
            endHead();
            append(text);
            return stopUnless(c, keepAlive);
        }
        long first = range == PARTIAL ? rangeFirst : 0;
        long length = range == PARTIAL ? rangeLast - rangeFirst + 1 : size;
        startHead(range == PARTIAL ? 206 : 200, ContentTypes.bytesOf(real.getFileName().toString()), length,
                keepAlive, ACCEPT_RANGES);
        if (range == PARTIAL) {
            append(CONTENT_RANGE);
            appendLong(rangeFirst);
            append((byte) '-');
            appendLong(rangeLast);
            append((byte) '/');
            appendLong(size);
            append(CRLF);
        }
        endHead();
        if (req.method == HttpRequest.METHOD_HEAD || length == 0) {
            body.close();
        } else {
            c.file = body;
            c.fileOffset = first;
            c.fileRemaining = length;
        }
        return stopUnless(c, keepAlive) || c.file != null;
    }

    /**
     * Reads the request's {@code Range} field (RFC 9110 14.1.1) against a file of {@code size}
     * bytes. Only one {@code bytes} range is honoured; anything else is the whole file.
     *
     * @return {@link #WHOLE}, {@link #PARTIAL} (with {@link #rangeFirst} and {@link #rangeLast})
     *         or {@link #UNSATISFIABLE}
     */
    private int range(long size) {
        HttpRequest r = req;
        if (r.rangeCount != 1 || r.ifRange) {
            return WHOLE;
        }
        byte[] b = in;
        int p = r.rangeStart;
        int end = r.rangeEnd;
        int unitEnd = p;
        while (unitEnd < end && b[unitEnd] != '=') {
            unitEnd++;
        }
        if (unitEnd == end || !equalsIgnoreCase(p, unitEnd, BYTES_UNIT)) {
            return WHOLE;   // another unit, or no '=': not a range this server knows
        }
        p = unitEnd + 1;
        // One range-spec, with the optional whitespace and empty list elements RFC 9110 5.6.1 allows.
        while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == ',')) {
            p++;
        }
        while (end > p && (b[end - 1] == ' ' || b[end - 1] == '\t' || b[end - 1] == ',')) {
            end--;
        }
        int dash = p;
        while (dash < end && b[dash] >= '0' && b[dash] <= '9') {
            dash++;
        }
        if (dash == end || b[dash] != '-') {
            return WHOLE;
        }
        int q = dash + 1;
        while (q < end && b[q] >= '0' && b[q] <= '9') {
            q++;
        }
        if (q != end) {
            return WHOLE;   // a second range (several are answered whole), or not a range at all
        }
        if (dash == p) {
            if (q == dash + 1) {
                return WHOLE;   // "-" alone
            }
            long suffix = digits(dash + 1, end);
            if (suffix == 0) {
                return UNSATISFIABLE;
            }
            if (size == 0) {
                return WHOLE;   // satisfiable, but an empty file has no byte to name in Content-Range
            }
            rangeFirst = Math.max(0, size - suffix);
            rangeLast = size - 1;
            return PARTIAL;
        }
        long first = digits(p, dash);
        long last = q == dash + 1 ? Long.MAX_VALUE : digits(dash + 1, end);
        if (last < first) {
            return WHOLE;   // invalid: ignored, as RFC 9110 14.2 allows
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        rangeFirst = first;
        rangeLast = Math.min(last, size - 1);
        return PARTIAL;
    }

    /** @return the decimal number in {@code in[from, to)}, {@link Long#MAX_VALUE} if larger */
    private long digits(int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = in[i] - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                return Long.MAX_VALUE;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private boolean equalsIgnoreCase(int from, int to, byte[] lower) {
        return to - from == lower.length && startsWithLower(from, to, lower);
    }

    private boolean stopUnless(HttpConnection c, boolean keepAlive) {
        if (keepAlive) {
            return false;
        }
        c.closeAfterFlush = true;
        inStart = inEnd;   // nothing after a closing request is answered
        return true;
    }

    private boolean rejectAndClose(HttpConnection c, int status) {
        c.headScanned = 0;
        writeError(status, false);
        c.closeAfterFlush = true;
        c.skipBody = 0;
        inStart = inEnd;
        return true;
    }

    private void startSkippingBody(HttpConnection c, long bodyLength) {
        long buffered = inEnd - inStart;
        if (buffered >= bodyLength) {
            inStart += (int) bodyLength;
        } else {
            c.skipBody = bodyLength - buffered;
            inStart = inEnd;
        }
    }

    /** @return true when the body is skipped completely */
    private boolean skipBody(HttpConnection c) {
        int k = (int) Math.min(inEnd - inStart, c.skipBody);
        inStart += k;
        c.skipBody -= k;
        return c.skipBody == 0;
    }

    private void writeError(int status, boolean keepAlive) {
        byte[] body = Status.body(status);
        writeHead(status, TEXT_PLAIN_UTF8, body.length, keepAlive, status == 405 ? ALLOW : null);
        if (req.method != HttpRequest.METHOD_HEAD) {
            append(body);
        }
    }

    private void writeHead(int status, byte[] contentType, long contentLength, boolean keepAlive) {
        writeHead(status, contentType, contentLength, keepAlive, null);
    }

    private void writeHead(int status, byte[] contentType, long contentLength, boolean keepAlive, byte[] extra) {
        startHead(status, contentType, contentLength, keepAlive, extra);
        endHead();
    }

    /** The head up to its last fields: more may follow before {@link #endHead}. */
    private void startHead(int status, byte[] contentType, long contentLength, boolean keepAlive, byte[] extra) {
        append(Status.line(status));
        append(SERVER);
        append(contentType);
        append(CONTENT_LENGTH);
        appendLong(contentLength);
        append(CRLF);
        if (extra != null) {
            append(extra);
        }
        if (!keepAlive) {
            append(CONNECTION_CLOSE);
        } else if (req.minorVersion == 0) {
            append(CONNECTION_KEEP_ALIVE);
        }
    }

    private void endHead() {
        append(date.line);
        append(CRLF);
    }

    private void append(byte[] b) {
        System.arraycopy(b, 0, out, outLength, b.length);
        outLength += b.length;
    }

    private void append(byte b) {
        out[outLength++] = b;
    }

    private void appendLong(long v) {
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int p = outLength + digits;
        outLength = p;
        do {
            out[--p] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
    }

    /** Sends the answers accumulated, then the pending file; @return SENT, BLOCKED or -1 */
    private int flush(HttpConnection c) {
        int pos = 0;
        int len = outLength;
        HttpIo io = c.io;
        while (pos < len) {
            int n = io.send(out, pos, len - pos);
            if (n <= 0) {
                return partialSend(c, pos, n);
            }
            pos += n;
        }
        outLength = 0;
        return c.file == null ? SENT : c.sendFileRest();
    }

    private int partialSend(HttpConnection c, int pos, int n) {
        if (n < 0) {
            return -1;
        }
        c.keepOutput(out, pos, outLength);
        outLength = 0;
        return BLOCKED;
    }

    private int blockedOrFailed(HttpConnection c, int r) {
        if (r == BLOCKED) {
            c.keepInput(in, inStart, inEnd);
            return WAIT_SEND;
        }
        return CLOSE;
    }

    private static int resumeOutput(HttpConnection c) {
        int r = c.sendKeptOutput();
        if (r == SENT && c.file != null) {
            r = c.sendFileRest();
        }
        return r;
    }

    private void compact() {
        int n = inEnd - inStart;
        System.arraycopy(in, inStart, in, 0, n);
        inStart = 0;
        inEnd = n;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Status lines and error bodies, encoded once. */
    static final class Status {
        private static final int[] CODES = {200, 206, 400, 404, 405, 413, 414, 416, 417, 431, 501, 505};
        private static final String[] REASONS = {"OK", "Partial Content", "Bad Request", "Not Found",
            "Method Not Allowed", "Content Too Large", "URI Too Long", "Range Not Satisfiable", "Expectation Failed",
            "Request Header Fields Too Large", "Not Implemented", "HTTP Version Not Supported"};
        private static final byte[][] LINES = new byte[CODES.length][];
        private static final byte[][] BODIES = new byte[CODES.length][];

        static {
            for (int i = 0; i < CODES.length; i++) {
                LINES[i] = ascii("HTTP/1.1 " + CODES[i] + " " + REASONS[i] + "\r\n");
                BODIES[i] = ascii(REASONS[i] + "\n");
            }
        }

        private Status() {
        }

        private static int index(int code) {
            for (int i = 0; i < CODES.length; i++) {
                if (CODES[i] == code) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no status line for " + code);
        }

        static byte[] line(int code) {
            return LINES[index(code)];
        }

        static byte[] body(int code) {
            return BODIES[index(code)];
        }
    }
}
