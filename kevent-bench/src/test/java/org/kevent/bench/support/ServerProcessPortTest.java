package org.kevent.bench.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * A server's port is picked by the runner and bound by the server a moment later: a port from the
 * kernel's ephemeral range can be taken meanwhile by any outgoing connection on the machine (a
 * load generator's), and the server then dies with EADDRINUSE.
 */
class ServerProcessPortTest {
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    @Test
    void aFreePortIsBelowTheEphemeralRangeSoNoOutgoingConnectionCanTakeIt() throws IOException {
        // Not Files.readString: on a sysctl file (size 0) JDK 25 returned "3" here.
        int[] range = ServerProcess.ephemeralRange(String.join("\n", Files.readAllLines(RANGE)));
        assertThat(range).as("this machine's range").isNotNull();
        for (int k = 0; k < 20; k++) {
            int port = ServerProcess.freePort();
            assertThat(port).isBetween(1024, range[0] - 1);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress("127.0.0.1", port));   // and free
            }
        }
    }

    @Test
    void theRangeIsReadAsTheKernelWritesItAndAnythingElseIsUnknown() {
        assertThat(ServerProcess.ephemeralRange("32768\t60999\n")).containsExactly(32768, 60999);
        assertThat(ServerProcess.ephemeralRange("  10000 20000 ")).containsExactly(10000, 20000);
        assertThat(ServerProcess.ephemeralRange("")).isNull();
        assertThat(ServerProcess.ephemeralRange("32768")).isNull();
        assertThat(ServerProcess.ephemeralRange("a b")).isNull();
        assertThat(ServerProcess.ephemeralRange("60999 32768")).isNull();
        assertThat(ServerProcess.ephemeralRange("0 60999")).isNull();
        assertThat(ServerProcess.ephemeralRange("32768 70000")).isNull();
    }

    @Test
    void withNoRoomBelowTheRangeAPortFromTheKernelIsTheFallback() throws IOException {
        // A range from 1024 leaves no port below it that is not privileged.
        int port = ServerProcess.freePort(new int[] {1024, 65535});
        assertThat(port).isBetween(1024, 65535);
        assertThat(ServerProcess.freePort(null)).isBetween(1, 65535);
    }
}
