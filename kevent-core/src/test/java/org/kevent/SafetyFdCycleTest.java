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
                    TcpSocket s = null;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (s == null && System.nanoTime() < deadline) {
                        s = l.accept();
                    }
                    assertThat(s).as("accepted within 10 s").isNotNull();
                    try (TcpSocket server = s) {
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
        };

        abstract void cycle(Path dir, KeventQueue shared) throws Exception;
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
