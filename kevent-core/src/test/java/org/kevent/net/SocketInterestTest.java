package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kevent.CtlOp;
import org.kevent.CtlResults;
import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.Sockets;

/** SOCKET interests on real loopback sockets (docs/SEMANTICS.md §2–4). */
class SocketInterestTest {
    KeventQueue queue;
    Loopback pair;
    final EventBuffer out = new EventBuffer(8);

    @BeforeEach
    void open() {
        queue = KeventQueue.open();
        pair = Loopback.open();
    }

    @AfterEach
    void close() {
        queue.close();
        pair.close();
    }

    /** Waits (bounded) for at least one event. */
    int awaitEvents(KeventQueue q) {
        int n = q.getEvents(1, out.capacity(), 10, TimeUnit.SECONDS, out);
        assertThat(n).as("an event within 10 s").isPositive();
        return n;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void levelRecvStaysReadyUntilDrainedAndComesOncePerBatch() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withCookie(5));
        assertThat(queue.poll(out)).isZero();
        Loopback.sendAll(pair.client, new byte[10]);
        assertThat(awaitEvents(queue)).as("one socket, one event in the batch").isEqualTo(1);
        assertThat(out.type(0)).isEqualTo(EventType.SOCKET);
        assertThat(out.id(0)).isEqualTo(pair.server.id());
        assertThat(out.events(0)).isEqualTo(Kevent.SOCKET_RECV);
        assertThat(out.data(0)).isEqualTo(Kevent.SOCKET_RECV);
        assertThat(out.cookie(0)).isEqualTo(5);
        assertThat(queue.poll(out)).as("not read: still ready").isEqualTo(1);
        assertThat(pair.server.recv(new byte[4], 0, 4)).as("a full read").isEqualTo(4);
        assertThat(queue.poll(out)).as("6 bytes left: still ready").isEqualTo(1);
        assertThat(pair.server.recv(new byte[100], 0, 100)).as("a short read drains").isEqualTo(6);
        assertThat(queue.poll(out)).isZero();
        Loopback.sendAll(pair.client, new byte[1]);
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(pair.server.recv(new byte[1], 0, 1)).isEqualTo(1);
        assertThat(queue.poll(out)).as("a full read that happened to empty the socket: one spurious event at most")
                .isLessThanOrEqualTo(1);
        assertThat(pair.server.recv(new byte[1], 0, 1)).as("EAGAIN").isZero();
        assertThat(queue.poll(out)).as("EAGAIN drains").isZero();
    }

    @Test
    void edgeTriggeredRecvFiresOncePerArrival() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
        Loopback.sendAll(pair.client, new byte[10]);
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(queue.poll(out)).as("no new data, no event, though unread").isZero();
        Loopback.sendAll(pair.client, new byte[1]);
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(queue.poll(out)).isZero();
    }

    @Test
    void oneshotIsRemovedAfterDelivery() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ONESHOT));
        Loopback.sendAll(pair.client, new byte[1]);
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(queue.stats().registered()).isZero();
        assertThat(queue.poll(out)).isZero();
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV));
        assertThat(awaitEvents(queue)).as("re-added, data still there").isEqualTo(1);
    }

    @Test
    void dispatchIsDisabledAfterDeliveryAndReArmedByEnableOrModify() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_DISPATCH));
        Loopback.sendAll(pair.client, new byte[1]);
        assertThat(awaitEvents(queue)).isEqualTo(1);
        Loopback.sendAll(pair.client, new byte[1]);
        assertThat(queue.poll(out)).as("disabled").isZero();
        queue.enable(EventType.SOCKET, pair.server.id());
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(queue.poll(out)).isZero();
        queue.modify(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_DISPATCH).withCookie(9));
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(out.cookie(0)).isEqualTo(9);
        assertThat(queue.poll(out)).isZero();
    }

    @Test
    void oneArrivalWakesOneOfTwoWaiters() throws Exception {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
        EventBuffer outA = new EventBuffer(4);
        EventBuffer outB = new EventBuffer(4);
        CompletableFuture<Integer> a = async(() -> queue.getEvents(1, 4, -1, TimeUnit.SECONDS, outA));
        CompletableFuture<Integer> b = async(() -> queue.getEvents(1, 4, -1, TimeUnit.SECONDS, outB));
        await("both waiting", () -> waiting(queue) == 2);
        Loopback.sendAll(pair.client, new byte[3]);
        await("one returned", () -> a.isDone() || b.isDone());
        await("the other still waits", () -> waiting(queue) == 1);
        assertThat(a.isDone() && b.isDone()).as("wake-one").isFalse();
        CompletableFuture<Integer> done = a.isDone() ? a : b;
        CompletableFuture<Integer> other = a.isDone() ? b : a;
        assertThat(done.get()).isEqualTo(1);
        queue.wakeup();
        assertThat(other.get(10, TimeUnit.SECONDS)).isZero();
    }

    /** Threads blocked in the queue (package-private in KeventQueue: read reflectively, tests run on the class path). */
    private static int waiting(KeventQueue q) {
        try {
            java.lang.reflect.Method m = KeventQueue.class.getDeclaredMethod("waitingThreads");
            m.setAccessible(true);
            return (int) m.invoke(q);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static <T> CompletableFuture<T> async(java.util.function.Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, r -> Thread.ofPlatform().daemon().start(r));
    }

    @Test
    void connectCompletionIsAConnectEventAlsoForALateInterest() {
        try (TcpSocket c = TcpSocket.connect(pair.listener.localAddress());
             KeventQueue late = KeventQueue.open()) {
            queue.add(Ukevent.socket(c, Kevent.SOCKET_CONNECT));
            assertThat(awaitEvents(queue)).isEqualTo(1);
            assertThat(out.events(0)).isEqualTo(Kevent.SOCKET_CONNECT);
            assertThat(out.data2(0)).isZero();
            assertThat(queue.poll(out)).as("once per interest").isZero();
            late.add(Ukevent.socket(c, Kevent.SOCKET_CONNECT));
            assertThat(late.poll(out)).isEqualTo(1);
            assertThat(out.events(0)).isEqualTo(Kevent.SOCKET_CONNECT);
            assertThat(late.poll(out)).isZero();
            assertThat(c.remoteAddress()).isEqualTo(pair.listener.localAddress());
        }
    }

    @Test
    void aRefusedConnectIsErrWithEconnrefused() {
        InetSocketAddress closedPort;
        try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, false)) {
            closedPort = l.localAddress();
        }
        try (TcpSocket c = TcpSocket.connect(closedPort)) {
            queue.add(Ukevent.socket(c, Kevent.SOCKET_CONNECT | Kevent.SOCKET_RECV));
            assertThat(awaitEvents(queue)).isEqualTo(1);
            assertThat(out.events(0) & Kevent.SOCKET_ERR).isEqualTo(Kevent.SOCKET_ERR);
            assertThat(out.events(0) & Kevent.SOCKET_CONNECT).isZero();
            assertThat(out.data2(0)).isEqualTo(Errno.ECONNREFUSED);
            assertThat(out.socketError(0)).isEqualTo(Errno.ECONNREFUSED);
        }
    }

    @Test
    void aClosedSocketANonSocketAndAForeignSocketAreRejectedPerRecord() {
        TcpSocket closed = TcpSocket.connect(pair.listener.localAddress());
        closed.close();
        int[] pipe = new int[2];
        assertThat(Fd.pipe(pipe)).isZero();
        int foreign = Sockets.socket(false);
        try {
            CtlResults r = queue.ctl(CtlOp.ADD,
                    Ukevent.socket(closed, Kevent.SOCKET_RECV),
                    Ukevent.socket(pipe[0], Kevent.SOCKET_RECV),
                    Ukevent.socket(1_000_000, Kevent.SOCKET_RECV),
                    Ukevent.socket(foreign, Kevent.SOCKET_RECV),
                    Ukevent.socket(pair.server, Kevent.SOCKET_RECV));
            assertThat(r.errorName(0)).isEqualTo("EBADF");
            assertThat(r.message(0)).contains("closed");
            assertThat(r.errorName(1)).isEqualTo("ENOTSOCK");
            assertThat(r.errorName(2)).isEqualTo("EBADF");
            assertThat(r.errorName(3)).isEqualTo("EINVAL");
            assertThat(r.message(3)).contains("POLL");
            assertThat(r.ok(4)).as("the batch goes on").isTrue();
            assertThat(queue.stats().registered()).isEqualTo(1);
        } finally {
            Fd.close(pipe[0]);
            Fd.close(pipe[1]);
            Fd.close(foreign);
        }
    }

    @Test
    void aPeerResetWithDataQueuedIsReportedAndNothingHangs() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV | Kevent.SOCKET_RDHUP));
        Loopback.sendAll(pair.client, new byte[100]);
        Loopback.sendAll(pair.server, new byte[100]);
        assertThat(awaitEvents(queue)).isEqualTo(1);
        // The client closes with unread bytes: the kernel resets the connection.
        pair.client.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int seen = 0;
        while ((seen & (Kevent.SOCKET_ERR | Kevent.SOCKET_HUP)) == 0 && System.nanoTime() < deadline) {
            queue.getEvents(1, 8, 100, TimeUnit.MILLISECONDS, out);
            for (int k = 0; k < out.size(); k++) {
                seen |= out.events(k);
            }
        }
        assertThat(seen & (Kevent.SOCKET_ERR | Kevent.SOCKET_HUP)).as("ERR or HUP delivered").isNotZero();
        // Reading ends, with the reset or end of stream, within a bounded number of calls.
        String end = null;
        byte[] buf = new byte[64];
        for (int k = 0; k < 100 && end == null; k++) {
            try {
                if (pair.server.recv(buf, 0, buf.length) < 0) {
                    end = "eof";
                }
            } catch (org.kevent.KeventException e) {
                end = e.errorName();
            }
        }
        assertThat(end).isIn("ECONNRESET", "eof");
    }

    @Test
    void halfCloseIsRdhupAndTheOtherDirectionStillWorks() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RDHUP).withFlags(Kevent.REQ_ET));
        pair.client.shutdownOutput();
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(out.events(0)).isEqualTo(Kevent.SOCKET_RDHUP);
        assertThat(pair.server.recv(new byte[4], 0, 4)).isEqualTo(-1);
        Loopback.sendAll(pair.server, new byte[] {7});
        assertThat(Loopback.readExactly(pair.client, 1)).containsExactly(7);
    }

    @Test
    void levelSendIsReadyOnAFreshSocket() {
        queue.add(Ukevent.socket(pair.client, Kevent.SOCKET_SEND));
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(out.events(0)).isEqualTo(Kevent.SOCKET_SEND);
        assertThat(queue.poll(out)).as("level: still writable").isEqualTo(1);
    }

    @Test
    void levelAcceptStaysReadyUntilAcceptReturnsNull() {
        queue.add(Ukevent.socket(pair.listener, Kevent.SOCKET_ACCEPT));
        assertThat(queue.poll(out)).isZero();
        try (TcpSocket c1 = TcpSocket.connect(pair.listener.localAddress());
             TcpSocket c2 = TcpSocket.connect(pair.listener.localAddress())) {
            assertThat(awaitEvents(queue)).isEqualTo(1);
            assertThat(out.events(0)).isEqualTo(Kevent.SOCKET_ACCEPT);
            TcpSocket a1 = Loopback.acceptWithin(pair.listener);
            assertThat(awaitEvents(queue)).as("one more pending").isEqualTo(1);
            TcpSocket a2 = Loopback.acceptWithin(pair.listener);
            assertThat(pair.listener.accept()).isNull();
            assertThat(queue.poll(out)).isZero();
            a1.close();
            a2.close();
        }
    }

    @Test
    void oneSocketInTwoQueuesIsReportedInBoth() {
        try (KeventQueue other = KeventQueue.open()) {
            queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV));
            other.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
            Loopback.sendAll(pair.client, new byte[2]);
            assertThat(awaitEvents(queue)).isEqualTo(1);
            assertThat(awaitEvents(other)).isEqualTo(1);
        }
    }

    @Test
    void closeThroughTheLibraryDeliversBrokenOncePerInterestPerQueueThenRemoves() {
        try (KeventQueue other = KeventQueue.open()) {
            queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withCookie(1));
            other.add(Ukevent.socket(pair.server, Kevent.SOCKET_SEND).withFlags(Kevent.REQ_DISPATCH).withCookie(2));
            assertThat(awaitEvents(other)).as("SEND, then disabled").isEqualTo(1);
            pair.server.close();
            pair.server.close();
            assertThat(queue.poll(out)).isEqualTo(1);
            assertThat(out.flags(0) & Kevent.RET_BROKEN).isEqualTo(Kevent.RET_BROKEN);
            assertThat(out.events(0) & Kevent.SOCKET_HUP).isEqualTo(Kevent.SOCKET_HUP);
            assertThat(out.cookie(0)).isEqualTo(1);
            assertThat(other.poll(out)).as("also a disabled interest").isEqualTo(1);
            assertThat(out.flags(0) & Kevent.RET_BROKEN).isEqualTo(Kevent.RET_BROKEN);
            assertThat(out.cookie(0)).isEqualTo(2);
            assertThat(queue.poll(out)).isZero();
            assertThat(other.poll(out)).isZero();
            assertThat(queue.stats().registered()).isZero();
            assertThat(other.stats().registered()).isZero();
        }
    }

    @Test
    void aClosedSocketsIdIsFreeAtOnceForTheNextSocketWithThatFd() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withCookie(1));
        int fd = pair.server.id();
        pair.server.close();
        // The kernel hands out the lowest free number: the next socket most likely gets the same fd.
        TcpSocket next = TcpSocket.connect(pair.client.remoteAddress());
        try {
            if (next.id() == fd) {
                queue.add(Ukevent.socket(next, Kevent.SOCKET_SEND).withCookie(2));
            }
            assertThat(queue.poll(out)).as("the old interest's BROKEN, once").isGreaterThanOrEqualTo(1);
            assertThat(out.cookie(0)).isEqualTo(1);
            assertThat(out.flags(0) & Kevent.RET_BROKEN).isEqualTo(Kevent.RET_BROKEN);
            assertThat(queue.ctl(CtlOp.REMOVE, Ukevent.socket(next, Kevent.SOCKET_SEND)).ok(0))
                    .as("registered only if the fd came back").isEqualTo(next.id() == fd);
        } finally {
            next.close();
        }
    }

    @Test
    void closeWakesABlockedWaiterWithBroken() throws Exception {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV));
        EventBuffer waiterOut = new EventBuffer(4);
        CompletableFuture<Integer> waiter = async(() -> queue.getEvents(1, 4, -1, TimeUnit.SECONDS, waiterOut));
        await("waiter blocks", () -> waiting(queue) == 1);
        pair.server.close();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(waiterOut.flags(0) & Kevent.RET_BROKEN).isEqualTo(Kevent.RET_BROKEN);
    }

    @Test
    void aRemovedInterestIsNotBrokenByALaterClose() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV));
        queue.remove(EventType.SOCKET, pair.server.id());
        pair.server.close();
        assertThat(queue.poll(out)).isZero();
    }
}
