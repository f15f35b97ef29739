package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * Fault: the peer resets the connection while a thread is blocked waiting on it. The waiter wakes
 * with the documented event (ERR with ECONNRESET in data2, or HUP), and the queue goes on serving
 * another connection: every byte sent on that one afterwards arrives.
 */
@EnabledOnOs(OS.LINUX)
class FaultPeerResetTest {
    private static final int ECONNRESET = 104; // asm-generic/errno.h

    @Test
    void aResetWakesTheBlockedWaiterWithErrAndTheQueueKeepsServingOtherSockets() throws Exception {
        try (KeventQueue queue = KeventQueue.open(); Loopback doomed = Loopback.open(); Loopback healthy = Loopback.open()) {
            queue.add(Ukevent.socket(doomed.server, Kevent.SOCKET_RECV | Kevent.SOCKET_RDHUP).withFlags(Kevent.REQ_ET));
            // The doomed client holds bytes it never reads: its close is then a reset (RFC 2525).
            Loopback.sendAll(doomed.server, new byte[100]);
            CompletableFuture<int[]> waiter = CompletableFuture.supplyAsync(() -> {
                EventBuffer out = new EventBuffer(4);
                int n = queue.getEvents(1, 4, 10, TimeUnit.SECONDS, out);
                return n == 0 ? new int[] {0, 0} : new int[] {out.events(0), (int) out.data2(0)};
            }, r -> Thread.ofPlatform().daemon().start(r));

            doomed.client.close();

            int[] seen = waiter.get(20, TimeUnit.SECONDS);
            assertThat(seen[0] & (Kevent.SOCKET_ERR | Kevent.SOCKET_HUP)).as("ERR or HUP wakes the waiter").isNotZero();
            if ((seen[0] & Kevent.SOCKET_ERR) != 0) {
                assertThat(seen[1]).as("data2 of ERR").isEqualTo(ECONNRESET);
            }

            queue.add(Ukevent.socket(healthy.server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
            byte[] payload = new byte[256 * 1024];
            for (int k = 0; k < payload.length; k++) {
                payload[k] = (byte) (k * 7);
            }
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> Loopback.sendAll(healthy.client, payload),
                    r -> Thread.ofPlatform().daemon().start(r));
            byte[] got = new byte[payload.length];
            int have = 0;
            EventBuffer out = new EventBuffer(8);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (have < got.length && System.nanoTime() < deadline) {
                queue.getEvents(1, 8, 100, TimeUnit.MILLISECONDS, out);
                for (int r; have < got.length && (r = healthy.server.recv(got, have, got.length - have)) > 0; ) {
                    have += r;
                }
            }
            sender.get(20, TimeUnit.SECONDS);
            assertThat(have).as("bytes received on the healthy connection").isEqualTo(payload.length);
            assertThat(got).isEqualTo(payload);
        }
    }
}
