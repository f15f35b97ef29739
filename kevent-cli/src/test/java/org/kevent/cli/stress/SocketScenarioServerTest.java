package org.kevent.cli.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * The {@code sockets} scenario's server must not let one connection starve the others: the
 * 5-s stalls filed as a lost ET RECV edge (docs/RELIABILITY.md, bug 3) were a connection whose
 * client refilled it as fast as the server read it, so "read until EAGAIN" never ended while the
 * other connections' edges waited, uncollected, in the kernel.
 *
 * <p>Deterministic: the server's own after-receive hook refills connection A after every receive,
 * so A never comes back empty (until the test stops refilling it); connection B connects and sends
 * 1 KiB during A's first read. B must be read after a bounded number of A's receives.
 */
@EnabledOnOs(OS.LINUX)
class SocketScenarioServerTest {
    private static final int REFILLS = 2_000;
    private static final int B_BYTES = 1024;

    /** Sends client {@code c}'s pattern from its stream offset, as much as the socket takes. */
    private static final class Feeder {
        final TcpSocket socket;
        final byte[] pattern;
        long offset;

        Feeder(TcpSocket socket, int c) {
            this.socket = socket;
            // The pattern repeats every 251 bytes: one period plus the largest send covers any offset.
            pattern = new byte[251 + SocketScenario.Server.BUFFER];
            for (int k = 0; k < pattern.length; k++) {
                pattern[k] = SocketScenario.pattern(c, k);
            }
        }

        void send(int len) {
            int n = socket.send(pattern, (int) (offset % 251), len);
            offset += n;
        }
    }

    @Test
    void aConnectionRefilledAsFastAsItIsReadDoesNotStarveAnother() throws InterruptedException {
        assertThat(firstReadOfBAfterReceivesOfA(SocketScenario.Server.READ_BUDGET))
                .as("receives of A before B's bytes were read").isPositive().isLessThan(64);
    }

    /**
     * The same with the server reading each connection until EAGAIN in one go, as it did before
     * the fix: B waits for all of A's refills.
     */
    @Test
    void readingUntilEagainInOneGoStarvesIt() throws InterruptedException {
        assertThat(firstReadOfBAfterReceivesOfA(Integer.MAX_VALUE)).isGreaterThanOrEqualTo(REFILLS);
    }

    /** @return how many receives (A's and B's) had returned bytes when B's first bytes were read */
    private static long firstReadOfBAfterReceivesOfA(int budget) throws InterruptedException {
        AtomicLongArray received = new AtomicLongArray(4);
        StressStats stats = new StressStats();
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false);
             KeventQueue queue = KeventQueue.open();
             SocketScenario.Server server = new SocketScenario.Server(queue, listener, received, stats, budget);
             TcpSocket a = TcpSocket.connect(listener.localAddress())) {
            queue.add(Ukevent.socket(listener, Kevent.SOCKET_ACCEPT));
            Feeder fa = new Feeder(a, 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (fa.offset < SocketScenario.Server.BUFFER && System.nanoTime() < deadline) {
                fa.send(SocketScenario.Server.BUFFER - (int) fa.offset);
                Thread.sleep(1);
            }
            Feeder[] fb = new Feeder[1];
            long[] calls = new long[1];
            long[] servedAt = {-1};
            server.afterRecv = () -> {
                calls[0]++;
                if (fb[0] == null) {
                    fb[0] = new Feeder(TcpSocket.connect(listener.localAddress()), 1);
                }
                if (fb[0].offset < B_BYTES) {
                    fb[0].send(B_BYTES - (int) fb[0].offset);
                }
                if (servedAt[0] < 0 && received.get(1) > 0) {
                    servedAt[0] = calls[0];
                }
                if (calls[0] < REFILLS) {
                    fa.send(SocketScenario.Server.BUFFER);
                }
            };
            try {
                while (received.get(1) < B_BYTES && System.nanoTime() < deadline) {
                    server.turn(10);
                    if (fb[0] != null && fb[0].offset < B_BYTES) {
                        fb[0].send(B_BYTES - (int) fb[0].offset);
                    }
                }
            } finally {
                if (fb[0] != null) {
                    fb[0].socket.close();
                }
            }
            assertThat(stats.failures()).isEmpty();
            assertThat(received.get(1)).as("B's bytes read").isEqualTo(B_BYTES);
            assertThat(received.get(0)).as("A's bytes read").isPositive().isLessThanOrEqualTo(fa.offset);
            return servedAt[0];
        }
    }
}
