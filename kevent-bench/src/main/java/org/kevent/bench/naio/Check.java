package org.kevent.bench.naio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * The check every server passes before it is loaded: it must answer the {@link Part} protocol
 * correctly, byte for byte, over a plain blocking socket.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>sendfile: one request gets exactly the file — its length, and the CRC-32C of its content —
 *       and a second request on the same connection gets the length again and nothing more.</li>
 *   <li>echo: two different 16 KiB messages, the first written in two pieces 50 ms apart (a
 *       server that waits for whole messages must put them together), come back identical and in
 *       order.</li>
 * </ul>
 * Reads time out after {@link #TIMEOUT_MILLIS}, so a server that hangs fails instead of
 * stopping the run.
 */
final class Check {
    private static final int TIMEOUT_MILLIS = 20_000;

    private Check() {
    }

    /**
     * Fills an echo message: the sequence number 0 in the first 8 bytes (the load clients check
     * it on every echo), then bytes that differ per connection, so a server mixing up two
     * connections' buffers cannot pass.
     */
    static void fillMessage(ByteBuffer message, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int k = 8; k < message.capacity(); k++) {
            message.put(k, (byte) random.nextInt());
        }
        message.putLong(0, 0);
    }

    /**
     * @return null if the server on {@code port} answers the sendfile protocol with the file
     *         whose CRC-32C is {@code fileCrc}, else what went wrong
     */
    static String sendfile(int port, long fileCrc) {
        try (Socket s = connect(port); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] buffer = new byte[1 << 20];
            CRC32C crc = new CRC32C();
            out.write(Part.REQUEST);
            long got = readUpTo(in, buffer, Part.FILE_BYTES, crc);
            if (got != Part.FILE_BYTES) {
                return "first transfer: " + got + " bytes, expected " + Part.FILE_BYTES;
            }
            if (crc.getValue() != fileCrc) {
                return "first transfer: content differs from the file (CRC-32C " + Long.toHexString(crc.getValue())
                        + ", file " + Long.toHexString(fileCrc) + ")";
            }
            out.write(Part.REQUEST);
            got = readUpTo(in, buffer, Part.FILE_BYTES, null);
            if (got != Part.FILE_BYTES) {
                return "second transfer: " + got + " bytes, expected " + Part.FILE_BYTES;
            }
            s.setSoTimeout(200);
            try {
                int extra = in.read(buffer);
                return "second transfer: " + (extra < 0 ? "connection closed after it" : extra + " bytes too many");
            } catch (SocketTimeoutException expected) {
                return null;
            }
        } catch (IOException e) {
            return "sendfile check: " + e;
        }
    }

    /** @return null if the server on {@code port} echoes correctly, else what went wrong */
    static String echo(int port) {
        try (Socket s = connect(port); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] sent = new byte[2 * Part.MESSAGE_BYTES];
            ByteBuffer first = ByteBuffer.allocate(Part.MESSAGE_BYTES);
            ByteBuffer second = ByteBuffer.allocate(Part.MESSAGE_BYTES);
            fillMessage(first, 1);
            fillMessage(second, 2);
            first.get(0, sent, 0, Part.MESSAGE_BYTES);
            second.get(0, sent, Part.MESSAGE_BYTES, Part.MESSAGE_BYTES);
            out.write(sent, 0, 100);
            out.flush();
            Thread.sleep(50);
            out.write(sent, 100, sent.length - 100);
            byte[] back = new byte[sent.length];
            int got = in.readNBytes(back, 0, back.length);
            if (got != back.length) {
                return "echo: " + got + " of " + back.length + " bytes came back before the stream ended";
            }
            int diff = Arrays.mismatch(sent, back);
            return diff < 0 ? null : "echo: byte " + diff + " differs";
        } catch (IOException e) {
            return "echo check: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
        s.setSoTimeout(TIMEOUT_MILLIS);
        s.setTcpNoDelay(true);
        return s;
    }

    /** Reads until {@code count} bytes or the end of the stream; @return the bytes read. */
    private static long readUpTo(InputStream in, byte[] buffer, long count, CRC32C crc) throws IOException {
        long got = 0;
        while (got < count) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, count - got));
            if (n < 0) {
                break;
            }
            if (crc != null) {
                crc.update(buffer, 0, n);
            }
            got += n;
        }
        return got;
    }
}
