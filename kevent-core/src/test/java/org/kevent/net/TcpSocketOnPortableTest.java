package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.kevent.KeventException;
import org.kevent.OnPortableEngine;

/**
 * {@link TcpSocketTest}'s rules on sockets of the portable engine ({@code java.nio} channels,
 * docs/SEMANTICS.md §10): a socket made while {@code kevent.engine=portable} is a portable one.
 */
class TcpSocketOnPortableTest extends TcpSocketTest implements OnPortableEngine {

    @Test
    @Disabled("portable engine: java.nio has no TCP_NOTSENT_LOWAT option; setting it is EOPNOTSUPP"
            + " (theNotSentLowWatermarkIsRefusedAsUnsupported)")
    @Override
    void aNotSentLowWatermarkBoundsWhatAPeerThatNeverReadsCanMakeTheSocketHold() {
    }

    /** What the disabled case becomes: a refusal naming the option, never a silent no-op. */
    @Test
    void theNotSentLowWatermarkIsRefusedAsUnsupported() {
        try (Loopback p = Loopback.open()) {
            assertThatThrownBy(() -> p.server.setNotSentLowWatermark(32 * 1024))
                    .isInstanceOfSatisfying(KeventException.class, e -> {
                        assertThat(e.call()).isEqualTo("setsockopt");
                        assertThat(e.errorName()).isEqualTo("EOPNOTSUPP");
                        assertThat(e.getMessage()).contains("TCP_NOTSENT_LOWAT");
                    });
            assertThat(p.server.notSentLowWatermark()).isZero();
        }
    }

    /**
     * An accepted socket follows its listener, not the default engine at accept time: a portable
     * listener accepts portable sockets under {@code kevent.engine=linux}, and a Linux listener
     * Linux sockets under {@code portable}.
     */
    @Test
    void anAcceptedSocketFollowsItsListenerNotTheDefaultAtAcceptTime() throws Exception {
        java.net.InetSocketAddress any = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        java.time.Duration wait = java.time.Duration.ofSeconds(10);
        try (TcpListener portable = TcpListener.bind(any, 4, false)) {
            TcpListener linux = withEngine("linux", () -> TcpListener.bind(any, 4, false));
            try (linux; TcpSocket toPortable = TcpSocket.connect(portable.localAddress());
                 TcpSocket toLinux = TcpSocket.connect(linux.localAddress())) {
                TcpSocket fromPortable = withEngine("linux", () -> acceptWithin(portable, wait));
                try (fromPortable; TcpSocket fromLinux = linux.acceptBlocking(wait)) {
                    assertThat(fromPortable.id()).as("portable, as its listener").isGreaterThanOrEqualTo(1 << 24);
                    assertThat(linux.id()).as("an fd").isLessThan(1 << 24);
                    assertThat(fromLinux.id()).as("an fd, as its listener").isLessThan(1 << 24);
                    // Both ends of each connection work, whichever engine each end is on.
                    toPortable.writeAll(new byte[] {1}, 0, 1, wait);
                    toLinux.writeAll(new byte[] {2}, 0, 1, wait);
                    byte[] one = new byte[1];
                    fromPortable.readFully(one, 0, 1, wait);
                    assertThat(one[0]).isEqualTo((byte) 1);
                    fromLinux.readFully(one, 0, 1, wait);
                    assertThat(one[0]).isEqualTo((byte) 2);
                }
            }
        }
    }

    private static TcpSocket acceptWithin(TcpListener l, java.time.Duration wait) {
        try {
            return l.acceptBlocking(wait);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Makes something under another {@code kevent.engine}, then puts the suite's setting back. */
    private static <T> T withEngine(String engine, java.util.function.Supplier<T> make) {
        String before = System.getProperty("kevent.engine");
        System.setProperty("kevent.engine", engine);
        try {
            return make.get();
        } finally {
            System.setProperty("kevent.engine", before);
        }
    }

    /** Guards the others: the sockets of this suite are the portable engine's. */
    @Test
    void theSocketsOfThisSuiteArePortableOnes() {
        try (Loopback p = Loopback.open()) {
            assertThat(p.client.id()).as("a portable descriptor number, not an fd").isGreaterThanOrEqualTo(1 << 24);
            assertThat(p.server.id()).isGreaterThanOrEqualTo(1 << 24);
            assertThat(p.listener.id()).isGreaterThanOrEqualTo(1 << 24);
        }
    }
}
