package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kevent.net.NativeFile;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * 2000 open/use/close cycles of each resource leave the process with exactly the descriptors it
 * had (counted in /proc/self/fd after one warm-up cycle, which may open lasting ones such as the
 * JDK's own).
 */
@EnabledOnOs(OS.LINUX)
class SafetyFdCycleTest {
    private static final int CYCLES = 2000;

    @TempDir
    Path dir;

    /** One resource's cycle. */
    enum Resource {
        QUEUE {
            @Override
            void cycle(Path dir, KeventQueue shared) {
                KeventQueue.open().close();
            }
        },
        QUEUE_WITH_READINESS_FD {
            @Override
            void cycle(Path dir, KeventQueue shared) {
                try (KeventQueue q = KeventQueue.open()) {
                    q.readinessFd();
                    q.add(Ukevent.user(1));
                    q.trigger(1);
                }
            }
        },
        RING {
            @Override
            void cycle(Path dir, KeventQueue shared) {
                try (KeventQueue q = KeventQueue.open()) {
                    EventRing ring = q.openRing(8);
                    q.add(Ukevent.user(1));
                    q.trigger(1);
                    ring.commit(ring.await(1, 1, TimeUnit.SECONDS));
                }
            }
        },
        INODE_INTEREST {
            @Override
            void cycle(Path dir, KeventQueue shared) {
                // On a queue that lives on: each queue's inotify instance costs the kernel a
                // grace period to tear down (~10 ms), and the queue cycle is QUEUE's job.
                shared.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE));
                shared.add(Ukevent.inode(2, dir.resolve("sub"), Kevent.INODE_ALL).withRecursive(true));
                shared.remove(EventType.INODE, 1);
                shared.remove(EventType.INODE, 2);
            }
        },
        TIMER {
            @Override
            void cycle(Path dir, KeventQueue shared) {
                try (KeventQueue q = KeventQueue.open()) {
                    q.add(Ukevent.timerNanos(1, 0));
                    q.add(Ukevent.timerNanos(2, 1_000_000_000L).withPeriodNanos(1_000));
                    q.poll(new EventBuffer(4));
                }
            }
        },
        LISTENER {
            @Override
            void cycle(Path dir, KeventQueue shared) {
                try (KeventQueue q = KeventQueue.open();
                     TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false)) {
                    q.add(Ukevent.socket(l, Kevent.SOCKET_ACCEPT));
                }
            }
        },
        SOCKET_PAIR {
            @Override
            void cycle(Path dir, KeventQueue shared) {
                try (KeventQueue q = KeventQueue.open();
                     TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
                     TcpSocket c = TcpSocket.connect(l.localAddress())) {
                    try (TcpSocket server = acceptWithin(l)) {
                        q.add(Ukevent.socket(server, Kevent.SOCKET_RECV));
                        q.add(Ukevent.socket(c, Kevent.SOCKET_SEND | Kevent.SOCKET_CONNECT));
                        q.poll(new EventBuffer(4));
                    }
                }
            }
        },
        NATIVE_FILE {
            @Override
            void cycle(Path dir, KeventQueue shared) {
                try (NativeFile f = NativeFile.open(dir.resolve("file"))) {
                    f.size();
                }
            }
        },
        /** A queue whose io_uring (ring fd, mmaps) carries a send, a receive and a sendfile. */
        AIO_IO_URING {
            @Override
            void cycle(Path dir, KeventQueue shared) throws Exception {
                aioCycle(dir, "io_uring", false);
            }
        },
        /** The same on a single-issuer queue: ring, registered eventfd. */
        AIO_IO_URING_SINGLE_ISSUER {
            @Override
            void cycle(Path dir, KeventQueue shared) throws Exception {
                aioCycle(dir, "io_uring", true);
            }
        },
        /** The same on the readiness engine: the duplicated socket descriptors it watches. */
        AIO_READINESS {
            @Override
            void cycle(Path dir, KeventQueue shared) throws Exception {
                aioCycle(dir, "readiness", false);
            }
        };

        /** A send, a receive, a sendfile left pending at close, and a file closed under its request. */
        static void aioCycle(Path dir, String engine, boolean singleIssuer) throws Exception {
            try (KeventQueue q = NaioQueues.open(engine, 0, singleIssuer);
                 TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
                 TcpSocket c = TcpSocket.connect(l.localAddress())) {
                try (TcpSocket server = acceptWithin(l); NativeFile f = NativeFile.open(dir.resolve("file"))) {
                    q.aioRecv(server, java.nio.ByteBuffer.allocateDirect(4));
                    q.aioSend(c, java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
                    q.aioSendfile(c, f, 0, 4);
                    q.aioRecv(c, java.nio.ByteBuffer.allocateDirect(4)); // still pending at close
                    EventBuffer events = new EventBuffer(8);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    int got = 0;
                    while (got < 3 && System.nanoTime() < deadline) {
                        got += q.getEvents(1, 8, 1, TimeUnit.SECONDS, events);
                    }
                    assertThat(got).as("completions within 10 s").isEqualTo(3);
                }
            }
        }

        abstract void cycle(Path dir, KeventQueue shared) throws Exception;

        static TcpSocket acceptWithin(TcpListener l) {
            TcpSocket s = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (s == null && System.nanoTime() < deadline) {
                s = l.accept();
            }
            assertThat(s).as("accepted within 10 s").isNotNull();
            return s;
        }
    }

    @ParameterizedTest
    @EnumSource(Resource.class)
    void twoThousandCyclesLeaveTheDescriptorCountUnchanged(Resource resource) throws Exception {
        Files.writeString(dir.resolve("file"), "0123456789");
        Files.createDirectories(dir.resolve("sub/deeper"));
        try (KeventQueue shared = KeventQueue.open()) {
            resource.cycle(dir, shared);
            long before = TestQueues.openFds();
            for (int k = 0; k < CYCLES; k++) {
                resource.cycle(dir, shared);
            }
            assertThat(TestQueues.openFds()).as("descriptors after %d cycles of %s", CYCLES, resource).isEqualTo(before);
            assertThat(shared.stats().registered()).as("interests left on the shared queue").isZero();
        }
    }
}
