package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kevent.AioEngine;
import org.kevent.EventBuffer;
import org.kevent.EventRing;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.QueueClosedException;

/**
 * Multishot receive ({@code aioRecvMultishot}, {@code aioReleaseBuffer}): the same rules on every
 * engine — each subclass names one — over real loopback sockets.
 */
abstract class MultishotContract {
    /** One event of a multishot request, its bytes copied out before the buffer went back. */
    record Arrival(long id, int events, int flags, long data, long data2, long cookie, Object attachment,
                   byte[] bytes) {
        boolean more() {
            return (flags & Kevent.RET_MORE) != 0;
        }
    }

    KeventQueue queue;
    Loopback pair;
    private final EventBuffer events = new EventBuffer(64);

    abstract String engine();

    boolean singleIssuer() {
        return false;
    }

    /** Subclasses that emulate an older kernel set their switch here. */
    void beforeOpen() {
    }

    void afterClose() {
    }

    KeventQueue open(int buffers, int size) {
        return KeventQueue.builder().aioEngine(AioEngine.of(engine())).singleIssuer(singleIssuer()).aioRecvBuffers(buffers, size)
                .open();
    }

    @BeforeEach
    void openQueueAndPair() {
        beforeOpen();
        queue = open(8, 1024);
        pair = Loopback.open();
    }

    @AfterEach
    void closeAll() {
        pair.close();
        queue.close();
        afterClose();
    }

    /**
     * Takes the next events (bounded wait); arrivals are copied out and, if {@code release},
     * their buffers given back at once.
     */
    List<Arrival> take(KeventQueue q, boolean release, long timeoutMillis) {
        List<Arrival> out = new ArrayList<>();
        int n = q.getEvents(1, 64, timeoutMillis, TimeUnit.MILLISECONDS, events);
        for (int k = 0; k < n; k++) {
            assertThat(events.type(k)).isEqualTo(EventType.NAIO);
            byte[] bytes = null;
            if ((events.flags(k) & Kevent.RET_MORE) != 0) {
                ByteBuffer view = events.buffer(k);
                assertThat(view.position()).isZero();
                assertThat((long) view.limit()).isEqualTo(events.data(k));
                bytes = new byte[view.remaining()];
                view.get(bytes);
                assertThat((long) events.lentBufferId(k)).isEqualTo(events.data2(k));
                assertThat(events.aioTransferred(k)).as("the arrival's bytes").isEqualTo(events.data(k));
                if (release) {
                    q.aioReleaseBuffer(events.lentBufferId(k));
                }
            } else if (events.events(k) == Kevent.NAIO_RECV_MULTISHOT) {
                assertThat(events.buffer(k)).as("the last event lends nothing").isNull();
                assertThat(events.lentBufferId(k)).isEqualTo(-1);
                assertThat(events.aioTransferred(k)).as("bytes in all").isEqualTo(events.data2(k));
            }
            assertThat(events.aioResult(k)).isEqualTo(events.data(k));
            out.add(new Arrival(events.id(k), events.events(k), events.flags(k), events.data(k), events.data2(k),
                    events.cookie(k), events.attachment(k), bytes));
        }
        return out;
    }

    /** Takes events until some come (bounded wait). */
    List<Arrival> takeSome(KeventQueue q, boolean release) {
        List<Arrival> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got.isEmpty() && System.nanoTime() < deadline) {
            got.addAll(take(q, release, 100));
        }
        return got;
    }

    /** Collects a request's events until its last one, releasing every buffer; checks each comes once. */
    List<Arrival> drain(KeventQueue q, long id) {
        List<Arrival> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (all.isEmpty() || all.getLast().more()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("request " + id + " did not end within 20 s; got " + all.size() + " events");
            }
            for (Arrival a : take(q, true, 100)) {
                assertThat(a.id()).isEqualTo(id);
                assertThat(all.isEmpty() || all.getLast().more()).as("nothing after the last event").isTrue();
                all.add(a);
            }
        }
        return all;
    }

    static byte[] bytesOf(List<Arrival> arrivals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Arrival a : arrivals) {
            if (a.more()) {
                out.writeBytes(a.bytes());
            }
        }
        return out.toByteArray();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Sends from another thread, so a big stream and its consumer run together. */
    static CompletableFuture<Void> sendInBackground(TcpSocket s, byte[] data, boolean thenShutdown) {
        return CompletableFuture.runAsync(() -> {
            Loopback.sendAll(s, data);
            if (thenShutdown) {
                s.shutdownOutput();
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
    }

    /** Issue 12, point 4: each arrival wakes the thread that sleeps for it, by itself ({@link WakeProbe}). */
    @Test
    void anArrivalWakesTheWaiterSleepingForIt() throws Exception {
        WakeProbe.completionWakesItsWaiter(queue, pair, q -> q.aioRecvMultishot(pair.server));
    }

    @Test
    void eachArrivalIsAnEventWithALentBufferAndEndOfStreamIsTheLastEvent() {
        Object context = new Object();
        long id = queue.aioRecvMultishot(pair.server, 42, context);
        Loopback.sendAll(pair.client, "hello".getBytes());
        List<Arrival> first = takeSome(queue, true);
        assertThat(first).hasSize(1);
        Arrival a = first.getFirst();
        assertThat(a.id()).isEqualTo(id);
        assertThat(a.events()).isEqualTo(Kevent.NAIO_RECV_MULTISHOT);
        assertThat(a.flags()).isEqualTo(Kevent.RET_DONE | Kevent.RET_MORE);
        assertThat(a.data()).isEqualTo(5);
        assertThat(a.data2()).isBetween(0L, 7L);
        assertThat(a.cookie()).isEqualTo(42);
        assertThat(a.attachment()).as("the caller's, not the lent buffer").isSameAs(context);
        assertThat(new String(a.bytes())).isEqualTo("hello");

        Loopback.sendAll(pair.client, "world!".getBytes());
        pair.client.shutdownOutput();
        List<Arrival> rest = drain(queue, id);
        Arrival last = rest.getLast();
        assertThat(last.events()).isEqualTo(Kevent.NAIO_RECV_MULTISHOT);
        assertThat(last.flags()).as("end of stream is no failure").isEqualTo(Kevent.RET_DONE);
        assertThat(last.data()).isZero();
        assertThat(last.data2()).as("bytes in all").isEqualTo(11);
        assertThat(last.cookie()).isEqualTo(42);
        assertThat(last.attachment()).isSameAs(context);
        assertThat(new String(bytesOf(rest))).isEqualTo("world!");
        assertThat(queue.aioCancel(id)).as("the request is gone").isFalse();
        assertThat(queue.stats().aioEnded()).isEqualTo(1);
    }

    @Test
    void aLongStreamArrivesWholeAndInOrderThroughASmallPool() {
        // 8 buffers of 1 KiB for 2 MiB: the pool runs dry again and again.
        byte[] data = random(2 << 20, 7);
        long id = queue.aioRecvMultishot(pair.server);
        CompletableFuture<Void> sender = sendInBackground(pair.client, data, true);
        List<Arrival> all = drain(queue, id);
        sender.join();
        assertThat(all.getLast().data()).isZero();
        assertThat(all.getLast().data2()).isEqualTo(data.length);
        for (Arrival a : all.subList(0, all.size() - 1)) {
            assertThat(a.data()).isBetween(1L, 1024L);
        }
        assertThat(bytesOf(all)).isEqualTo(data);
    }

    @Test
    void holdingEveryBufferPausesReceivingAndLosesNothing() {
        long id = queue.aioRecvMultishot(pair.server);
        byte[] data = random(64 * 1024, 8);
        CompletableFuture<Void> sender = sendInBackground(pair.client, data, true);
        // Hold every buffer: at most 8 arrivals come out, then nothing until one goes back.
        List<Arrival> held = new ArrayList<>();
        List<Integer> heldIds = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (held.size() < 8 && System.nanoTime() < deadline) {
            for (Arrival a : take(queue, false, 100)) {
                held.add(a);
                heldIds.add((int) a.data2());
            }
        }
        assertThat(held).hasSize(8).allMatch(Arrival::more);
        assertThat(new HashSet<>(heldIds)).as("eight distinct buffers").hasSize(8);
        assertThat(take(queue, false, 200)).as("no buffer is free: receiving paused").isEmpty();
        assertThat(queue.stats().aioBuffersLent()).isEqualTo(8);
        for (int bid : heldIds) {
            queue.aioReleaseBuffer(bid);
        }
        assertThat(queue.stats().aioBuffersLent()).isZero();
        List<Arrival> rest = drain(queue, id);
        sender.join();
        List<Arrival> all = new ArrayList<>(held);
        all.addAll(rest);
        assertThat(bytesOf(all)).isEqualTo(data);
        assertThat(rest.getLast().data2()).isEqualTo(data.length);
    }

    @Test
    void cancelEndsTheRequestOnceAndNoByteIsLost() {
        long id = queue.aioRecvMultishot(pair.server, 3, null);
        Loopback.sendAll(pair.client, "abc".getBytes());
        assertThat(queue.aioCancel(id)).isTrue();
        List<Arrival> all = drain(queue, id);
        Arrival last = all.getLast();
        assertThat(last.data()).isEqualTo(-125);
        assertThat(last.flags()).isEqualTo(Kevent.RET_DONE | Kevent.RET_BROKEN);
        assertThat(last.cookie()).isEqualTo(3);
        assertThat(queue.aioCancel(id)).as("already ended").isFalse();
        // Whatever the request did not receive is still in the socket.
        byte[] before = bytesOf(all);
        assertThat(last.data2()).isEqualTo(before.length);
        byte[] after = before.length < 3 ? Loopback.readExactly(pair.server, 3 - before.length) : new byte[0];
        assertThat(new String(before) + new String(after)).isEqualTo("abc");
    }

    @Test
    void aReceiveMadeAfterAMultishotStartsWhenItEnds() {
        long multi = queue.aioRecvMultishot(pair.server);
        ByteBuffer dst = ByteBuffer.allocate(4);
        long single = queue.aioRecv(pair.server, dst);
        assertThat(queue.aioCancel(multi)).isTrue();
        assertThat(drain(queue, multi).getLast().data()).isEqualTo(-125);
        Loopback.sendAll(pair.client, "next".getBytes());
        List<Arrival> got = takeSome(queue, true);
        assertThat(got).hasSize(1);
        assertThat(got.getFirst().id()).isEqualTo(single);
        assertThat(got.getFirst().data()).isEqualTo(4);
        assertThat(new String(dst.array())).isEqualTo("next");
    }

    @Test
    void aPeerResetEndsTheRequestWithTheErrnoAfterItsData() throws Exception {
        try (TcpListener l = TcpListener.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
                4, false);
             java.net.Socket peer = new java.net.Socket()) {
            peer.connect(l.localAddress());
            TcpSocket s = Loopback.acceptWithin(l);
            try {
                long id = queue.aioRecvMultishot(s);
                take(queue, true, 0); // the request reaches the kernel
                peer.getOutputStream().write("bye".getBytes());
                peer.setSoLinger(true, 0);
                peer.close();
                List<Arrival> all = drain(queue, id);
                Arrival last = all.getLast();
                assertThat(last.data()).isEqualTo(-104); // ECONNRESET
                assertThat(last.flags() & Kevent.RET_BROKEN).isNotZero();
                assertThat(last.data2()).isEqualTo(bytesOf(all).length);
            } finally {
                s.close();
            }
        }
    }

    @Test
    void closingTheSocketEndsTheRequestAsCancelled() {
        long id = queue.aioRecvMultishot(pair.server);
        take(queue, true, 0);
        pair.server.close();
        assertThat(drain(queue, id).getLast().data()).isEqualTo(-125);
        assertThat(queue.stats().aioCancelled()).isEqualTo(1);
    }

    @Test
    void closingTheQueueEndsEveryRequestAndLentViewsStayReadable() {
        KeventQueue q = open(8, 1024);
        List<Loopback> pairs = new ArrayList<>();
        try {
            for (int k = 0; k < 4; k++) {
                pairs.add(Loopback.open());
                q.aioRecvMultishot(pairs.get(k).server);
            }
            Loopback.sendAll(pairs.getFirst().client, "kept".getBytes());
            ByteBuffer lent = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lent == null && System.nanoTime() < deadline) {
                int n = q.getEvents(1, 64, 100, TimeUnit.MILLISECONDS, events);
                lent = n > 0 ? events.buffer(0) : null;
            }
            assertThat(lent).isNotNull();
            // More arrivals queue up unread, then the queue closes under them.
            Loopback.sendAll(pairs.get(1).client, "unread".getBytes());
            q.close();
            assertThat(q.stats().aioEnded()).isEqualTo(4);
            assertThat(q.stats().aioCancelled()).isEqualTo(4);
            byte[] b = new byte[4];
            lent.get(0, b);
            assertThat(new String(b)).as("the memory outlives the queue").isEqualTo("kept");
            assertThatThrownBy(() -> q.aioReleaseBuffer(0)).isInstanceOf(QueueClosedException.class);
            assertThatThrownBy(() -> q.aioRecvMultishot(pair.server)).isInstanceOf(QueueClosedException.class);
        } finally {
            q.close();
            pairs.forEach(Loopback::close);
        }
    }

    @Test
    void aBadReleaseIsRefusedAndChangesNothing() {
        assertThatThrownBy(() -> queue.aioReleaseBuffer(0)).as("no pool yet")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no buffer");
        long id = queue.aioRecvMultishot(pair.server);
        assertThatThrownBy(() -> queue.aioReleaseBuffer(8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8");
        assertThatThrownBy(() -> queue.aioReleaseBuffer(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.aioReleaseBuffer(3)).as("never lent")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not lent");
        Loopback.sendAll(pair.client, "x".getBytes());
        List<Arrival> got = takeSome(queue, false);
        int bid = (int) got.getFirst().data2();
        queue.aioReleaseBuffer(bid);
        assertThatThrownBy(() -> queue.aioReleaseBuffer(bid)).as("released twice")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("released twice");
        // The request goes on untouched.
        Loopback.sendAll(pair.client, "yz".getBytes());
        pair.client.shutdownOutput();
        List<Arrival> rest = drain(queue, id);
        assertThat(new String(bytesOf(rest))).isEqualTo("yz");
        assertThat(rest.getLast().data2()).isEqualTo(3);
    }

    @Test
    void builderRefusesPoolsOutOfBounds() {
        KeventQueue.Builder b = KeventQueue.builder();
        assertThatThrownBy(() -> b.aioRecvBuffers(0, 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.aioRecvBuffers(3, 1024)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> b.aioRecvBuffers(65536, 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.aioRecvBuffers(8, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.aioRecvBuffers(8, (1 << 20) + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.aioRecvBuffers(32768, 1 << 20)).hasMessageContaining("1 GiB");
    }

    @Test
    void manySocketsShareOnePoolAndEveryStreamArrivesWhole() {
        int sockets = 6;
        List<Loopback> pairs = new ArrayList<>();
        try {
            List<CompletableFuture<Void>> senders = new ArrayList<>();
            long[] ids = new long[sockets];
            byte[][] data = new byte[sockets][];
            for (int k = 0; k < sockets; k++) {
                Loopback p = Loopback.open();
                pairs.add(p);
                ids[k] = queue.aioRecvMultishot(p.server, k, null);
                data[k] = random(256 * 1024 + k, 100 + k);
                senders.add(sendInBackground(p.client, data[k], true));
            }
            List<List<Arrival>> per = new ArrayList<>();
            for (int k = 0; k < sockets; k++) {
                per.add(new ArrayList<>());
            }
            Set<Integer> ended = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ended.size() < sockets) {
                assertThat(System.nanoTime()).as("all streams end within 30 s").isLessThan(deadline);
                for (Arrival a : take(queue, true, 100)) {
                    int k = (int) a.cookie();
                    assertThat(ended).doesNotContain(k);
                    per.get(k).add(a);
                    if (!a.more()) {
                        ended.add(k);
                    }
                }
            }
            senders.forEach(CompletableFuture::join);
            for (int k = 0; k < sockets; k++) {
                assertThat(per.get(k).getLast().data()).isZero();
                assertThat(bytesOf(per.get(k))).as("stream %d", k).isEqualTo(data[k]);
            }
        } finally {
            pairs.forEach(Loopback::close);
        }
    }

    @Test
    void theEventRingDeliversArrivalsWithTheirBuffers() {
        EventRing ring = queue.openRing(16);
        long id = queue.aioRecvMultishot(pair.server, 9, "ring context");
        Loopback.sendAll(pair.client, "ring".getBytes());
        pair.client.shutdownOutput();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean last = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!last) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            long end = ring.await(1, 100, TimeUnit.MILLISECONDS);
            for (long seq = ring.readPosition(); seq < end; seq++) {
                assertThat(last).as("nothing after the last event").isFalse();
                assertThat(ring.id(seq)).isEqualTo(id);
                assertThat(ring.cookie(seq)).isEqualTo(9);
                assertThat(ring.events(seq)).isEqualTo(Kevent.NAIO_RECV_MULTISHOT);
                assertThat(ring.attachment(seq)).isEqualTo("ring context");
                if ((ring.flags(seq) & Kevent.RET_MORE) != 0) {
                    ByteBuffer view = ring.buffer(seq);
                    assertThat((long) view.remaining()).isEqualTo(ring.data(seq));
                    byte[] b = new byte[view.remaining()];
                    view.get(b);
                    got.writeBytes(b);
                    queue.aioReleaseBuffer((int) ring.data2(seq));
                } else {
                    last = true;
                    assertThat(ring.data(seq)).isZero();
                    assertThat(ring.data2(seq)).isEqualTo(4);
                    assertThat(ring.buffer(seq)).isNull();
                }
            }
            ring.commit(end);
        }
        assertThat(got.toString()).isEqualTo("ring");
    }
}
