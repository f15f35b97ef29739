package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

/**
 * The parser's word-at-a-time scans stop exactly where RFC 9112's byte classes end a run: the
 * request target is VCHAR (0x21..0x7e); a field value is VCHAR, SP, HTAB and obs-text (0x80..0xff).
 * The expected stop is computed here from those classes one byte at a time, so a wrong mask, a
 * byte-order slip or a word read past the limit shows as a different index.
 */
class HttpParserScanTest {
    private static final int RUN = 24;   // three words: a bad byte in the first, middle and last

    private static boolean vchar(int b) {
        return b >= 0x21 && b <= 0x7e;
    }

    private static boolean fieldByte(int b) {
        return vchar(b) || b == ' ' || b == '\t' || b >= 0x80;
    }

    private static int firstTarget(byte[] buf, int from, int limit) {
        int p = from;
        while (p < limit && vchar(buf[p] & 0xff)) {
            p++;
        }
        return p;
    }

    private static int firstField(byte[] buf, int from, int limit) {
        int p = from;
        while (p < limit && fieldByte(buf[p] & 0xff)) {
            p++;
        }
        return p;
    }

    @Test
    void targetScanStopsAtEveryByteOutsideVcharWhereverItSitsInAWord() {
        assertStopsAtEveryByteOutside(HttpParserScanTest::vchar, HttpParser::skipTargetBytes);
    }

    @Test
    void fieldScanStopsAtControlsAndDelButPassesTabSpaceAndObsText() {
        assertStopsAtEveryByteOutside(HttpParserScanTest::fieldByte, HttpParser::skipFieldBytes);
    }

    /** A scan over {@code buf[from, limit)}: the index of its first stopping byte, or {@code limit}. */
    private interface Scan {
        int skip(byte[] buf, int from, int limit);
    }

    /** Every byte value at every offset of {@link #RUN} bytes of 'a': the scan stops there unless {@code allowed}. */
    private static void assertStopsAtEveryByteOutside(IntPredicate allowed, Scan scan) {
        for (int v = 0; v < 256; v++) {
            for (int at = 0; at < RUN; at++) {
                byte[] buf = filled('a', RUN);
                buf[at] = (byte) v;
                int want = allowed.test(v) ? RUN : at;
                assertThat(scan.skip(buf, 0, RUN)).as("byte 0x%02x at %d", v, at).isEqualTo(want);
            }
        }
    }

    @Test
    void theFirstOfTwoStoppingBytesWinsWhateverTheSecondIs() {
        // A borrow or carry out of one byte must never flag a byte below it: pair every class of stop
        // (0x00, just below the range, DEL, 0x80, 0xff) with a later one in the same word.
        int[] stops = {0x00, 0x0d, 0x1f, 0x20, 0x7f, 0x80, 0xff};
        for (int first : stops) {
            for (int second : stops) {
                for (int a = 0; a < 8; a++) {
                    for (int b = a + 1; b < 8; b++) {
                        byte[] buf = filled('z', 16);
                        buf[a] = (byte) first;
                        buf[b] = (byte) second;
                        assertThat(HttpParser.skipTargetBytes(buf, 0, 16)).isEqualTo(firstTarget(buf, 0, 16));
                        assertThat(HttpParser.skipFieldBytes(buf, 0, 16)).isEqualTo(firstField(buf, 0, 16));
                    }
                }
            }
        }
    }

    @Test
    void scansNeverLookAtOrPastTheLimit() {
        byte[] buf = filled('a', RUN);
        buf[RUN - 1] = '\r';
        for (int from = 0; from < RUN; from++) {
            for (int limit = from; limit < RUN; limit++) {
                // The '\r' at RUN - 1 lies at or past every limit here: no scan may stop on it.
                assertThat(HttpParser.skipTargetBytes(buf, from, limit)).isEqualTo(limit);
                assertThat(HttpParser.skipFieldBytes(buf, from, limit)).isEqualTo(limit);
            }
        }
    }

    @Test
    void scansAgreeWithTheByteClassesOnRandomRunsFromEveryStart() {
        // Bytes drawn mostly from the runs' own classes, so stops come late and at odd offsets.
        byte[] alphabet = "aZ09/-._~:%?=&\t \u0080\u00ff\r\n\u0000\u007f\u001f\"".getBytes(ISO_8859_1);
        SplittableRandom random = new SplittableRandom(17);
        for (int trial = 0; trial < 20_000; trial++) {
            byte[] buf = new byte[random.nextInt(1, 40)];
            for (int i = 0; i < buf.length; i++) {
                buf[i] = random.nextInt(6) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) 'q';
            }
            int from = random.nextInt(buf.length);
            int limit = random.nextInt(from, buf.length + 1);
            assertThat(HttpParser.skipTargetBytes(buf, from, limit)).as("%s", Arrays.toString(buf))
                    .isEqualTo(firstTarget(buf, from, limit));
            assertThat(HttpParser.skipFieldBytes(buf, from, limit)).as("%s", Arrays.toString(buf))
                    .isEqualTo(firstField(buf, from, limit));
        }
    }

    @Test
    void aVersionThatOnlyStartsLikeHttp11IsJudgedByteByByte() {
        HttpRequest r = new HttpRequest();
        assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n", r)).isPositive();
        assertThat(r.minorVersion()).isEqualTo(1);
        assertThat(parse("GET / HTTP/1.0\r\n\r\n", r)).isPositive();
        assertThat(r.minorVersion()).isZero();
        assertThat(parse("GET / HTTP/1.1\rX", r)).isEqualTo(-400);
        assertThat(parse("GET / HTTP/1.1\r", r)).isEqualTo(HttpParser.NEED_MORE);
        assertThat(parse("GET / HTTP/2.1\r\n\r\n", r)).isEqualTo(-505);
        assertThat(parse("GET / http/1.1\r\n\r\n", r)).isEqualTo(-400);
    }

    private static int parse(String head, HttpRequest r) {
        byte[] b = head.getBytes(US_ASCII);
        return HttpParser.parse(b, 0, b.length, r);
    }

    private static byte[] filled(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }
}
