package org.kevent.cli.http;

/**
 * The parsed head of one request, as offsets into the buffer it was parsed from: a reusable
 * scratch object filled by {@link HttpParser#parse}, never one object per request.
 *
 * <p><b>Threading</b>: owned by one {@link HttpProcessor}, used by its thread only.
 * <p><b>Caveats</b>: the offsets are valid only until the buffer is compacted or refilled.
 */
public final class HttpRequest {
    /** A method other than GET and HEAD (answered with 405). */
    public static final int METHOD_OTHER = 0;
    /** {@code GET}. */
    public static final int METHOD_GET = 1;
    /** {@code HEAD}. */
    public static final int METHOD_HEAD = 2;

    int method;
    int targetStart;
    int targetEnd;
    /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and later 1.x minors, which read as 1.1). */
    int minorVersion;
    /** -1 when the request had no Content-Length. */
    long contentLength;
    boolean transferEncoding;
    int hostCount;
    boolean connectionClose;
    boolean connectionKeepAlive;
    /** {@code Expect: 100-continue}: the client waits for a 100 (Continue) before it sends the body. */
    boolean expectContinue;
    /** An {@code Expect} field with anything but {@code 100-continue} (answered 417). */
    boolean expectOther;
    /** The value of the {@code Range} field ({@code [rangeStart, rangeEnd)}); how many there were. */
    int rangeStart;
    int rangeEnd;
    int rangeCount;
    /** An {@code If-Range} field: this server has no validators, so it never matches (RFC 9110 13.1.5). */
    boolean ifRange;

    void reset() {
        method = METHOD_OTHER;
        targetStart = 0;
        targetEnd = 0;
        minorVersion = 1;
        contentLength = -1;
        transferEncoding = false;
        hostCount = 0;
        connectionClose = false;
        connectionKeepAlive = false;
        expectContinue = false;
        expectOther = false;
        rangeStart = 0;
        rangeEnd = 0;
        rangeCount = 0;
        ifRange = false;
    }

    /** @return one of {@link #METHOD_GET}, {@link #METHOD_HEAD}, {@link #METHOD_OTHER} */
    public int method() {
        return method;
    }

    /** @return whether the connection stays open after the answer (HTTP/1.1 default, 1.0 opt-in) */
    public boolean keepAlive() {
        return !connectionClose && (minorVersion >= 1 || connectionKeepAlive);
    }

    /** @return 0 for HTTP/1.0, 1 for HTTP/1.1 */
    public int minorVersion() {
        return minorVersion;
    }

    /** @return the Content-Length, -1 if absent */
    public long contentLength() {
        return contentLength;
    }
}
