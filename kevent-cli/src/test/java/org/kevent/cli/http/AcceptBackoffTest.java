package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EMFILE on accept, for real: the test lowers this JVM's own RLIMIT_NOFILE (with prlimit) to the
 * lowest free descriptor number, so the server's accept4 fails while connections wait in the
 * backlog. It then checks the server still answers its existing connection, paused rather than
 * spun, and accepts the waiting connections once descriptors are available again.
 */
class AcceptBackoffTest {
    private static final String GET_PLAIN = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    @TempDir
    Path dir;

    @Test
    void outOfDescriptorsTheServerBacksOffAndKeepsServingExistingConnections() throws Exception {
        assumeTrue(Files.isExecutable(PRLIMIT), "needs prlimit(1)");
        long[] original = limits();
        try (EvServer server = EvServer.start(new InetSocketAddress("127.0.0.1", 0), 1, null);
             SocketChannel existing = SocketChannel.open(server.localAddress())) {
            assertThat(exchange(existing)).contains("Hello, World!");
            List<FileChannel> reserve = new ArrayList<>();
            List<SocketChannel> waiting = new ArrayList<>();
            try {
                Path f = Files.createFile(dir.resolve("reserve"));
                for (int i = 0; i < 24; i++) {
                    reserve.add(FileChannel.open(f, StandardOpenOption.READ));
                }
                for (int i = 0; i < 3; i++) {
                    waiting.add(SocketChannel.open());   // the descriptor now, the connection later
                }
                setSoftLimit(lowestFreeDescriptor(), original[1]);
                for (SocketChannel c : waiting) {
                    c.connect(server.localAddress());    // completes in the backlog; accept4 gets EMFILE
                }
                Thread.sleep(500);

                assertThat(exchange(existing)).as("existing connections are still served").contains("Hello, World!");
                long backoffs = server.acceptBackoffs();
                assertThat(backoffs).as("paused on EMFILE").isPositive();
                assertThat(backoffs).as("paused, did not spin").isLessThan(50);
            } finally {
                for (FileChannel c : reserve) {
                    c.close();
                }
                setSoftLimit(original[0], original[1]);
            }
            for (SocketChannel c : waiting) {
                assertThat(exchange(c)).as("accepted once descriptors are back").contains("Hello, World!");
                c.close();
            }
        } finally {
            setSoftLimit(original[0], original[1]);
        }
    }

    private static String exchange(SocketChannel c) throws IOException {
        c.write(ByteBuffer.wrap(GET_PLAIN.getBytes(ISO_8859_1)));
        ByteBuffer b = ByteBuffer.allocate(4096);
        StringBuilder got = new StringBuilder();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!got.toString().endsWith("Hello, World!") && System.nanoTime() < deadline) {
            b.clear();
            if (c.read(b) < 0) {
                break;
            }
            got.append(new String(b.array(), 0, b.position(), ISO_8859_1));
        }
        return got.toString();
    }

    private static long[] limits() throws IOException, InterruptedException {
        String out = run(PRLIMIT.toString(), "--pid", pid(), "--nofile", "--raw", "--noheadings", "--output", "SOFT,HARD");
        String[] parts = out.trim().split("\\s+");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    private static void setSoftLimit(long soft, long hard) throws IOException, InterruptedException {
        run(PRLIMIT.toString(), "--pid", pid(), "--nofile=" + soft + ":" + hard);
    }

    private static String pid() {
        return String.valueOf(ProcessHandle.current().pid());
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), ISO_8859_1);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /** The number the next open would get: every lower one is in use (the listing's own fd excluded). */
    private static int lowestFreeDescriptor() throws IOException {
        Path self = Path.of("/proc/self/fd");
        Set<Integer> used = new HashSet<>();
        try (Stream<Path> fds = Files.list(self)) {
            for (Path p : fds.toList()) {
                try {
                    if (!Files.readSymbolicLink(p).toString().startsWith("/proc/")) {
                        used.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // The listing's own descriptor, already closed.
                }
            }
        }
        int n = 0;
        while (used.contains(n)) {
            n++;
        }
        return n;
    }
}
