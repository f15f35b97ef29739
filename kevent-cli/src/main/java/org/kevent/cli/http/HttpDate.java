package org.kevent.cli.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The {@code Date} header line and the whole plaintext response, rebuilt at most once per second.
 *
 * <p><b>Semantics</b>: {@link #refresh(long)} reads the wall clock only once the monotonic time it
 * is given reaches the next whole second it computed at its last read, so a server that already
 * reads {@link System#nanoTime()} per batch of events pays no second clock read per connection;
 * only a new second formats (and allocates). Between refreshes the arrays are stable and can be
 * copied. The header may lag a step of the wall clock by up to a second, never more.
 * <p><b>Threading</b>: one instance per server thread; not shared.
 */
final class HttpDate {
    /** {@code "Date: Sat, 28 Nov 2026 13:23:54 GMT\r\n"}: always 37 bytes. */
    static final int LINE_LENGTH = 37;

    // Not RFC_1123_DATE_TIME: that one prints a one-digit day, which IMF-fixdate forbids.
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final byte[] PLAIN_HEAD = ("HTTP/1.1 200 OK\r\nServer: kevent\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PLAIN_BODY = "\r\nHello, World!".getBytes(StandardCharsets.US_ASCII);

    private final LongSupplier wallMillis;
    private long second = Long.MIN_VALUE;
    /** The {@link System#nanoTime()} at which the wall clock reaches the second after {@link #second}. */
    private long nextSecondNanos;
    final byte[] line = new byte[LINE_LENGTH];
    /** The complete keep-alive answer to {@code GET /plaintext}. */
    final byte[] plaintext = new byte[PLAIN_HEAD.length + LINE_LENGTH + PLAIN_BODY.length];

    HttpDate() {
        this(System::currentTimeMillis);
    }

    /** @param wallMillis the wall clock, milliseconds since the epoch (a test's own) */
    HttpDate(LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
    }

    /**
     * Makes the cached bytes current.
     *
     * @param nowNanos {@link System#nanoTime()}, read by the caller at most a batch of events ago
     */
    void refresh(long nowNanos) {
        if (second != Long.MIN_VALUE && nowNanos - nextSecondNanos < 0) {
            return;
        }
        long millis = wallMillis.getAsLong();
        long s = Math.floorDiv(millis, 1000);
        if (s != second) {
            rebuild(s);
        }
        nextSecondNanos = nowNanos + (1000 - Math.floorMod(millis, 1000)) * 1_000_000L;
    }

    private void rebuild(long s) {
        byte[] text = ("Date: " + IMF_FIXDATE.format(Instant.ofEpochSecond(s)) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, line, 0, LINE_LENGTH);
        System.arraycopy(PLAIN_HEAD, 0, plaintext, 0, PLAIN_HEAD.length);
        System.arraycopy(line, 0, plaintext, PLAIN_HEAD.length, LINE_LENGTH);
        System.arraycopy(PLAIN_BODY, 0, plaintext, PLAIN_HEAD.length + LINE_LENGTH, PLAIN_BODY.length);
        second = s;
    }
}
