package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.internal.linux.SocketWaits;
import org.kevent.internal.source.socket.Deadlines;
import org.kevent.net.Blocked.Kind;
import org.kevent.internal.access.NetSecrets;
import org.kevent.internal.source.socket.SocketState;

/**
 * How virtual threads' blocking calls use the shared watcher (docs/SEMANTICS.md §9): one
 * edge-triggered registration per socket, none left after close, no edge lost between an attempt
 * and the park, and no descriptor or thread left behind by thousands of sockets.
 */
@EnabledOnOs(OS.LINUX)
class BlockingSocketWatchTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    /**
     * The window the edge-triggered design must close: the attempt saw EAGAIN, then the peer's
     * bytes arrive and the watcher takes the edge, all before the reader parks. Played step by
     * step on one virtual thread, so it is the same interleaving every run: the wait, without a
     * deadline, must see the edge in the readiness word and return. A park would never end: the
     * edge is gone, nothing else will unpark the thread, and {@link Blocked#get} gives up.
     */
    @Test
    void anEdgeBetweenTheAttemptAndThePark_endsTheWaitAtOnce() throws Exception {
        try (Loopback p = Loopback.open()) {
            registerInWatcher(p);
            SocketState state = NetSecrets.state(p.server);
            SocketWaits waits = (SocketWaits) state.blocking();
            Blocked<String> steps = Blocked.start(Kind.VIRTUAL, () -> {
                long deadline = SocketWaits.NO_DEADLINE;
                int fd = waits.begin(SocketWaits.READ, deadline, "recv");
                try {
                    byte[] buf = new byte[8];
                    if (p.server.recv(buf, 0, 8) != 0) {
                        return "attempt found bytes";
                    }
                    if ((state.readiness() & SocketState.RECV_SIDE) != 0) {
                        return "attempt did not mark the side drained";
                    }
                    p.client.send(new byte[] {1}, 0, 1);
                    long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while ((state.readiness() & SocketState.RECV_SIDE) == 0) {
                        if (System.nanoTime() > bound) {
                            return "the watcher never reported the edge";
                        }
                        Thread.onSpinWait();
                    }
                    waits.await(SocketWaits.READ, fd, deadline, "recv");
                    return "returned, then read " + p.server.recv(buf, 0, 8);
                } finally {
                    waits.end(SocketWaits.READ);
                }
            });
            assertThat(steps.get()).isEqualTo("returned, then read 1");
        }
    }

    /**
     * A blocking call woken by a close must not reach a descriptor number that a new socket got
     * meanwhile: the kernel close waits for the last call to leave. Played on one thread: a use
     * is held, the socket closed, and the number is still open until the use ends.
     */
    @Test
    void theKernelCloseWaitsForTheLastBlockingCallToLeave() throws Exception {
        try (Loopback p = Loopback.open()) {
            SocketWaits waits = (SocketWaits) NetSecrets.state(p.server).blocking();
            int fd = waits.begin(SocketWaits.READ, Deadlines.of(LONG), "recv");
            Path entry = Path.of("/proc/self/fd/" + fd);
            try {
                p.server.close();
                assertThat(p.server.isOpen()).isFalse();
                assertThat(Files.exists(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .as("fd %d still open while a call holds it", fd).isTrue();
                assertThat(Files.readSymbolicLink(entry).toString()).startsWith("socket:");
            } finally {
                waits.end(SocketWaits.READ);
            }
            assertThat(Files.exists(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .as("fd %d released by the last call's end", fd).isFalse();
        }
    }

    @Test
    void aSocketIsRegisteredOnceForAllItsWaitsAndLeavesTheWatcherAtClose() throws Exception {
        int watchedBefore = SocketWaits.watchedSockets();
        long registrationsBefore = SocketWaits.socketRegistrations();
        try (Loopback p = Loopback.open()) {
            for (int k = 0; k < 100; k++) {
                Blocked<Integer> read = Blocked.start(Kind.VIRTUAL, () -> p.server.read(new byte[4], 0, 4, LONG))
                        .awaitWaiting();
                p.client.send(new byte[] {(byte) k}, 0, 1);
                assertThat(read.get()).isEqualTo(1);
            }
            assertThat(SocketWaits.socketRegistrations() - registrationsBefore).as("registrations for 100 waits")
                    .isEqualTo(1);
            assertThat(SocketWaits.watchedSockets()).isEqualTo(watchedBefore + 1);
        }
        assertThat(SocketWaits.watchedSockets()).isEqualTo(watchedBefore);
    }

    @Test
    void aThousandVirtualReadersEachWokenByItsPeer() throws Exception {
        int n = 1000;
        List<Loopback> pairs = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        AtomicInteger got = new AtomicInteger();
        try {
            for (int k = 0; k < n; k++) {
                pairs.add(Loopback.open());
            }
            for (Loopback p : pairs) {
                readers.add(Thread.ofVirtual().start(() -> {
                    try {
                        byte[] b = new byte[4];
                        p.server.readFully(b, 0, 4, LONG);
                        if (b[0] == 'p' && b[3] == 'g') {
                            got.incrementAndGet();
                        }
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Thread r : readers) {
                // Each reader is parked before its peer writes: every wake-up comes from the watcher.
                long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!Blocked.waitingInTheLibrary(r) && r.isAlive()) {
                    assertThat(System.nanoTime()).as("reader parked within 10 s").isLessThan(bound);
                    Thread.yield();
                }
            }
            for (Loopback p : pairs) {
                Loopback.sendAll(p.client, "ping".getBytes());
            }
            for (Thread r : readers) {
                r.join(TimeUnit.SECONDS.toMillis(10));
                assertThat(r.isAlive()).as("a reader still blocked").isFalse();
            }
            assertThat(got.get()).isEqualTo(n);
        } finally {
            pairs.forEach(Loopback::close);
        }
    }

    @Test
    void twoThousandSocketsUsedBlockinglyLeaveNoDescriptorNoThreadNoRegistration() throws Exception {
        // Warm up: the watcher thread and its epoll exist from here on, and every class is loaded.
        cycle(Kind.VIRTUAL);
        cycle(Kind.PLATFORM);
        long fds = openFds();
        long threads = liveThreads();
        int watched = SocketWaits.watchedSockets();
        for (int k = 0; k < 2000; k++) {
            cycle(k % 2 == 0 ? Kind.VIRTUAL : Kind.PLATFORM);
        }
        assertThat(SocketWaits.watchedSockets()).isEqualTo(watched);
        assertThat(openFds()).isLessThanOrEqualTo(fds);
        assertThat(liveThreads()).isLessThanOrEqualTo(threads);
    }

    /** One pair, each side waiting once (reads and writes), then a close from another thread. */
    private static void cycle(Kind kind) throws Exception {
        try (Loopback p = Loopback.open()) {
            Blocked<Integer> read = Blocked.start(kind, () -> p.server.read(new byte[4], 0, 4, LONG)).awaitWaiting();
            p.client.writeAll("pong".getBytes(), 0, 4, LONG);
            assertThat(read.get()).isPositive();
            Blocked<Integer> blocked = Blocked.start(kind, () -> p.client.read(new byte[4], 0, 4, LONG)).awaitWaiting();
            p.client.close();
            assertThat(blocked.failure()).isInstanceOf(java.nio.channels.AsynchronousCloseException.class);
            blocked.thread.join();
            read.thread.join();
        }
    }

    /** Makes the server side's first virtual wait happen, so the socket is in the watcher. */
    private static void registerInWatcher(Loopback p) throws Exception {
        Blocked<Integer> read = Blocked.start(Kind.VIRTUAL, () -> p.server.read(new byte[1], 0, 1, LONG)).awaitWaiting();
        p.client.send(new byte[] {0}, 0, 1);
        assertThat(read.get()).isEqualTo(1);
    }

    /** Live platform threads but the virtual threads' carriers, which the JDK starts and retires as it likes. */
    private static long liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !(t instanceof java.util.concurrent.ForkJoinWorkerThread))
                .count();
    }

    private static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
