package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/** Abortive close ({@code TcpSocket.abort}) and {@code SO_LINGER}, on real loopback sockets. */
class AbortTest {
    private Loopback pair;
    private final EventBuffer out = new EventBuffer(8);

    @BeforeEach
    void open() {
        pair = Loopback.open();
    }

    @AfterEach
    void close() {
        pair.close();
    }

    /** How the peer's reading ended: the bytes it got before, and the errno or null for end of stream. */
    private record End(long bytes, String error) {
    }

    /** Reads until end of stream or an error (bounded wait), counting the bytes. */
    private static End readToTheEnd(TcpSocket s) {
        byte[] buf = new byte[64 * 1024];
        long got = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (;;) {
            int r;
            try {
                r = s.recv(buf, 0, buf.length);
            } catch (KeventException e) {
                assertThat(e.call()).isEqualTo("recv");
                return new End(got, e.errorName());
            }
            if (r < 0) {
                return new End(got, null);
            }
            got += r;
            if (r == 0) {
                assertThat(System.nanoTime()).as("the connection ends within 10 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void abortResetsTheConnectionSoThePeerReadsEconnreset() {
        pair.client.abort();

        assertThat(pair.client.isOpen()).isFalse();
        assertThat(readToTheEnd(pair.server)).isEqualTo(new End(0, "ECONNRESET"));
    }

    @Test
    void closeInContrastEndsTheConnectionWithEndOfStream() {
        pair.client.close();

        assertThat(readToTheEnd(pair.server)).isEqualTo(new End(0, null));
    }

    @Test
    void abortDropsUnsentData() {
        // A large send buffer on the aborting side and a small receive buffer on the peer: when
        // send takes no more, most of what it took is still queued on this side, unsent.
        pair.client.setSendBufferSize(1 << 20);
        pair.server.setReceiveBufferSize(4096);
        byte[] chunk = new byte[64 * 1024];
        long sent = 0;
        for (int n; (n = pair.client.send(chunk, 0, chunk.length)) > 0; ) {
            sent += n;
        }

        pair.client.abort();

        End end = readToTheEnd(pair.server);
        assertThat(end.error()).as("the peer's reading ends with the reset").isEqualTo("ECONNRESET");
        assertThat(end.bytes()).as("bytes the peer got of the %d sent", sent).isLessThan(sent);
    }

    @Test
    void abortDeliversBrokenOnceToEveryInterestOnTheSocketThenRemovesThem() {
        try (KeventQueue queue = KeventQueue.open(); KeventQueue other = KeventQueue.open()) {
            queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withCookie(1));
            other.add(Ukevent.socket(pair.server, Kevent.SOCKET_SEND).withFlags(Kevent.REQ_DISPATCH).withCookie(2));
            assertThat(other.getEvents(1, 8, 10, TimeUnit.SECONDS, out)).as("SEND, then disabled").isEqualTo(1);

            pair.server.abort();
            pair.server.abort();

            assertThat(queue.poll(out)).isEqualTo(1);
            assertThat(out.flags(0) & Kevent.RET_BROKEN).isEqualTo(Kevent.RET_BROKEN);
            assertThat(out.events(0) & Kevent.SOCKET_HUP).isEqualTo(Kevent.SOCKET_HUP);
            assertThat(out.cookie(0)).isEqualTo(1);
            assertThat(other.poll(out)).as("also a disabled interest").isEqualTo(1);
            assertThat(out.flags(0) & Kevent.RET_BROKEN).isEqualTo(Kevent.RET_BROKEN);
            assertThat(out.cookie(0)).isEqualTo(2);
            assertThat(queue.poll(out)).as("once").isZero();
            assertThat(other.poll(out)).as("once").isZero();
            assertThat(queue.stats().registered()).isZero();
            assertThat(other.stats().registered()).isZero();
            assertThatThrownBy(() -> queue.remove(EventType.SOCKET, pair.server.id())).as("already removed")
                    .isInstanceOf(KeventException.class).hasMessageContaining("ENOENT");
            assertThatThrownBy(() -> other.remove(EventType.SOCKET, pair.server.id())).as("already removed")
                    .isInstanceOf(KeventException.class).hasMessageContaining("ENOENT");
        }
    }

    @Test
    void abortAfterCloseIsHarmlessAndLeavesAnySocketThatReusedTheNumberAlone() {
        try (KeventQueue queue = KeventQueue.open()) {
            queue.add(Ukevent.socket(pair.client, Kevent.SOCKET_RECV).withCookie(1));
            int fd = pair.client.id();
            pair.client.close();
            // The kernel hands out the lowest free number: the next socket most likely gets fd.
            try (TcpSocket next = TcpSocket.connect(pair.listener.localAddress())) {
                pair.client.abort();

                if (next.id() == fd) {
                    assertThat(next.linger()).as("the abort did not land on the reused number").isEmpty();
                    assertThat(next.isOpen()).isTrue();
                }
                assertThat(pair.client.isOpen()).isFalse();
                assertThat(queue.poll(out)).as("the close's BROKEN, once").isEqualTo(1);
                assertThat(out.flags(0) & Kevent.RET_BROKEN).isEqualTo(Kevent.RET_BROKEN);
                assertThat(queue.poll(out)).isZero();
                assertThat(readToTheEnd(pair.server)).as("the close was graceful and stays so")
                        .isEqualTo(new End(0, null));
                Loopback.acceptWithin(pair.listener).close();
            }
        }
    }

    @Test
    void closeAfterAbortIsHarmless() {
        pair.client.abort();
        pair.client.close();

        assertThat(pair.client.isOpen()).isFalse();
        assertThat(readToTheEnd(pair.server).error()).isEqualTo("ECONNRESET");
    }

    @Test
    void lingerRoundTripsThroughGetsockopt() {
        TcpSocket s = pair.client;
        assertThat(s.linger()).as("off by default").isEmpty();

        s.setLinger(Duration.ofSeconds(5));
        assertThat(s.linger()).contains(Duration.ofSeconds(5));
        s.setLinger(Duration.ofMillis(1));
        assertThat(s.linger()).as("a fraction rounds up, never to a reset").contains(Duration.ofSeconds(1));
        s.setLinger(Duration.ofMillis(1500));
        assertThat(s.linger()).contains(Duration.ofSeconds(2));
        s.setLinger(Duration.ofDays(365));
        assertThat(s.linger()).as("capped as java.net.Socket caps it").contains(Duration.ofSeconds(65_535));
        s.setLinger(Duration.ZERO);
        assertThat(s.linger()).contains(Duration.ZERO);
        s.setLinger(null);
        assertThat(s.linger()).as("null is off").isEmpty();
    }

    @Test
    void aNegativeLingerIsRejectedAndLeavesTheOptionAsItWas() {
        pair.client.setLinger(Duration.ofSeconds(3));

        assertThatThrownBy(() -> pair.client.setLinger(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative")
                .hasMessageContaining("null turns SO_LINGER off");
        assertThat(pair.client.linger()).contains(Duration.ofSeconds(3));
    }

    @Test
    void aZeroLingerMakesCloseReset() {
        pair.client.setLinger(Duration.ZERO);

        pair.client.close();

        assertThat(readToTheEnd(pair.server).error()).isEqualTo("ECONNRESET");
    }

    @Test
    void aPositiveLingerStillClosesGracefullyAfterTheDataSent() {
        pair.client.setLinger(Duration.ofSeconds(10));
        Loopback.sendAll(pair.client, new byte[] {1, 2, 3});

        pair.client.close();

        assertThat(pair.client.isOpen()).isFalse();
        assertThat(readToTheEnd(pair.server)).isEqualTo(new End(3, null));
    }

    @Test
    void lingerOnAClosedSocketNamesTheCallAndEbadf() {
        pair.client.close();

        assertThatThrownBy(() -> pair.client.linger())
                .isInstanceOfSatisfying(KeventException.class, e -> {
                    assertThat(e.call()).isEqualTo("getsockopt");
                    assertThat(e.errorName()).isEqualTo("EBADF");
                });
        assertThatThrownBy(() -> pair.client.setLinger(Duration.ZERO))
                .isInstanceOfSatisfying(KeventException.class, e -> {
                    assertThat(e.call()).isEqualTo("setsockopt");
                    assertThat(e.errorName()).isEqualTo("EBADF");
                });
    }
}
