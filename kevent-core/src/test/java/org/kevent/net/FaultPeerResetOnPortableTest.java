package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.OnPortableEngine;
import org.kevent.Ukevent;

/**
 * {@link FaultPeerResetTest} on the portable engine (docs/SEMANTICS.md §10): the JDK's selector
 * reports a reset as readable, so the waiter wakes with RECV, the receive meets
 * {@code ECONNRESET}, and ERR follows.
 */
class FaultPeerResetOnPortableTest extends FaultPeerResetTest implements OnPortableEngine {

    @Test
    @Disabled("portable engine: a reset is reported as readable (RECV), ERR once a receive met it"
            + " (aResetWakesTheBlockedWaiterWithRecvThenTheReceiveMeetsEconnresetAndErrFollows)")
    @Override
    void aResetWakesTheBlockedWaiterWithErrAndTheQueueKeepsServingOtherSockets() {
    }

    @Test
    void aResetWakesTheBlockedWaiterWithRecvThenTheReceiveMeetsEconnresetAndErrFollows() throws Exception {
        try (KeventQueue queue = KeventQueue.open(); Loopback doomed = Loopback.open(); Loopback healthy = Loopback.open()) {
            queue.add(Ukevent.socket(doomed.server, Kevent.SOCKET_RECV | Kevent.SOCKET_RDHUP).withFlags(Kevent.REQ_ET));
            Loopback.sendAll(doomed.server, new byte[100]);
            CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
                EventBuffer out = new EventBuffer(4);
                return queue.getEvents(1, 4, 10, TimeUnit.SECONDS, out) == 0 ? 0 : out.events(0);
            }, r -> Thread.ofPlatform().daemon().start(r));

            doomed.client.close();

            assertThat(waiter.get(20, TimeUnit.SECONDS) & Kevent.SOCKET_RECV).as("RECV wakes the waiter").isNotZero();
            // The JDK shuts a registered channel's output down at close and releases it a moment
            // later: the end of the stream may come first, then the reset. Bounded, not timed.
            KeventException reset = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reset == null && System.nanoTime() < deadline) {
                try {
                    if (doomed.server.recv(new byte[64], 0, 64) <= 0) {
                        Thread.sleep(1);
                    }
                } catch (KeventException e) {
                    reset = e;
                }
            }
            assertThat(reset).as("a receive met the reset within 10 s").isNotNull();
            assertThat(reset.errorName()).isEqualTo("ECONNRESET");
            EventBuffer out = new EventBuffer(4);
            int seen = 0;
            long errno = 0;
            while ((seen & Kevent.SOCKET_ERR) == 0 && queue.getEvents(1, 4, 10, TimeUnit.SECONDS, out) > 0) {
                for (int k = 0; k < out.size(); k++) {
                    seen |= out.events(k);
                    errno = (out.events(k) & Kevent.SOCKET_ERR) != 0 ? out.socketError(k) : errno;
                }
            }
            assertThat(seen & Kevent.SOCKET_ERR).as("ERR once the receive met the reset").isNotZero();
            assertThat(errno).isEqualTo(104);

            queue.add(Ukevent.socket(healthy.server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
            Loopback.sendAll(healthy.client, new byte[] {1, 2, 3});
            assertThat(Loopback.readExactly(healthy.server, 3)).containsExactly(1, 2, 3);
        }
    }
}
