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
