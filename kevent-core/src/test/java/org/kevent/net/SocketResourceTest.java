package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.internal.sys.Fd;

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
     * The process runs out of descriptors: the soft RLIMIT_NOFILE is lowered to what is open now
     * (with {@code prlimit} on this JVM) and the holes below it filled with pipes, then restored.
     */
    @Test
    void acceptWhenOutOfDescriptorsIsEmfileAndTheConnectionWaits() throws Exception {
        String[] limits = run("prlimit", "--pid", pid(), "--nofile", "--raw", "--noheadings", "-o", "SOFT,HARD");
        assumeTrue(limits != null, "prlimit is not available");
        String[] softHard = limits[0].trim().split("\\s+");
        String soft = softHard[0];
        String hard = softHard[1];
        try (Loopback pair = Loopback.open(); KeventQueue queue = KeventQueue.open()) {
            queue.add(Ukevent.socket(pair.listener, Kevent.SOCKET_ACCEPT));
            TcpSocket pending = TcpSocket.connect(pair.listener.localAddress());
            EventBuffer out = new EventBuffer(4);
            assertThat(queue.getEvents(1, 4, 10, TimeUnit.SECONDS, out)).isEqualTo(1);
            List<Integer> fillers = new ArrayList<>();
            long highest = highestFd();
            assertThat(run("prlimit", "--pid", pid(), "--nofile=" + (highest + 1) + ":" + hard)).isNotNull();
            KeventException failure;
            try {
                int[] pipe = new int[2];
                for (int k = 0; k < 10_000 && Fd.pipe(pipe) == 0; k++) {
                    fillers.add(pipe[0]);
                    fillers.add(pipe[1]);
                }
                failure = catchAccept(pair.listener);
            } finally {
                for (int fd : fillers) {
                    Fd.close(fd);
                }
                run("prlimit", "--pid", pid(), "--nofile=" + soft + ":" + hard);
            }
            assertThat(failure).isNotNull();
            assertThat(failure.call()).isEqualTo("accept4");
            assertThat(failure.errorName()).isEqualTo("EMFILE");
            assertThat(queue.poll(out)).as("level ACCEPT: the connection is still pending").isEqualTo(1);
            TcpSocket accepted = Loopback.acceptWithin(pair.listener);
            Loopback.sendAll(pending, new byte[] {5});
            assertThat(Loopback.readExactly(accepted, 1)).containsExactly(5);
            accepted.close();
            pending.close();
        }
    }

    private static KeventException catchAccept(TcpListener l) {
        try {
            TcpSocket s = l.accept();
            if (s != null) {
                s.close();
            }
            return null;
        } catch (KeventException e) {
            return e;
        }
    }

    private static long highestFd() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.mapToLong(p -> Long.parseLong(p.getFileName().toString())).max().orElseThrow();
        }
    }

    private static String pid() {
        return Long.toString(ProcessHandle.current().pid());
    }

    /** Runs a command; null if it cannot run or fails. */
    private static String[] run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return text.lines().toArray(String[]::new);
        } catch (IOException | InterruptedException e) {
            return null;
        }
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
