package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.AioEngine;
import org.kevent.CtlOp;
import org.kevent.EventBuffer;
import org.kevent.EventRing;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.NaioQueues;
import org.kevent.QueueClosedException;
import org.kevent.QueueStats;
import org.kevent.Ukevent;

/**
 * Network AIO (docs/SEMANTICS.md §7), the same rules for both engines: each subclass names one, and every
 * test here runs on it over real loopback sockets.
 */
abstract class NaioContract {
    /** What a completion said. */
    record Completion(long id, int events, int flags, long data, long data2, long cookie, Object attachment,
                      ByteBuffer buffer) {
        boolean broken() {
            return (flags & Kevent.RET_BROKEN) != 0;
        }
    }

    /** Per queue: completions taken but not yet asked for, and how often each id came. */
    private final Map<KeventQueue, Map<Long, Completion>> early = new java.util.IdentityHashMap<>();
    private final Map<KeventQueue, Map<Long, Integer>> seen = new java.util.IdentityHashMap<>();
    KeventQueue queue;
    Loopback pair;
    @TempDir
    Path dir;

    abstract String engine();

    KeventQueue open(int ringEntries) {
        return NaioQueues.open(engine(), ringEntries, singleIssuer());
    }

    /** @return whether the queues are opened with {@code singleIssuer(true)} */
    boolean singleIssuer() {
        return false;
    }

    @BeforeEach
    void openQueueAndPair() {
        queue = open(0);
        pair = Loopback.open();
    }

    @AfterEach
    void closeAll() {
        pair.close();
        queue.close();
    }

    /** Waits (bounded) for the completion of request {@code id}; every completion must come once. */
    Completion await(KeventQueue q, long id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        EventBuffer events = new EventBuffer(64);
        Map<Long, Completion> early = this.early.computeIfAbsent(q, k -> new HashMap<>());
        Map<Long, Integer> seen = this.seen.computeIfAbsent(q, k -> new HashMap<>());
        while (!early.containsKey(id)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no completion of request " + id + " within 15 s");
            }
            int n = q.getEvents(1, 64, 100, TimeUnit.MILLISECONDS, events);
            for (int k = 0; k < n; k++) {
                assertThat(events.type(k)).isEqualTo(EventType.NAIO);
                long got = events.id(k);
                assertThat(seen.merge(got, 1, Integer::sum)).as("completions of request %d", got).isEqualTo(1);
                early.put(got, new Completion(got, events.events(k), events.flags(k), events.data(k),
                        events.data2(k), events.cookie(k), events.attachment(k), events.buffer(k)));
                // By name, a completion reads as its raw words say (docs/SEMANTICS.md §7).
                assertThat(events.aioResult(k)).isEqualTo(events.data(k));
                assertThat(events.aioTransferred(k)).as("bytes moved, also before a failure")
                        .isEqualTo(events.data(k) < 0 ? events.data2(k) : events.data(k));
                assertThat(events.lentBufferId(k)).as("only a multishot arrival lends a buffer").isEqualTo(-1);
            }
        }
        return early.remove(id);
    }

    Completion await(long id) {
        return await(queue, id);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void engineIsTheOneAskedFor() {
        assertThat(queue.aioEngine()).isEqualTo(AioEngine.of(engine()));
    }

    @Test
    void aSendAndARecvCompleteWithTheirByteCountsCookiesAndBuffers() {
        byte[] payload = random(1000, 1);
        ByteBuffer in = ByteBuffer.allocateDirect(1000);
        ByteBuffer out = ByteBuffer.allocateDirect(1000).put(payload).flip();
        Object receiver = new Object();
        long recv = queue.aioRecv(pair.server, in, 7, receiver, 0);
        long send = queue.aioSend(pair.client, out, 8, "sender", 0);
        assertThat(send).isNotEqualTo(recv);

        Completion s = await(send);
        assertThat(s.events()).isEqualTo(Kevent.NAIO_SEND);
        assertThat(s.data()).isEqualTo(1000);
        assertThat(s.flags()).isEqualTo(Kevent.RET_DONE);
        assertThat(s.cookie()).isEqualTo(8);
        assertThat(s.attachment()).as("the caller's own, apart from the buffer").isEqualTo("sender");
        assertThat(s.buffer()).isSameAs(out);
        assertThat(out.remaining()).isZero();

        Completion r = await(recv);
        assertThat(r.events()).isEqualTo(Kevent.NAIO_RECV);
        assertThat(r.data()).isEqualTo(1000);
        assertThat(r.cookie()).isEqualTo(7);
        assertThat(r.attachment()).isSameAs(receiver);
        assertThat(r.buffer()).isSameAs(in);
        byte[] got = new byte[1000];
        in.flip().get(got);
        assertThat(got).isEqualTo(payload);
    }

    @Test
    void aSlotOfTheEventBufferNeverShowsAnEarlierEventsBuffer() {
        EventBuffer events = new EventBuffer(4);
        ByteBuffer in = ByteBuffer.allocateDirect(2);
        queue.aioRecv(pair.server, in, 0, "recv", 0);
        Loopback.sendAll(pair.client, "ab".getBytes());
        assertThat(queue.getEvents(1, 4, 10, TimeUnit.SECONDS, events)).isEqualTo(1);
        assertThat(events.buffer(0)).isSameAs(in);

        queue.add(Ukevent.user(1).withAttachment("user"));
        queue.trigger(1);
        assertThat(queue.poll(events)).isEqualTo(1);
        assertThat(events.attachment(0)).isEqualTo("user");
        assertThat(events.buffer(0)).as("a USER event has no buffer, whatever its slot held").isNull();
    }

    @Test
    void theEventRingCarriesARequestsBufferBesideItsAttachment() {
        EventRing ring = queue.openRing(4);
        ByteBuffer in = ByteBuffer.allocateDirect(2);
        long id = queue.aioRecv(pair.server, in, 3, "context", 0);
        Loopback.sendAll(pair.client, "ab".getBytes());
        long end = ring.await(1, 10, TimeUnit.SECONDS);
        long seq = ring.readPosition();
        assertThat(end - seq).isEqualTo(1);
        assertThat(ring.id(seq)).isEqualTo(id);
        assertThat(ring.cookie(seq)).isEqualTo(3);
        assertThat(ring.attachment(seq)).isEqualTo("context");
        assertThat(ring.buffer(seq)).isSameAs(in);
        ring.commit(end);
    }

    @Test
    void heapBuffersWorkLikeDirectOnes() {
        byte[] payload = random(200_000, 2);
        ByteBuffer in = ByteBuffer.allocate(200_000);
        long recv = queue.aioRecv(pair.server, in);
        long send = queue.aioSend(pair.client, ByteBuffer.wrap(payload));
        assertThat(await(send).data()).isEqualTo(200_000);
        assertThat(await(recv).data()).isEqualTo(200_000);
        assertThat(in.array()).isEqualTo(payload);
        assertThat(in.position()).isEqualTo(200_000);
    }

    @Test
    void aReceiveWaitsForAFullBufferUnlessPartialIsAsked() {
        ByteBuffer whole = ByteBuffer.allocateDirect(10);
        long full = queue.aioRecv(pair.server, whole);
        Loopback.sendAll(pair.client, "abcd".getBytes());
        EventBuffer events = new EventBuffer(4);
        assertThat(queue.getEvents(1, 4, 200, TimeUnit.MILLISECONDS, events)).as("4 of 10 bytes: not yet").isZero();
        Loopback.sendAll(pair.client, "efghij".getBytes());
        assertThat(await(full).data()).isEqualTo(10);

        ByteBuffer some = ByteBuffer.allocateDirect(10);
        long partial = queue.aioRecv(pair.server, some, 0, null, Kevent.AIO_PARTIAL);
        Loopback.sendAll(pair.client, "xyz".getBytes());
        Completion c = await(partial);
        assertThat(c.data()).isEqualTo(3);
        assertThat(some.position()).isEqualTo(3);
    }

    /** Issue 12, point 4: a completion wakes the thread that sleeps for it, by itself ({@link WakeProbe}). */
    @Test
    void aCompletionWakesTheWaiterSleepingForIt() throws Exception {
        ByteBuffer in = ByteBuffer.allocateDirect(1);
        WakeProbe.completionWakesItsWaiter(queue, pair, q -> q.aioRecv(pair.server, in));
        assertThat(in.position()).isEqualTo(1);
    }

    @Test
    void aSendLargerThanTheSocketBuffersIsCompletedWhole() throws Exception {
        byte[] payload = random(8 << 20, 3);
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(
                () -> Loopback.readExactly(pair.server, payload.length), r -> Thread.ofPlatform().start(r));
        long send = queue.aioSend(pair.client, ByteBuffer.allocateDirect(payload.length).put(payload).flip());
        Completion c = await(send);
        assertThat(c.data()).isEqualTo(payload.length);
        assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(payload);
    }

    @Test
    void partialSendReportsTheFirstTransfer() throws Exception {
        int size = 8 << 20;
        long send = queue.aioSend(pair.client, ByteBuffer.allocateDirect(size), 0, null, Kevent.AIO_PARTIAL);
        Completion c = await(send);
        assertThat(c.data()).isPositive().isLessThanOrEqualTo(size);
        Loopback.readExactly(pair.server, (int) c.data());
    }

    @Test
    void endOfStreamCompletesAReceiveWithTheBytesSoFarThenZero() {
        Loopback.sendAll(pair.client, "abc".getBytes());
        pair.client.shutdownOutput();
        ByteBuffer in = ByteBuffer.allocate(10);
        assertThat(await(queue.aioRecv(pair.server, in)).data()).isEqualTo(3);
        Completion eof = await(queue.aioRecv(pair.server, in));
        assertThat(eof.data()).isZero();
        assertThat(eof.broken()).isFalse();
    }

    @Test
    void requestsOfOneDirectionRunInOrder() {
        int n = 200;
        long[] ids = new long[n];
        for (int k = 0; k < n; k++) {
            byte[] chunk = new byte[4096];
            java.util.Arrays.fill(chunk, (byte) k);
            ids[k] = queue.aioSend(pair.client, ByteBuffer.wrap(chunk));
        }
        ByteBuffer in = ByteBuffer.allocateDirect(n * 4096);
        long recv = queue.aioRecv(pair.server, in);
        for (long id : ids) {
            assertThat(await(id).data()).isEqualTo(4096);
        }
        assertThat(await(recv).data()).isEqualTo(n * 4096);
        for (int k = 0; k < n; k++) {
            assertThat(in.get(k * 4096)).isEqualTo((byte) k);
            assertThat(in.get(k * 4096 + 4095)).isEqualTo((byte) k);
        }
    }

    @Test
    void sendfileSendsTheRangeAndAShortFileGivesAShortCount() throws IOException {
        byte[] content = random(300_000, 4);
        Path f = Files.write(dir.resolve("f.bin"), content);
        try (NativeFile file = NativeFile.open(f)) {
            Completion c = await(queue.aioSendfile(pair.client, file, 1000, 250_000, 5, "context", 0));
            assertThat(c.events()).isEqualTo(Kevent.NAIO_SENDFILE);
            assertThat(c.data()).isEqualTo(250_000);
            assertThat(c.cookie()).isEqualTo(5);
            assertThat(c.attachment()).isEqualTo("context");
            assertThat(c.buffer()).as("a sendfile has no buffer").isNull();
            assertThat(Loopback.readExactly(pair.server, 250_000))
                    .isEqualTo(java.util.Arrays.copyOfRange(content, 1000, 251_000));

            Completion past = await(queue.aioSendfile(pair.client, file, 290_000, 50_000));
            assertThat(past.data()).as("the file ends 10,000 bytes in").isEqualTo(10_000);
            assertThat(past.broken()).isFalse();
            Loopback.readExactly(pair.server, 10_000);
        }
    }

    /**
     * Many sendfiles from the thread that waits on the queue (an event loop, whose submissions
     * are batched into its next wait) over sockets with small buffers: each resumes many times,
     * and none may stall on a resubmission the kernel never saw.
     */
    @Test
    void manySendfilesOfAnEventLoopAllFinish() throws Exception {
        Path f = Files.write(dir.resolve("m.bin"), random(4 << 20, 5));
        List<Loopback> pairs = new ArrayList<>();
        List<CompletableFuture<byte[]>> readers = new ArrayList<>();
        try (NativeFile file = NativeFile.open(f)) {
            queue.poll(new EventBuffer(1)); // this thread is now the queue's event loop
            long[] ids = new long[16];
            for (int k = 0; k < ids.length; k++) {
                Loopback p = Loopback.open();
                pairs.add(p);
                p.client.setSendBufferSize(16 * 1024);
                ids[k] = queue.aioSendfile(p.client, file, 0, 4 << 20);
                readers.add(CompletableFuture.supplyAsync(() -> Loopback.readExactly(p.server, 4 << 20),
                        r -> Thread.ofPlatform().start(r)));
            }
            byte[] content = Files.readAllBytes(f);
            for (int k = 0; k < ids.length; k++) {
                assertThat(await(ids[k]).data()).isEqualTo(4 << 20);
                assertThat(readers.get(k).get(30, TimeUnit.SECONDS)).isEqualTo(content);
            }
        } finally {
            pairs.forEach(Loopback::close);
        }
    }

    @Test
    void aFileTruncatedDuringSendfileGivesTheRealCount() throws Exception {
        Path f = dir.resolve("big.bin");
        int size = 64 << 20;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(1 << 20);
            for (int k = 0; k < size >> 20; k++) {
                block.clear();
                ch.write(block);
            }
        }
        pair.client.setSendBufferSize(64 * 1024);
        try (NativeFile file = NativeFile.open(f)) {
            long id = queue.aioSendfile(pair.client, file, 0, size);
            // The peer reads 4 MiB, truncates the file to 8 MiB, then reads to the end of the
            // stream, while this thread keeps the queue going (the waiting thread does the work).
            CompletableFuture<Long> peer = CompletableFuture.supplyAsync(() -> {
                long got = Loopback.readExactly(pair.server, 4 << 20).length;
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.truncate(8 << 20);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return got + drain(pair.server);
            }, r -> Thread.ofPlatform().start(r));
            Completion c = await(id);
            pair.client.shutdownOutput();
            long got = peer.get(30, TimeUnit.SECONDS);
            assertThat(c.data()).as("a short count").isLessThan(size).isGreaterThanOrEqualTo(4 << 20);
            assertThat(c.broken()).isFalse();
            assertThat(got).as("bytes the peer received").isEqualTo(c.data());
        }
    }

    private static long drain(TcpSocket s) {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            int r = s.recv(buf, 0, buf.length);
            if (r < 0) {
                return total;
            }
            total += r;
            if (r == 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no end of stream within 30 s");
                }
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void aPeerResetMidTransferEndsTheSendWithTheErrno() throws Exception {
        try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
             Socket peer = new Socket()) {
            peer.setReceiveBufferSize(64 * 1024);
            peer.connect(l.localAddress());
            TcpSocket s = Loopback.acceptWithin(l);
            try {
                long id = queue.aioSend(s, ByteBuffer.allocateDirect(64 << 20));
                InputStream in = peer.getInputStream();
                in.readNBytes(100_000);
                peer.setSoLinger(true, 0);
                peer.close();
                Completion c = await(id);
                assertThat(c.data()).as("ECONNRESET or EPIPE").isIn(-104L, -32L);
                assertThat(c.broken()).isTrue();
                assertThat(c.data2()).as("bytes sent before the reset").isBetween(100_000L, (long) (64 << 20));
            } finally {
                s.close();
            }
        }
    }

    @Test
    void aRequestOnAClosedSocketFailsWithEbadf() {
        TcpSocket closed = pair.client;
        closed.close();
        Completion c = await(queue.aioSend(closed, ByteBuffer.wrap(new byte[10])));
        assertThat(c.data()).isEqualTo(-9);
        assertThat(c.broken()).isTrue();
        Completion r = await(queue.aioRecv(closed, ByteBuffer.allocate(10)));
        assertThat(r.data()).isEqualTo(-9);
    }

    @Test
    void zeroLengthRequestsCompleteAtOnceWithZero() throws IOException {
        Path f = Files.write(dir.resolve("z"), new byte[10]);
        try (NativeFile file = NativeFile.open(f)) {
            long a = queue.aioSend(pair.client, ByteBuffer.allocate(0));
            long b = queue.aioRecv(pair.server, ByteBuffer.allocate(0));
            long c = queue.aioSendfile(pair.client, file, 0, 0);
            for (long id : new long[] {a, b, c}) {
                Completion done = await(id);
                assertThat(done.data()).isZero();
                assertThat(done.flags()).isEqualTo(Kevent.RET_DONE);
            }
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingStarts() {
        QueueStats before = queue.stats();
        ByteBuffer readOnly = ByteBuffer.allocate(10).asReadOnlyBuffer();
        assertThatThrownBy(() -> queue.aioRecv(pair.server, readOnly)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aioRecv").hasMessageContaining("read-only");
        assertThatThrownBy(() -> queue.aioSend(pair.client, ByteBuffer.allocate(1), 0, null, 0x10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown AIO flag");
        assertThatThrownBy(() -> queue.aioSend(null, ByteBuffer.allocate(1))).isInstanceOf(NullPointerException.class);
        try (Arena arena = Arena.ofShared()) {
            ByteBuffer closeable = arena.allocate(64).asByteBuffer();
            assertThatThrownBy(() -> queue.aioRecv(pair.server, closeable))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arena");
        }
        try (NativeFile file = NativeFile.open(Path.of("/proc/self/status"))) {
            assertThatThrownBy(() -> queue.aioSendfile(pair.client, file, -1, 10))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(queue.stats().aioStarted()).isEqualTo(before.aioStarted());
        // A read-only buffer is fine to send from.
        assertThat(await(queue.aioSend(pair.client, ByteBuffer.wrap(new byte[3]).asReadOnlyBuffer())).data())
                .isEqualTo(3);
    }

    @Test
    void anAutomaticArenaBufferIsKeptAliveByItsRequest() {
        long id;
        {
            ByteBuffer onlyTheRequestHoldsIt = Arena.ofAuto().allocate(16).asByteBuffer();
            id = queue.aioRecv(pair.server, onlyTheRequestHoldsIt);
        }
        for (int k = 0; k < 3; k++) {
            System.gc();
        }
        Loopback.sendAll(pair.client, "0123456789abcdef".getBytes());
        Completion c = await(id);
        ByteBuffer b = c.buffer();
        byte[] got = new byte[16];
        b.flip().get(got);
        assertThat(new String(got)).isEqualTo("0123456789abcdef");
    }

    @Test
    void cancelEndsAPendingReceiveOnceWithEcanceled() {
        long id = queue.aioRecv(pair.server, ByteBuffer.allocateDirect(10), 3, null, 0);
        long queued = queue.aioRecv(pair.server, ByteBuffer.allocateDirect(10), 4, null, 0);
        assertThat(queue.aioCancel(id)).isTrue();
        assertThat(queue.aioCancel(queued)).isTrue();
        Completion c = await(id);
        assertThat(c.data()).isEqualTo(-125);
        assertThat(c.broken()).isTrue();
        assertThat(c.cookie()).isEqualTo(3);
        assertThat(await(queued).data()).isEqualTo(-125);
        assertThat(queue.aioCancel(id)).as("already ended").isFalse();
        assertThat(queue.aioCancel(12345)).as("unknown").isFalse();
        // The socket still works afterwards.
        long next = queue.aioRecv(pair.server, ByteBuffer.allocate(2));
        Loopback.sendAll(pair.client, "ok".getBytes());
        assertThat(await(next).data()).isEqualTo(2);
    }

    @Test
    void closingASocketCancelsItsRequestsInEveryQueue() {
        try (KeventQueue other = open(0)) {
            long a = queue.aioRecv(pair.server, ByteBuffer.allocateDirect(10));
            long b = other.aioRecv(pair.server, ByteBuffer.allocate(10));
            long c = queue.aioRecv(pair.server, ByteBuffer.allocateDirect(10));
            pair.server.close();
            assertThat(await(a).data()).isEqualTo(-125);
            assertThat(await(c).data()).isEqualTo(-125);
            assertThat(await(other, b).data()).isEqualTo(-125);
            assertThat(queue.stats().aioCancelled()).isEqualTo(2);
        }
    }

    @Test
    void abortEndsPendingAioRequestsAsCancelledInEveryQueueAndResetsThePeer() {
        try (KeventQueue other = open(0)) {
            long a = queue.aioRecv(pair.server, ByteBuffer.allocateDirect(10));
            long b = other.aioRecv(pair.server, ByteBuffer.allocate(10));
            long c = queue.aioRecv(pair.server, ByteBuffer.allocateDirect(10));

            pair.server.abort();

            for (Completion done : List.of(await(a), await(c), await(other, b))) {
                assertThat(done.data()).isEqualTo(-125);
                assertThat(done.broken()).isTrue();
            }
            assertThat(queue.stats().aioCancelled()).isEqualTo(2);
            assertThat(TcpSocketTest.recvUntilNotZeroOrError(pair.client))
                    .as("the requests' hold on the socket did not turn the reset into a FIN")
                    .isEqualTo("ECONNRESET");
        }
    }

    @Test
    void ctlCannotMakeRemoveOrModifyARequest() {
        long id = queue.aioRecv(pair.server, ByteBuffer.allocate(4));
        var results = queue.ctl(CtlOp.REMOVE, Ukevent.user(1));
        assertThat(results.failures()).isEqualTo(1);
        assertThatThrownBy(() -> queue.remove(EventType.NAIO, id)).isInstanceOfSatisfying(KeventException.class, e -> {
            assertThat(e.errorName()).isEqualTo("EINVAL");
            assertThat(e.getMessage()).contains("aioCancel");
        });
        assertThatThrownBy(() -> queue.enable(EventType.NAIO, id)).isInstanceOf(KeventException.class)
                .hasMessageContaining("EINVAL");
        Loopback.sendAll(pair.client, "abcd".getBytes());
        assertThat(await(id).data()).as("the request lives on").isEqualTo(4);
    }

    @Test
    void closingTheQueueEndsEveryOutstandingRequestOnceAsCancelled() throws Exception {
        List<Loopback> pairs = new ArrayList<>();
        try {
            for (int k = 0; k < 20; k++) {
                pairs.add(Loopback.open());
            }
            int perSocket = 5_000;
            for (Loopback p : pairs) {
                for (int k = 0; k < perSocket; k++) {
                    queue.aioRecv(p.server, ByteBuffer.allocateDirect(0 == k % 2 ? 8 : 16));
                }
            }
            assertThat(queue.stats().aioStarted()).isEqualTo(100_000);
            EventBuffer events = new EventBuffer(16);
            assertThat(queue.poll(events)).as("nothing ended yet").isZero();
            queue.close();
            QueueStats s = queue.stats();
            assertThat(s.aioEnded()).isEqualTo(100_000);
            assertThat(s.aioCancelled()).isEqualTo(100_000);
            assertThatThrownBy(() -> queue.aioRecv(pair.server, ByteBuffer.allocate(1)))
                    .isInstanceOf(QueueClosedException.class);
        } finally {
            pairs.forEach(Loopback::close);
        }
    }

    @Test
    void aFullCompletionRingLosesNothing() {
        try (KeventQueue small = open(4)) {
            List<Loopback> pairs = new ArrayList<>();
            try {
                long[] ids = new long[64];
                for (int k = 0; k < ids.length; k++) {
                    Loopback p = Loopback.open();
                    pairs.add(p);
                    ids[k] = small.aioRecv(p.server, ByteBuffer.allocateDirect(4), k, null, 0);
                }
                // Submit every receive, then make all 64 complete while nobody reaps.
                small.poll(new EventBuffer(1));
                for (Loopback p : pairs) {
                    Loopback.sendAll(p.client, "data".getBytes());
                }
                for (long id : ids) {
                    Completion c = await(small, id);
                    assertThat(c.data()).isEqualTo(4);
                }
                assertThat(small.stats().aioEnded()).isEqualTo(64);
            } finally {
                pairs.forEach(Loopback::close);
            }
        }
    }
}
