package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/** The io_uring binding on a real kernel: rings, opcodes, completions and their wake-ups. */
class IoUringTest {
    private final List<long[]> completions = new ArrayList<>();
    private final IoUring.CompletionSink sink = (u, r, f) -> completions.add(new long[] {u, r, f});
    private final int[] pair = new int[2];
    private TcpListener listener;
    private TcpSocket client;
    private TcpSocket server;

    @BeforeEach
    void connectedPair() {
        listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
        client = TcpSocket.connect(listener.localAddress());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((server = listener.accept()) == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        pair[0] = client.id();
        pair[1] = server.id();
    }

    @AfterEach
    void closePair() {
        client.close();
        server.close();
        listener.close();
    }

    @Test
    void nopCompletesWithItsUserData() {
        try (IoUring ring = IoUring.open(8, 16, 0)) {
            assertThat(ring.prepNop(42)).isTrue();
            assertThat(ring.pending()).isEqualTo(1);
            assertThat(ring.enter(true, 1)).isEqualTo(1);
            assertThat(ring.reap(sink)).isEqualTo(1);
            assertThat(completions.getFirst()).containsExactly(42, 0, 0);
            assertThat(ring.pending()).isZero();
        }
    }

    @Test
    void probeFindsTheOpcodesNetworkAioNeeds() {
        try (IoUring ring = IoUring.open(8, 16, 0)) {
            assertThat(ring.probe(IoUring.OP_SEND, IoUring.OP_RECV, IoUring.OP_ASYNC_CANCEL))
                    .isZero();
            assertThat(ring.probe(255)).isEqualTo(1255);
        }
    }

    @Test
    void sendAndRecvMoveBytesThroughDirectBuffers() {
        try (IoUring ring = IoUring.open(8, 16, 0)) {
            ByteBuffer out = ByteBuffer.allocateDirect(16).put("hello".getBytes()).flip();
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            assertThat(ring.prepRecv(pair[1], in, 2, 10, 0, 2)).isTrue();
            assertThat(ring.prepSend(pair[0], out, 0, 5, 0, 1)).isTrue();
            ring.enter(true, 2);
            while (completions.size() < 2) {
                ring.enter(true, 1);
                ring.reap(sink);
            }
            assertThat(completions).anySatisfy(c -> assertThat(c).containsExactly(1, 5, 0));
            assertThat(completions).anySatisfy(c -> assertThat(c[0]).isEqualTo(2));
            byte[] got = new byte[5];
            in.get(2, got);
            assertThat(new String(got)).isEqualTo("hello");
        }
    }

    @Test
    void aMultishotRecvFillsProvidedBuffersOneCompletionPerArrivalUntilTheRingRunsDry() {
        try (IoUring ring = IoUring.open(8, 16, 0)) {
            ByteBuffer slab = ByteBuffer.allocateDirect(2 * 64);
            IoUring.BufferRing buffers = ring.registerBufferRing(5, slab, 2, 64);
            assertThat(buffers).as("provided-buffer rings (Linux 5.19+)").isNotNull();
            buffers.provide(1);
            buffers.provide(0);
            buffers.publish();
            assertThat(ring.prepRecvMultishot(pair[1], 5, 9)).isTrue();
            ring.enter(false, 0);
            for (String word : new String[] {"one", "three", "lost?"}) {
                Sockets.send(pair[0], word.getBytes(), 0, word.length());
                int before = completions.size();
                while (completions.size() == before) {
                    ring.enter(true, 1);
                    ring.reap(sink);
                }
            }
            // Buffers in the order provided, each completion naming its buffer; the third
            // arrival finds the ring empty and ends the request with ENOBUFS, its bytes left in
            // the socket.
            assertThat(completions).hasSize(3);
            long[] a = completions.get(0);
            long[] b = completions.get(1);
            long[] c = completions.get(2);
            assertThat(a[0]).isEqualTo(9);
            assertThat(a[1]).isEqualTo(3);
            assertThat(a[2]).isEqualTo((1L << IoUringCqe.BUFFER_SHIFT) | IoUringCqe.F_BUFFER | IoUringCqe.F_MORE);
            assertThat(b[1]).isEqualTo(5);
            assertThat(b[2]).isEqualTo(IoUringCqe.F_BUFFER | IoUringCqe.F_MORE);
            assertThat(c[1]).isEqualTo(-Errno.ENOBUFS);
            assertThat(c[2] & IoUringCqe.F_MORE).as("the request ended").isZero();
            byte[] got = new byte[5];
            slab.get(64, got, 0, 3);
            assertThat(new String(got, 0, 3)).isEqualTo("one");
            slab.get(0, got, 0, 5);
            assertThat(new String(got)).isEqualTo("three");
            byte[] left = new byte[8];
            assertThat(Sockets.recv(pair[1], left, 0, 8)).isEqualTo(5);
            buffers.unregister();
            buffers.unregister();
        }
    }

    @Test
    void aBufferRingLargerThanItsSlabIsRefused() {
        try (IoUring ring = IoUring.open(8, 16, 0)) {
            assertThatThrownBy(() -> ring.registerBufferRing(0, ByteBuffer.allocateDirect(100), 2, 64))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ring.registerBufferRing(0, ByteBuffer.allocateDirect(300), 3, 64))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aRegionPastTheBufferIsRefusedBeforeTheKernelSeesIt() {
        try (IoUring ring = IoUring.open(8, 16, 0)) {
            ByteBuffer small = ByteBuffer.allocateDirect(4);
            assertThatThrownBy(() -> ring.prepRecv(pair[1], small, 2, 10, 0, 1))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> ring.prepRecv(pair[1], ByteBuffer.allocate(4), 0, 4, 0, 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(ring.pending()).isZero();
        }
    }

    @Test
    void aFullSubmissionRingRefusesMoreUntilSubmitted() {
        try (IoUring ring = IoUring.open(4, 8, 0)) {
            int n = 0;
            while (ring.prepNop(n)) {
                n++;
            }
            assertThat(n).isEqualTo(ring.sqEntries());
            assertThat(ring.enter(false, 0)).isEqualTo(n);
            assertThat(ring.prepNop(99)).isTrue();
        }
    }

    @Test
    void cancelEndsAPendingRecvWithEcanceled() {
        try (IoUring ring = IoUring.open(8, 16, 0)) {
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            ring.prepRecv(pair[1], in, 0, 16, 0, 7);
            ring.enter(false, 0);
            ring.prepCancel(7, 8);
            while (completions.size() < 2) {
                ring.enter(true, 1);
                ring.reap(sink);
            }
            assertThat(completions).anySatisfy(c -> assertThat(c).containsExactly(7, -Errno.ECANCELED, 0));
        }
    }

    /**
     * Without DEFER_TASKRUN the ring's own fd polls readable when a completion is posted (the
     * engine's flavours: none, and SINGLE_ISSUER | COOP_TASKRUN | TASKRUN_FLAG for a single-issuer
     * queue). With it, completion work waits for the issuer, and only a registered eventfd tells a
     * sleeping epoll (kernel 6.18: the ring fd stays silent) — late, after an RCU grace period,
     * which is why the engine does not use it (issue 12).
     */
    @Test
    void completionsOfEveryFlavourWakeAnEpollWaiter() throws Exception {
        int[] flavours = {0, IoUring.SETUP_COOP_TASKRUN | IoUring.SETUP_TASKRUN_FLAG,
            IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_COOP_TASKRUN | IoUring.SETUP_TASKRUN_FLAG,
            IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN};
        for (int flags : flavours) {
            try (IoUring ring = IoUring.open(8, 16, flags); EpollEventArray events = new EpollEventArray(4)) {
                int ep = Epoll.create();
                int efd = -1;
                try {
                    int watched = ring.fd();
                    if ((ring.setupFlags() & IoUring.SETUP_DEFER_TASKRUN) != 0) {
                        efd = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
                        assertThat(ring.registerEventFd(efd)).isZero();
                        watched = efd;
                    }
                    assertThat(Epoll.ctl(ep, Epoll.EPOLL_CTL_ADD, watched, Epoll.EPOLLIN, 5)).isZero();
                    ByteBuffer in = ByteBuffer.allocateDirect(16);
                    ring.prepRecv(pair[1], in, 0, 16, 0, 3);
                    ring.enter(false, 0);
                    Thread writer = Thread.ofPlatform().start(() -> {
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                        Sockets.send(pair[0], new byte[] {1, 2, 3}, 0, 3);
                    });
                    int n = 0;
                    long deadline = System.nanoTime() + 5_000_000_000L;
                    while (n <= 0 && System.nanoTime() < deadline) {
                        n = Epoll.wait(ep, events, 4, 5_000_000_000L);
                    }
                    writer.join();
                    assertThat(n).as("epoll woke for setup flags 0x%x", ring.setupFlags()).isEqualTo(1);
                    ring.enter(true, 0);
                    ring.reap(sink);
                    assertThat(completions.getLast()).containsExactly(3, 3, 0);
                } finally {
                    Fd.close(ep);
                    if (efd >= 0) {
                        Fd.close(efd);
                    }
                }
            }
        }
    }
}
