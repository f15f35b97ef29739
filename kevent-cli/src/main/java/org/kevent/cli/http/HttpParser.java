package org.kevent.cli.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * An in-place HTTP/1.1 request-head parser over a byte array: no String, no allocation; header
 * names are compared byte by byte, case-insensitively.
 *
 * <p><b>Semantics</b>: {@link #parse} looks at {@code buf[start, end)} and either finds a whole
 * head (request line, header fields, empty line) within {@link #MAX_HEAD} bytes, asks for more
 * bytes, or names the status of the error. Bytes that can never start a valid head (controls,
 * bare LF, space before a colon, folded lines) are rejected as soon as they are seen, not when the
 * head is complete, so garbage does not wait for 8 KiB. Framing is strict, because a lenient
 * front end and a strict back end disagreeing on where a request ends is how requests are
 * smuggled: Content-Length with Transfer-Encoding, two differing Content-Length fields, a
 * non-numeric Content-Length and whitespace before the colon are all 400. A request target that
 * does not end within the limit is 414, the rest of a head too long 431. {@code Expect},
 * {@code Range} and {@code If-Range} are recorded for the processor, not judged here.
 *
 * <p><b>Speed</b>: the long runs of a head (the request target, field values) are scanned eight
 * bytes at a time: one little-endian {@code long} read, and word-at-a-time arithmetic that flags the
 * first byte outside the run's alphabet; the byte-by-byte rules then decide that byte. The common
 * {@code HTTP/1.1\r\n} is matched as one word and two bytes. The answers are the byte-by-byte
 * parser's, to the byte (HttpParserScanTest puts every byte value at every offset of a word).
 *
 * <p><b>Threading</b>: stateless; the {@link HttpRequest} passed in is the only thing written.
 *
 * <p><b>Caveats</b>: it parses the head only; the body (which this server never reads) is framed
 * by the caller from {@link HttpRequest#contentLength()}. Transfer-Encoding without
 * Content-Length is answered 501: chunked request bodies are not decoded.
 */
public final class HttpParser {
    /** The longest accepted head, request line included; a longer one is 431 (414 if its target does not end). */
    public static final int MAX_HEAD = 8192;
    /** {@link #parse}'s result when the head is not complete yet. */
    public static final int NEED_MORE = 0;

    private static final byte[] GET = {'G', 'E', 'T'};
    private static final byte[] HEAD = {'H', 'E', 'A', 'D'};
    private static final byte[] HOST = lower("host");
    private static final byte[] CONNECTION = lower("connection");
    private static final byte[] CONTENT_LENGTH = lower("content-length");
    private static final byte[] TRANSFER_ENCODING = lower("transfer-encoding");
    private static final byte[] EXPECT = lower("expect");
    private static final byte[] CONTINUE = lower("100-continue");
    private static final byte[] RANGE = lower("range");
    private static final byte[] IF_RANGE = lower("if-range");
    private static final byte[] CLOSE = lower("close");
    private static final byte[] KEEP_ALIVE = lower("keep-alive");
    private static final byte[] VERSION = {'H', 'T', 'T', 'P', '/', 0, '.', 0, '\r', '\n'};

    /** Bounds-checked eight-byte reads of a byte array, little-endian: byte i of the word is bit 8i. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    /** {@code "HTTP/1.1"} as {@link #LONGS} reads it. */
    private static final long HTTP_1_1 = 0x312e312f50545448L;

    /** RFC 9110 tchar, indexed by byte value (negative bytes are never tchars). */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpParser() {
    }

    /**
     * Parses one request head from {@code buf[start, end)} into {@code r}.
     *
     * @param buf   the bytes received
     * @param start where the head begins (empty lines before it are skipped)
     * @param end   the end of the bytes received
     * @param r     filled in when the head is complete
     * @return the head's length in bytes from {@code start} (> 0), {@link #NEED_MORE}, or the negated
     *         error status: -400, -414 (a request target that does not end within {@link #MAX_HEAD}),
     *         -431, -501, -505
     */
    public static int parse(byte[] buf, int start, int end, HttpRequest r) {
        r.reset();
        int limit = Math.min(end, start + MAX_HEAD);
        int p = start;
        // RFC 9112 2.2: a server SHOULD ignore at least one empty line before the request line.
        while (p < limit && buf[p] == '\r') {
            if (p + 1 >= limit) {
                return more(limit, start);
            }
            if (buf[p + 1] != '\n') {
                return -400;
            }
            p += 2;
        }
        int m0 = p;
        while (p < limit && isTchar(buf[p])) {
            p++;
        }
        if (p >= limit) {
            return more(limit, start);
        }
        if (buf[p] != ' ' || p == m0) {
            return -400;
        }
        r.method = classifyMethod(buf, m0, p);
        p++;
        int t0 = p;
        p = skipTargetBytes(buf, p, limit);
        if (p >= limit) {
            // RFC 9110 15.5.15: a target longer than the server interprets is 414, not 431.
            return limit - start >= MAX_HEAD ? -414 : NEED_MORE;
        }
        if (buf[p] != ' ' || p == t0) {
            return -400;
        }
        r.targetStart = t0;
        r.targetEnd = p;
        p++;
        if (p + VERSION.length <= limit && (long) LONGS.get(buf, p) == HTTP_1_1
                && buf[p + 8] == '\r' && buf[p + 9] == '\n') {
            r.minorVersion = 1;
            return finish(parseHeaders(buf, p + VERSION.length, limit, r), limit, start);
        }
        for (int i = 0; i < VERSION.length; i++, p++) {
            if (p >= limit) {
                return more(limit, start);
            }
            byte want = VERSION[i];
            byte b = buf[p];
            if (want == 0 ? (b < '0' || b > '9') : b != want) {
                return -400;
            }
        }
        int major = buf[p - 5] - '0';
        if (major != 1) {
            return -505;
        }
        r.minorVersion = buf[p - 3] == '0' ? 0 : 1;
        return finish(parseHeaders(buf, p, limit, r), limit, start);
    }

    /** @return {@link #parse}'s answer for {@link #parseHeaders}'s */
    private static int finish(int status, int limit, int start) {
        if (status <= 0) {
            return status == 0 ? more(limit, start) : status;
        }
        return status - start;
    }

    /** @return the index just past the head's empty line, 0 for more bytes, or a negated status */
    private static int parseHeaders(byte[] buf, int p, int limit, HttpRequest r) {
        for (;;) {
            if (p >= limit) {
                return 0;
            }
            if (buf[p] == '\r') {
                if (p + 1 >= limit) {
                    return 0;
                }
                if (buf[p + 1] != '\n') {
                    return -400;
                }
                int status = checkFraming(r);
                return status != 0 ? -status : p + 2;
            }
            int n0 = p;
            while (p < limit && isTchar(buf[p])) {
                p++;
            }
            if (p >= limit) {
                return 0;
            }
            // Covers a space before the colon and an obs-fold line (starting with SP or HTAB).
            if (buf[p] != ':' || p == n0) {
                return -400;
            }
            int n1 = p++;
            while (p < limit && (buf[p] == ' ' || buf[p] == '\t')) {
                p++;
            }
            int v0 = p;
            p = skipFieldBytes(buf, p, limit);
            if (p >= limit) {
                return 0;
            }
            if (buf[p] != '\r') {
                return -400;
            }
            if (p + 1 >= limit) {
                return 0;
            }
            if (buf[p + 1] != '\n') {
                return -400;
            }
            int v1 = p;
            while (v1 > v0 && (buf[v1 - 1] == ' ' || buf[v1 - 1] == '\t')) {
                v1--;
            }
            p += 2;
            int status = onHeader(buf, n0, n1, v0, v1, r);
            if (status != 0) {
                return -status;
            }
        }
    }

    /** @return 0, or the error status */
    private static int onHeader(byte[] buf, int n0, int n1, int v0, int v1, HttpRequest r) {
        switch (n1 - n0) {
            case 4 -> {
                if (equalsLower(buf, n0, n1, HOST)) {
                    r.hostCount++;
                }
            }
            case 5 -> {
                if (equalsLower(buf, n0, n1, RANGE)) {
                    r.rangeCount++;
                    r.rangeStart = v0;
                    r.rangeEnd = v1;
                }
            }
            case 6 -> {
                if (equalsLower(buf, n0, n1, EXPECT) && v1 > v0) {
                    if (equalsLower(buf, v0, v1, CONTINUE)) {
                        r.expectContinue = true;
                    } else {
                        r.expectOther = true;
                    }
                }
            }
            case 8 -> {
                if (equalsLower(buf, n0, n1, IF_RANGE)) {
                    r.ifRange = true;
                }
            }
            case 10 -> {
                if (equalsLower(buf, n0, n1, CONNECTION)) {
                    onConnection(buf, v0, v1, r);
                }
            }
            case 14 -> {
                if (equalsLower(buf, n0, n1, CONTENT_LENGTH)) {
                    return onContentLength(buf, v0, v1, r);
                }
            }
            case 17 -> {
                if (equalsLower(buf, n0, n1, TRANSFER_ENCODING)) {
                    r.transferEncoding = true;
                }
            }
            default -> {
            }
        }
        return 0;
    }

    private static int onContentLength(byte[] buf, int v0, int v1, HttpRequest r) {
        if (v0 == v1 || v1 - v0 > 18) {
            return 400;
        }
        long value = 0;
        for (int i = v0; i < v1; i++) {
            byte b = buf[i];
            if (b < '0' || b > '9') {
                return 400;
            }
            value = value * 10 + (b - '0');
        }
        if (r.contentLength >= 0 && r.contentLength != value) {
            return 400;
        }
        r.contentLength = value;
        return 0;
    }

    private static void onConnection(byte[] buf, int v0, int v1, HttpRequest r) {
        int p = v0;
        while (p < v1) {
            int t0 = p;
            while (p < v1 && buf[p] != ',') {
                p++;
            }
            int t1 = p;
            while (t0 < t1 && (buf[t0] == ' ' || buf[t0] == '\t')) {
                t0++;
            }
            while (t1 > t0 && (buf[t1 - 1] == ' ' || buf[t1 - 1] == '\t')) {
                t1--;
            }
            if (equalsLower(buf, t0, t1, CLOSE)) {
                r.connectionClose = true;
            } else if (equalsLower(buf, t0, t1, KEEP_ALIVE)) {
                r.connectionKeepAlive = true;
            }
            p++;
        }
    }

    /** @return 0 when the message framing is acceptable, else the status to answer */
    private static int checkFraming(HttpRequest r) {
        if (r.transferEncoding) {
            return r.contentLength >= 0 || r.minorVersion == 0 ? 400 : 501;
        }
        if (r.hostCount > 1 || (r.hostCount == 0 && r.minorVersion >= 1)) {
            return 400;   // RFC 9112 3.2: exactly one Host in HTTP/1.1
        }
        return 0;
    }

    /** @return the index of the first byte from {@code p} that is not VCHAR (0x21..0x7e), or {@code limit} */
    static int skipTargetBytes(byte[] buf, int p, int limit) {
        while (p + Long.BYTES <= limit) {
            long x = (long) LONGS.get(buf, p);
            // Bytes below 0x21, and bytes above 0x7e (0x7f and every byte with its top bit set).
            long outside = ((x - 0x21 * ONES) & ~x | (x + ONES | x)) & HIGHS;
            if (outside != 0) {
                return p + (Long.numberOfTrailingZeros(outside) >>> 3);
            }
            p += Long.BYTES;
        }
        while (p < limit && buf[p] > 0x20 && buf[p] < 0x7f) {
            p++;
        }
        return p;
    }

    /** @return the index of the first byte from {@code p} that {@link #isFieldByte} refuses, or {@code limit} */
    static int skipFieldBytes(byte[] buf, int p, int limit) {
        while (p + Long.BYTES <= limit) {
            long x = (long) LONGS.get(buf, p);
            long del = x ^ (0x7f * ONES);
            // Controls (HTAB among them, decided below) and DEL; bytes with the top bit set are obs-text.
            long suspect = ((x - 0x20 * ONES) & ~x | (del - ONES) & ~del) & HIGHS;
            if (suspect == 0) {
                p += Long.BYTES;
                continue;
            }
            p += Long.numberOfTrailingZeros(suspect) >>> 3;
            if (buf[p] != '\t') {
                return p;
            }
            p++;
        }
        while (p < limit && isFieldByte(buf[p])) {
            p++;
        }
        return p;
    }

    private static int more(int limit, int start) {
        return limit - start >= MAX_HEAD ? -431 : NEED_MORE;
    }

    private static int classifyMethod(byte[] buf, int m0, int m1) {
        if (equalsExact(buf, m0, m1, GET)) {
            return HttpRequest.METHOD_GET;
        }
        if (equalsExact(buf, m0, m1, HEAD)) {
            return HttpRequest.METHOD_HEAD;
        }
        return HttpRequest.METHOD_OTHER;
    }

    static boolean isTchar(byte b) {
        return b >= 0 && TCHAR[b];
    }

    /** VCHAR, SP, HTAB and obs-text: everything but the other controls and DEL. */
    private static boolean isFieldByte(byte b) {
        return b < 0 || (b >= 0x20 && b != 0x7f) || b == '\t';
    }

    private static boolean equalsExact(byte[] buf, int from, int to, byte[] word) {
        if (to - from != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (buf[from + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** Compares against a lower-case word; {@code | 0x20} folds ASCII letters and keeps '-' and digits. */
    private static boolean equalsLower(byte[] buf, int from, int to, byte[] lowerWord) {
        if (to - from != lowerWord.length) {
            return false;
        }
        for (int i = 0; i < lowerWord.length; i++) {
            if ((buf[from + i] | 0x20) != lowerWord[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] lower(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
