package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/** Descriptors: none leaks, and running out of them is an error that leaves the listener usable. */
@EnabledOnOs(OS.LINUX)
class SocketResourceTest {

    private static long openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void twoThousandOpenCloseCyclesLeakNoDescriptor() {
        EventBuffer out = new EventBuffer(8);
        try (KeventQueue queue = KeventQueue.open()) {
            try (Loopback warm = Loopback.open()) {
                queue.add(Ukevent.socket(warm.server, Kevent.SOCKET_RECV));
            }
            queue.poll(out);
            long before = openFds();
            try (TcpListener l = TcpListener.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 64, false)) {
                for (int k = 0; k < 2000; k++) {
                    TcpSocket c = TcpSocket.connect(l.localAddress());
                    TcpSocket s = Loopback.acceptWithin(l);
                    queue.add(Ukevent.socket(s, Kevent.SOCKET_RECV).withFlags(k % 2 == 0 ? Kevent.REQ_ET : 0));
                    queue.add(Ukevent.socket(c, Kevent.SOCKET_CONNECT | Kevent.SOCKET_SEND));
                    queue.poll(out);
                    c.close();
                    s.close();
                    queue.poll(out);
                }
            }
            queue.poll(out);
            assertThat(queue.stats().registered()).isZero();
            assertThat(openFds()).isLessThanOrEqualTo(before);
        }
    }

    /**
     * The process runs out of descriptors: a child JVM started by {@code prlimit} with a low
     * {@code RLIMIT_NOFILE} fills its fd table and accepts ({@link EmfileProbe}).
     */
    @Test
    void acceptWhenOutOfDescriptorsIsEmfileAndTheConnectionWaits() throws Exception {
        assumeTrue(run("prlimit", "--version") != null, "prlimit is not available");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String[] lines = run("prlimit", "--nofile=256:256", java, "--enable-native-access=ALL-UNNAMED",
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), EmfileProbe.class.getName());
        assertThat(lines).as("the probe JVM ran and exited 0").isNotNull();
        assertThat(lines).containsSubsequence("events 1", "failed accept4 EMFILE",
                "still ready 1", "echo 5");
    }

    private static String[] run(String... command) {
        return org.kevent.testing.ChildJvm.run(command);
    }

    @Test
    void closingAQueueFirstLeavesTheSocketUsableAndItsCloseQuiet() {
        EventBuffer out = new EventBuffer(4);
        try (Loopback pair = Loopback.open()) {
            KeventQueue queue = KeventQueue.open();
            queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV));
            queue.close();
            Loopback.sendAll(pair.client, new byte[] {1});
            assertThat(Loopback.readExactly(pair.server, 1)).containsExactly(1);
            pair.server.close();
            assertThatThrownBy(() -> queue.poll(out)).isInstanceOf(org.kevent.QueueClosedException.class);
        }
    }
}
