package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.KeventException;

/** The socket calls themselves, on real loopback sockets. */
class TcpSocketTest {

    /**
     * A direct buffer of an arena the caller can close goes through a segment, never a remembered
     * address: once the arena is closed the call fails with the JDK's exception instead of having
     * the kernel write into (or read from) memory that is no longer the buffer's.
     */
    @Test
    void aBufferOfAClosedArenaIsRefusedNotPassedByItsOldAddress() {
        try (Loopback p = Loopback.open()) {
            java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared();
            ByteBuffer out = arena.allocate(16).asByteBuffer();
            ByteBuffer in = arena.allocate(16).asByteBuffer();
            out.put(0, (byte) 7);
            assertThat(p.client.send(out)).isEqualTo(16);
            Loopback.sendAll(p.client, new byte[16]);
            int got = 0;
            while (got == 0) {
                got = p.server.recv(in);
            }
            assertThat(in.get(0)).isEqualTo((byte) 7);
            arena.close();
            out.clear();
            in.clear();
            assertThatThrownBy(() -> p.client.send(out)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> p.server.recv(in)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void heapArraysGoBothWays() {
        try (Loopback p = Loopback.open()) {
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            Loopback.sendAll(p.client, hello);
            assertThat(Loopback.readExactly(p.server, 5)).isEqualTo(hello);
            byte[] buf = new byte[16];
            assertThat(p.server.recv(buf, 0, buf.length)).as("nothing more: would block").isZero();
        }
    }

    @Test
    void heapAndDirectBuffersMovePositions() {
        try (Loopback p = Loopback.open()) {
            ByteBuffer out = ByteBuffer.allocateDirect(64);
            out.put("direct!".getBytes(StandardCharsets.US_ASCII)).flip();
            assertThat(p.client.send(out)).isEqualTo(7);
            assertThat(out.hasRemaining()).isFalse();
            ByteBuffer heapOut = ByteBuffer.wrap("xxheapyy".getBytes(StandardCharsets.US_ASCII), 2, 4);
            assertThat(p.client.send(heapOut)).isEqualTo(4);
            assertThat(heapOut.position()).isEqualTo(6);

            ByteBuffer in = ByteBuffer.allocate(32);
            in.position(3);
            readInto(p.server, in, 11);
            assertThat(new String(in.array(), 3, 11, StandardCharsets.US_ASCII)).isEqualTo("direct!heap");
            ByteBuffer directIn = ByteBuffer.allocateDirect(8);
            assertThat(p.server.recv(directIn)).isZero();
        }
    }

    private static void readInto(TcpSocket s, ByteBuffer dst, int n) {
        int start = dst.position();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (dst.position() - start < n) {
            assertThat(s.recv(dst)).isNotNegative();
            assertThat(System.nanoTime()).isLessThan(deadline);
        }
    }

    @Test
    void aReadOnlyBufferCannotReceive() {
        try (Loopback p = Loopback.open()) {
            assertThatThrownBy(() -> p.server.recv(ByteBuffer.allocate(4).asReadOnlyBuffer()))
                    .isInstanceOf(java.nio.ReadOnlyBufferException.class);
        }
    }

    @Test
    void gatheringSendMixesHeapAndDirectInOrder() {
        try (Loopback p = Loopback.open()) {
            ByteBuffer a = ByteBuffer.wrap("head-".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer b = ByteBuffer.allocateDirect(5).put("body-".getBytes(StandardCharsets.US_ASCII)).flip();
            ByteBuffer empty = ByteBuffer.allocate(0);
            ByteBuffer c = ByteBuffer.wrap("tail".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer[] parts = {ByteBuffer.allocate(1), a, b, empty, c};
            assertThat(p.client.send(parts, 1, 4)).isEqualTo(14);
            assertThat(a.hasRemaining() || b.hasRemaining() || c.hasRemaining()).isFalse();
            assertThat(parts[0].position()).as("outside the range: untouched").isZero();
            assertThat(new String(Loopback.readExactly(p.server, 14), StandardCharsets.US_ASCII)).isEqualTo("head-body-tail");
        }
    }

    @Test
    void sendfileSendsARangeOfATempFile(@TempDir Path dir) throws IOException {
        byte[] content = new byte[100_000];
        new Random(7).nextBytes(content);
        Path file = Files.write(dir.resolve("f.bin"), content);
        try (Loopback p = Loopback.open(); NativeFile f = NativeFile.open(file)) {
            assertThat(f.size()).isEqualTo(content.length);
            long offset = 1000;
            int count = 50_000;
            byte[] got = new byte[count];
            int received = 0;
            long sent = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received < count) {
                if (sent < count) {
                    sent += p.client.sendfile(f, offset + sent, count - sent);
                }
                int r = p.server.recv(got, received, count - received);
                assertThat(r).isNotNegative();
                received += r;
                assertThat(System.nanoTime()).as("bounded").isLessThan(deadline);
            }
            assertThat(got).isEqualTo(Arrays.copyOfRange(content, 1000, 1000 + count));
            assertThat(p.client.sendfile(f, content.length, 10)).as("at end of file").isZero();
        }
    }

    @Test
    void openingAMissingFileNamesOpenAndEnoent(@TempDir Path dir) {
        assertThatThrownBy(() -> NativeFile.open(dir.resolve("missing")))
                .isInstanceOfSatisfying(KeventException.class, e -> {
                    assertThat(e.call()).isEqualTo("open");
                    assertThat(e.errorName()).isEqualTo("ENOENT");
                });
    }

    @Test
    void shutdownOutputIsEndOfStreamForThePeerAndTheOtherWayStillWorks() {
        try (Loopback p = Loopback.open()) {
            Loopback.sendAll(p.client, new byte[] {1, 2, 3});
            p.client.shutdownOutput();
            assertThat(Loopback.readExactly(p.server, 3)).containsExactly(1, 2, 3);
            assertThat(recvUntilNotZero(p.server)).isEqualTo(-1);
            Loopback.sendAll(p.server, new byte[] {9});
            assertThat(Loopback.readExactly(p.client, 1)).containsExactly(9);
            p.server.shutdownInput();
            assertThat(p.server.recv(new byte[4], 0, 4)).isEqualTo(-1);
        }
    }

    static int recvUntilNotZero(TcpSocket s) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        byte[] buf = new byte[64];
        for (;;) {
            int r = s.recv(buf, 0, buf.length);
            if (r != 0 || System.nanoTime() > deadline) {
                return r;
            }
            Thread.onSpinWait();
        }
    }

    /** @return how reading ends (bounded wait): "eof", the errno's name, or "data" if bytes come */
    static String recvUntilNotZeroOrError(TcpSocket s) {
        try {
            int r = recvUntilNotZero(s);
            return r < 0 ? "eof" : r == 0 ? "nothing within 10 s" : "data";
        } catch (KeventException e) {
            return e.errorName();
        }
    }

    @Test
    void optionsAndAddressesReadBack() {
        try (Loopback p = Loopback.open()) {
            p.client.setTcpNoDelay(true);
            p.client.setKeepAlive(true);
            p.client.setReceiveBufferSize(64 * 1024);
            p.client.setSendBufferSize(64 * 1024);
            assertThat(p.client.tcpNoDelay()).isTrue();
            assertThat(p.client.keepAlive()).isTrue();
            assertThat(p.client.receiveBufferSize()).isGreaterThanOrEqualTo(64 * 1024);
            assertThat(p.client.sendBufferSize()).isGreaterThanOrEqualTo(64 * 1024);
            p.client.setTcpNoDelay(false);
            assertThat(p.client.tcpNoDelay()).isFalse();
            assertThat(p.client.remoteAddress()).isEqualTo(p.listener.localAddress());
            assertThat(p.server.localAddress()).isEqualTo(p.listener.localAddress());
            assertThat(p.server.remoteAddress()).isEqualTo(p.client.localAddress());
            assertThat(p.listener.localAddress().getPort()).isPositive();
        }
    }

    /**
     * {@code TCP_NOTSENT_LOWAT} bounds what a peer that never reads can make the socket hold: the
     * sends stop taking bytes at about the bound, plus one segment being filled and what the
     * peer's receive buffer took. Without it Linux autotunes the send buffer to megabytes (4.2 MB
     * taken here without the option). Nothing is timed: the sender stops once its sends
     * have taken nothing for a while, and stopping early only takes less.
     */
    @Test
    void aNotSentLowWatermarkBoundsWhatAPeerThatNeverReadsCanMakeTheSocketHold() throws InterruptedException {
        try (Loopback p = Loopback.open()) {
            assertThat(p.server.notSentLowWatermark()).as("none set: the system's applies").isZero();
            p.server.setNotSentLowWatermark(32 * 1024);
            assertThat(p.server.notSentLowWatermark()).isEqualTo(32 * 1024);

            byte[] chunk = new byte[64 * 1024];
            long taken = 0;
            for (int i = 0, idle = 0; i < 10_000 && idle < 20; i++) {
                int n = p.server.send(chunk, 0, chunk.length);
                taken += n;
                idle = n > 0 ? 0 : idle + 1;
                if (n == 0) {
                    Thread.sleep(5);
                }
            }

            // 32 KiB unsent, a 64-KiB segment, the peer's default 128-KiB receive buffer: far below.
            assertThat(taken).isPositive().isLessThan(512 * 1024);
        }
    }

    @Test
    void aNotSentLowWatermarkMustBePositiveAndNeedsAnOpenSocket() {
        try (Loopback p = Loopback.open()) {
            for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
                assertThatThrownBy(() -> p.server.setNotSentLowWatermark(bad))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("not-sent low watermark must be positive, got " + bad);
            }
            assertThat(p.server.notSentLowWatermark()).as("unchanged by the refusals").isZero();
            p.server.close();
            assertThatThrownBy(() -> p.server.setNotSentLowWatermark(4096))
                    .isInstanceOfSatisfying(KeventException.class, e -> {
                        assertThat(e.errorName()).isEqualTo("EBADF");
                        assertThat(e.getMessage()).contains("setsockopt");
                    });
            assertThatThrownBy(() -> p.server.notSentLowWatermark())
                    .isInstanceOfSatisfying(KeventException.class, e -> {
                        assertThat(e.errorName()).isEqualTo("EBADF");
                        assertThat(e.getMessage()).contains("getsockopt");
                    });
        }
    }

    @Test
    void ipv6LoopbackWorksWhereTheMachineHasIt() throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        TcpListener probe;
        try {
            probe = TcpListener.bind(new InetSocketAddress(v6, 0), 4, false);
        } catch (KeventException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
            return;
        }
        probe.close();
        try (Loopback p = Loopback.open(v6)) {
            assertThat(p.listener.localAddress().getAddress()).isInstanceOf(Inet6Address.class);
            Loopback.sendAll(p.client, new byte[] {42});
            assertThat(Loopback.readExactly(p.server, 1)).containsExactly(42);
            assertThat(p.server.remoteAddress().getAddress()).isEqualTo(v6);
        }
    }

    @Test
    void reusePortLetsTwoListenersShareAPort() {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (TcpListener a = TcpListener.bind(any, 4, true);
             TcpListener b = TcpListener.bind(a.localAddress(), 4, true)) {
            assertThat(b.localAddress()).isEqualTo(a.localAddress());
        }
    }

    @Test
    void bindingATakenPortNamesBindAndEaddrinuse() {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (TcpListener a = TcpListener.bind(any, 4, false)) {
            assertThatThrownBy(() -> TcpListener.bind(a.localAddress(), 4, false))
                    .isInstanceOfSatisfying(KeventException.class, e -> {
                        assertThat(e.call()).isEqualTo("bind");
                        assertThat(e.errorName()).isEqualTo("EADDRINUSE");
                    });
        }
    }

    @Test
    void acceptWithNothingPendingIsNull() {
        try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false)) {
            assertThat(l.accept()).isNull();
        }
    }

    @Test
    void aClosedSocketRefusesCallsWithEbadfAndCloseIsIdempotent() {
        try (Loopback p = Loopback.open()) {
            p.client.close();
            p.client.close();
            assertThat(p.client.isOpen()).isFalse();
            assertThatThrownBy(() -> p.client.recv(new byte[1], 0, 1))
                    .isInstanceOfSatisfying(KeventException.class, e -> assertThat(e.errorName()).isEqualTo("EBADF"));
            assertThatThrownBy(() -> p.client.send(new byte[1], 0, 1))
                    .isInstanceOfSatisfying(KeventException.class, e -> assertThat(e.errorName()).isEqualTo("EBADF"));
        }
    }

    @Test
    void sendingToAResetPeerFailsWithAnErrnoNotASignal() {
        try (Loopback p = Loopback.open()) {
            p.server.setReceiveBufferSize(4096);
            p.server.close();
            byte[] chunk = new byte[8192];
            long deadline = System.nanoTime() + 10_000_000_000L;
            KeventException failure = null;
            while (failure == null && System.nanoTime() < deadline) {
                try {
                    p.client.send(chunk, 0, chunk.length);
                } catch (KeventException e) {
                    failure = e;
                }
            }
            assertThat(failure).isNotNull();
            assertThat(failure.errorName()).isIn("EPIPE", "ECONNRESET");
        }
    }
}
