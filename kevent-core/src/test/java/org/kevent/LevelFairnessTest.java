package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kevent.internal.sys.EventFd;
import org.kevent.internal.sys.Fd;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * docs/SEMANTICS.md §3: level interests that stay ready rotate through the ready list in FIFO
 * order: after its delivery an interest whose condition still holds goes to the back, so under any
 * {@code max} no ready interest is skipped for a round. Real descriptors (eventfds holding a
 * count, sockets holding unread bytes), never drained by the test.
 */
@EnabledOnOs(OS.LINUX)
class LevelFairnessTest {
    private static final int SOURCES = 13;
    private static final int ROUNDS = 4;

    @ParameterizedTest(name = "max = {0}")
    @ValueSource(ints = {1, 2, 3, 5, 12, 13, 16})
    void levelPollInterestsThatStayReadyRotateInFifoOrder(int max) {
        int[] fds = new int[SOURCES];
        try (KeventQueue queue = KeventQueue.open()) {
            for (int k = 0; k < SOURCES; k++) {
                fds[k] = EventFd.create(1, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
                assertThat(fds[k]).isNotNegative();
                queue.add(Ukevent.poll(fds[k], Kevent.POLLIN).withCookie(k));
            }
            assertFairRotation(queue, max);
        } finally {
            for (int fd : fds) {
                Fd.close(fd);
            }
        }
    }

    @ParameterizedTest(name = "max = {0}")
    @ValueSource(ints = {1, 3, 13})
    void levelSocketInterestsThatStayReadyRotateInFifoOrder(int max) throws Exception {
        List<TcpSocket> open = new ArrayList<>();
        try (KeventQueue queue = KeventQueue.open();
             TcpListener listener = TcpListener.bind(new java.net.InetSocketAddress(
                     java.net.InetAddress.getLoopbackAddress(), 0), SOURCES, false)) {
            for (int k = 0; k < SOURCES; k++) {
                TcpSocket client = TcpSocket.connect(listener.localAddress());
                open.add(client);
                TcpSocket server = acceptOne(listener);
                open.add(server);
                client.send(new byte[] {1}, 0, 1);
                assertThat(Fd.poll((int) server.id(), Fd.POLLIN, 10_000)).as("the byte arrived").isPositive();
                queue.add(Ukevent.socket(server, Kevent.SOCKET_RECV).withCookie(k));
            }
            assertFairRotation(queue, max);
        } finally {
            for (TcpSocket s : open) {
                s.close();
            }
        }
    }

    private static TcpSocket acceptOne(TcpListener listener) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            TcpSocket s = listener.accept();
            if (s != null) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no connection to accept");
            }
            Thread.sleep(1);
        }
    }

    /**
     * Takes SOURCES × ROUNDS events with waits of {@code max}: every source is delivered ROUNDS
     * times, and the deliveries repeat one cyclic order (the k-th and the (k + SOURCES)-th event
     * name the same source).
     */
    private static void assertFairRotation(KeventQueue queue, int max) {
        EventBuffer out = new EventBuffer(max);
        List<Long> order = new ArrayList<>();
        while (order.size() < SOURCES * ROUNDS) {
            int n = queue.getEvents(1, max, 5, TimeUnit.SECONDS, out);
            assertThat(n).as("a wait with every source ready").isPositive();
            for (int i = 0; i < n; i++) {
                order.add(out.cookie(i));
            }
        }
        order = order.subList(0, SOURCES * ROUNDS);
        int[] count = new int[SOURCES];
        order.forEach(c -> count[c.intValue()]++);
        assertThat(count).as("deliveries per source in %s", order).containsOnly(ROUNDS);
        for (int k = SOURCES; k < order.size(); k++) {
            assertThat(order.get(k)).as("event %d repeats the rotation in %s", k, order).isEqualTo(order.get(k - SOURCES));
        }
    }
}
