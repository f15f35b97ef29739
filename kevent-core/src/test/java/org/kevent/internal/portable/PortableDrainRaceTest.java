package org.kevent.internal.portable;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kevent.internal.source.socket.SocketState;

/**
 * A drained side of a portable socket is never left marked ready by a selector report that raced
 * the call that drained it (docs/SEMANTICS.md §10: a level ACCEPT interest is not reported once
 * {@code accept} returned null, as on epoll). The two interleavings are set up by hand: the
 * selector's report landing during the call (from a later round), and a report of the same
 * selector round landing after the call. Either one used to leave the listener "acceptable" with
 * nothing to accept, which a level ACCEPT interest then reported.
 */
class PortableDrainRaceTest {
    private PortableListener listener;
    private Socket client;

    @BeforeEach
    void open() throws Exception {
        listener = new PortableListener(PortableListener.bind(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false), this);
        client = new Socket(InetAddress.getLoopbackAddress(), listener.local().getPort());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!readable() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(readable()).as("the selector reported the pending connection").isTrue();
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        listener.channel.close();
    }

    private boolean readable() {
        return (listener.state().readiness() & SocketState.RECV_SIDE) != 0;
    }

    @Test
    void aReportThatLandsDuringTheDrainingCallDoesNotLeaveTheSideReady() throws Exception {
        try (SocketChannel accepted = listener.accept()) {
            assertThat(accepted).isNotNull();
        }
        // The selector's report of that same connection arrives now, as if it had landed between
        // the call's start and its accept; the call then finds the queue empty.
        listener.onSelected(SelectionKey.OP_ACCEPT, listener.drainedRound(SocketState.RECV_SIDE) + 1);
        assertThat(readable()).isTrue();
        listener.wouldBlock(SocketState.RECV_SIDE);
        assertThat(readable()).as("ready with nothing to accept").isFalse();
        assertThat(listener.accept()).isNull();
        assertThat(readable()).isFalse();
    }

    @Test
    void aReportOfTheRoundTheSideWasDrainedInIsLookedAtAgainNotBelieved() throws Exception {
        try (SocketChannel accepted = listener.accept()) {
            assertThat(accepted).isNotNull();
        }
        long round = listener.drainedRound(SocketState.RECV_SIDE);
        assertThat(listener.staleOps(SelectionKey.OP_ACCEPT, round)).isEqualTo(SelectionKey.OP_ACCEPT);
        assertThat(listener.staleOps(SelectionKey.OP_ACCEPT, round + 1)).as("a later round saw the drain").isZero();
        assertThat(listener.staleOps(SelectionKey.OP_WRITE, round)).as("the other side was not drained").isZero();
        assertThat(readable()).isFalse();
    }

    @Test
    void aConnectionThatArrivesAfterTheDrainIsStillReported() throws Exception {
        try (SocketChannel accepted = listener.accept()) {
            assertThat(accepted).isNotNull();
        }
        assertThat(listener.accept()).isNull();
        try (Socket second = new Socket(InetAddress.getLoopbackAddress(), listener.local().getPort())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!readable() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(readable()).as("the second connection was reported").isTrue();
            try (SocketChannel accepted = listener.accept()) {
                assertThat(accepted).isNotNull();
            }
        }
    }
}
