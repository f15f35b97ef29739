package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kevent.KeventException;
import org.kevent.net.Blocked.Kind;

/**
 * The blocking calls of {@link TcpSocket} and {@link TcpListener} (docs/SEMANTICS.md §9), each on
 * a virtual and on a platform thread: a virtual thread parks on the shared watcher, a platform
 * thread sleeps in {@code poll(2)}; the contract is the same.
 */
class BlockingSocketTest {
    private static final Duration LONG = Duration.ofSeconds(10);
    private static final Duration FOREVER = Duration.ofNanos(-1);

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReadWaitsForTheBytesThePeerSendsLater(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            byte[] buf = new byte[16];
            Blocked<Integer> read = Blocked.start(kind, () -> p.server.read(buf, 0, buf.length, LONG)).awaitWaiting();
            p.client.send(ascii("hello"), 0, 5);
            assertThat(read.get()).isEqualTo(5);
            assertThat(new String(buf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBufferReadWaitsAndMovesThePosition(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            ByteBuffer in = ByteBuffer.allocateDirect(8);
            in.position(2);
            Blocked<Integer> read = Blocked.start(kind, () -> p.server.read(in, FOREVER)).awaitWaiting();
            p.client.send(ascii("abc"), 0, 3);
            assertThat(read.get()).isEqualTo(3);
            assertThat(in.position()).isEqualTo(5);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWaitingReadReturnsMinusOneAtTheEndOfTheStream(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            Blocked<Integer> read = Blocked.start(kind, () -> p.server.read(new byte[4], 0, 4, LONG)).awaitWaiting();
            p.client.shutdownOutput();
            assertThat(read.get()).isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReaderWaitsWhileAWriterFillsTheOtherSide(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            smallButNotTinyBuffers(p);
            byte[] sent = new byte[8 << 20];
            new Random(7).nextBytes(sent);
            byte[] got = new byte[sent.length];
            // Both sides wait many times: the writer for room, the reader for bytes.
            Blocked<Void> writer = Blocked.start(kind, () -> {
                p.client.writeAll(sent, 0, sent.length, LONG);
                return null;
            });
            Blocked<Void> reader = Blocked.start(kind, () -> {
                p.server.readFully(got, 0, got.length, LONG);
                return null;
            });
            writer.get();
            reader.get();
            assertThat(got).isEqualTo(sent);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void buffersGoWholeThroughWriteAllAndReadFully(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            smallButNotTinyBuffers(p);
            ByteBuffer out = ByteBuffer.allocateDirect(4 << 20);
            for (int i = 0; out.hasRemaining(); i++) {
                out.put((byte) i);
            }
            out.flip();
            ByteBuffer in = ByteBuffer.allocate(4 << 20);
            Blocked<Void> reader = Blocked.start(kind, () -> {
                p.server.readFully(in, LONG);
                return null;
            });
            Blocked.start(kind, () -> {
                p.client.writeAll(out, LONG);
                return null;
            }).get();
            reader.get();
            assertThat(out.hasRemaining()).isFalse();
            assertThat(in.hasRemaining()).isFalse();
            assertThat(in.flip()).isEqualTo(out.flip());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void readFullyThrowsEofExceptionWhenTheStreamEndsFirst(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            ByteBuffer in = ByteBuffer.allocate(10);
            Blocked<Void> read = Blocked.start(kind, () -> {
                p.server.readFully(in, LONG);
                return null;
            });
            p.client.send(ascii("abc"), 0, 3);
            p.client.shutdownOutput();
            assertThat(read.failure()).isInstanceOf(EOFException.class).hasMessageContaining("3 of 10");
            assertThat(in.position()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReadTimesOutWithSocketTimeoutExceptionAndTheSocketStaysUsable(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            byte[] buf = new byte[8];
            Blocked<Integer> read = Blocked.start(kind, () -> p.server.read(buf, 0, 8, Duration.ofMillis(20)));
            assertThat(read.failure()).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("recv");
            p.client.send(ascii("late"), 0, 4);
            assertThat(Blocked.start(kind, () -> p.server.read(buf, 0, 8, LONG)).get()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aZeroTimeoutLooksOnce(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            byte[] buf = new byte[8];
            // A fresh connection: room to write, nothing to read. The first call registers the
            // socket with the watcher, and must know the truth before the watcher thread's first
            // report about it comes in.
            assertThat(Blocked.start(kind, () -> {
                p.server.awaitWritable(Duration.ZERO);
                return true;
            }).get()).isTrue();
            assertThat(Blocked.start(kind, () -> {
                p.server.awaitReadable(Duration.ZERO);
                return true;
            }).failure()).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("recv");
            assertThat(Blocked.start(kind, () -> p.server.read(buf, 0, 8, Duration.ZERO)).failure())
                    .isInstanceOf(SocketTimeoutException.class);
            Loopback.sendAll(p.client, ascii("now"));
            // The bytes are there once the peer's send returned (loopback delivers in the call).
            assertThat(Blocked.start(kind, () -> p.server.read(buf, 0, 8, Duration.ZERO)).get()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWriteTimesOutWhenThePeerDoesNotReadAndTellsHowFarItGot(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            Throwable t = writeMoreThanFits(kind, p, Duration.ofMillis(50)).failure();
            assertThat(t).isInstanceOf(SocketTimeoutException.class);
            assertThat(((SocketTimeoutException) t).bytesTransferred).isPositive().isLessThan(MORE_THAN_FITS);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void acceptBlockingWaitsForAConnectionAndTimesOutWithoutOne(Kind kind) throws Exception {
        try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false)) {
            assertThat(Blocked.start(kind, () -> l.acceptBlocking(Duration.ofMillis(20))).failure())
                    .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("accept4");
            Blocked<TcpSocket> accept = Blocked.start(kind, () -> l.acceptBlocking(LONG)).awaitWaiting();
            try (TcpSocket c = TcpSocket.connect(l.localAddress()); TcpSocket s = accept.get()) {
                c.send(ascii("hi"), 0, 2);
                assertThat(Blocked.start(kind, () -> s.read(new byte[2], 0, 2, LONG)).get()).isEqualTo(2);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closeFromAnotherThreadWakesABlockedReader(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            Blocked<Integer> read = Blocked.start(kind, () -> p.server.read(new byte[8], 0, 8, FOREVER)).awaitWaiting();
            p.server.close();
            assertThat(read.failure()).isInstanceOf(AsynchronousCloseException.class);
            assertThat(p.server.isOpen()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closeFromAnotherThreadWakesABlockedWriter(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            Blocked<Void> write = writeMoreThanFits(kind, p, FOREVER).awaitWaiting();
            p.client.close();
            assertThat(write.failure()).isInstanceOf(AsynchronousCloseException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closeFromAnotherThreadWakesABlockedAccept(Kind kind) throws Exception {
        TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false);
        Blocked<TcpSocket> accept = Blocked.start(kind, () -> l.acceptBlocking(FOREVER)).awaitWaiting();
        l.close();
        assertThat(accept.failure()).isInstanceOf(AsynchronousCloseException.class);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aCallOnASocketClosedBeforeIsClosedChannelException(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            p.server.close();
            p.listener.close();
            assertThat(Blocked.start(kind, () -> p.server.read(new byte[1], 0, 1, LONG)).failure())
                    .isExactlyInstanceOf(ClosedChannelException.class);
            assertThat(Blocked.start(kind, () -> p.server.write(new byte[1], 0, 1, LONG)).failure())
                    .isExactlyInstanceOf(ClosedChannelException.class);
            assertThat(Blocked.start(kind, () -> p.listener.acceptBlocking(LONG)).failure())
                    .isExactlyInstanceOf(ClosedChannelException.class);
        }
    }

    @Test
    void interruptingAVirtualReaderThrowsInterruptedIoExceptionKeepsTheStatusAndTheSocket() throws Exception {
        try (Loopback p = Loopback.open()) {
            Blocked<Integer> read = Blocked.start(Kind.VIRTUAL, () -> p.server.read(new byte[8], 0, 8, FOREVER))
                    .awaitWaiting();
            read.thread.interrupt();
            Throwable t = read.failure();
            assertThat(t).isExactlyInstanceOf(InterruptedIOException.class).hasMessageContaining("interrupt");
            assertThat(read.interruptedAfter()).as("interrupt status kept").isTrue();
            assertThat(p.server.isOpen()).as("an interrupt does not close the socket").isTrue();
            p.client.send(ascii("still"), 0, 5);
            assertThat(Blocked.start(Kind.VIRTUAL, () -> p.server.read(new byte[8], 0, 8, LONG)).get()).isEqualTo(5);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInterruptedThreadGetsTheBytesThereButDoesNotWait(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            Loopback.sendAll(p.client, ascii("ab"));
            Blocked<String> calls = Blocked.start(kind, () -> {
                Thread.currentThread().interrupt();
                byte[] buf = new byte[8];
                int n = p.server.read(buf, 0, 8, LONG);
                try {
                    p.server.read(buf, 0, 8, LONG);
                    return "second read returned";
                } catch (InterruptedIOException e) {
                    return n + " then " + e.getClass().getSimpleName();
                }
            });
            assertThat(calls.get()).isEqualTo("2 then InterruptedIOException");
            assertThat(calls.interruptedAfter()).isTrue();
        }
    }

    @Test
    void concurrentBlockingReadersQueueUpAndEachIsWoken() throws Exception {
        try (Loopback p = Loopback.open()) {
            Blocked<Integer> first = Blocked.start(Kind.VIRTUAL, () -> p.server.read(new byte[1], 0, 1, LONG))
                    .awaitWaiting();
            Blocked<Integer> second = Blocked.start(Kind.VIRTUAL, () -> p.server.read(new byte[1], 0, 1, LONG));
            // The second queues behind the first, which holds the read side while it waits.
            p.client.send(ascii("x"), 0, 1);
            assertThat(first.get()).isEqualTo(1);
            second.awaitWaiting();
            p.client.send(ascii("y"), 0, 1);
            assertThat(second.get()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void writeFileWaitsForRoomAndStopsAtTheEndOfTheFile(Kind kind, @TempDir Path dir) throws Exception {
        byte[] content = new byte[4 << 20];
        new Random(3).nextBytes(content);
        Path f = Files.write(dir.resolve("f"), content);
        try (Loopback p = Loopback.open(); NativeFile file = NativeFile.open(f)) {
            smallButNotTinyBuffers(p);
            byte[] got = new byte[content.length];
            Blocked<Void> reader = Blocked.start(kind, () -> {
                p.server.readFully(got, 0, got.length, LONG);
                return null;
            });
            Blocked<Long> sender = Blocked.start(kind, () -> {
                long off = 0;
                while (off < content.length) {
                    off += p.client.writeFile(file, off, content.length - off, LONG);
                }
                return p.client.writeFile(file, off, 10, LONG);
            });
            assertThat(sender.get()).as("at the end of the file").isZero();
            reader.get();
            assertThat(got).isEqualTo(content);
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnything() throws Exception {
        try (Loopback p = Loopback.open()) {
            byte[] b = new byte[4];
            assertThatThrownBy(() -> p.server.read(b, 0, 4, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> p.server.read(b, -1, 2, LONG)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> p.server.read(b, 3, 2, LONG)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> p.server.readFully(b, 0, 5, LONG)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> p.client.write(b, 2, -1, LONG)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> p.client.writeAll(b, 5, 0, LONG)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> p.server.read(ByteBuffer.allocate(4).asReadOnlyBuffer(), LONG))
                    .isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> p.server.readFully(ByteBuffer.allocate(4).asReadOnlyBuffer(), LONG))
                    .isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> p.client.writeFile(null, -1, 0, LONG)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> p.client.writeFile(null, 0, -1, LONG)).isInstanceOf(IllegalArgumentException.class);
            // Nothing to move: nothing waits, whatever the timeout.
            assertThat(p.server.read(b, 0, 0, FOREVER)).isZero();
            assertThat(p.server.read(ByteBuffer.allocate(0), FOREVER)).isZero();
            assertThat(p.client.write(ByteBuffer.allocate(0), FOREVER)).isZero();
            assertThat(p.client.write(b, 4, 0, FOREVER)).isZero();
            // Timeouts too long for a deadline wait without a limit instead of overflowing.
            p.client.send(ascii("z"), 0, 1);
            assertThat(p.server.read(b, 0, 4, Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aResetPeerIsAKeventExceptionNotAWait(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            Blocked<Integer> read = Blocked.start(kind, () -> p.server.read(new byte[8], 0, 8, LONG)).awaitWaiting();
            p.client.abort();
            Throwable t = read.failure();
            assertThat(t).isInstanceOf(KeventException.class);
            assertThat(((KeventException) t).errorName()).isEqualTo("ECONNRESET");
        }
    }

    private static final int MORE_THAN_FITS = 8 << 20;

    /** Starts a writeAll that the peer, which never reads, cannot take: the writer waits. */
    private static Blocked<Void> writeMoreThanFits(Kind kind, Loopback p, Duration timeout) {
        p.client.setSendBufferSize(8 * 1024);
        p.server.setReceiveBufferSize(8 * 1024);
        byte[] big = new byte[MORE_THAN_FITS];
        return Blocked.start(kind, () -> {
            p.client.writeAll(big, 0, big.length, timeout);
            return null;
        });
    }

    /**
     * Buffers far smaller than the transfers, so both sides wait, yet not below loopback's 64 KiB
     * MSS: there TCP itself stalls for seconds (silly-window avoidance, zero-window probes).
     */
    private static void smallButNotTinyBuffers(Loopback p) {
        p.client.setSendBufferSize(256 * 1024);
        p.server.setReceiveBufferSize(256 * 1024);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
