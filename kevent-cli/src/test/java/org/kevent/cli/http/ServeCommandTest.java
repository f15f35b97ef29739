package org.kevent.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.cli.Main;

/** {@code kevent serve}'s failures before it serves: usage errors exit 2, start failures exit 1 with a message. */
class ServeCommandTest {
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void zeroThreadsIsAUsageError() {
        Run r = run("serve", "--threads", "0");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--threads must be at least 1, got 0");
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        assertThat(run("serve", "--port", "70000").status()).isEqualTo(2);
    }

    @Test
    void aMissingRootFailsWithAMessage(@TempDir Path dir) {
        Run r = run("serve", "--port", "0", "--root", dir.resolve("nope").toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("kevent serve: ").contains("nope");
    }

    @Test
    void aPortInUseFailsWithTheErrno() throws Exception {
        // A plain socket without SO_REUSEPORT: our listener cannot share its port.
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Run r = run("serve", "--port", String.valueOf(plain.getLocalPort()));

            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).startsWith("kevent serve: ").contains("EADDRINUSE");
        }
    }

    @Test
    void helpNamesEveryOption() {
        Run r = run("serve", "--help");

        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("--port", "--threads", "--root", "--host", "--aio", "--request-timeout",
                "--idle-timeout", "--max-connections");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0ms", "10", "-1s", "s", "1h", "1e3s", "99999999999999m", ""})
    void aTimeWithoutAUnitZeroOrTooLargeIsAUsageError(String time) {
        Run r = run("serve", "--port", "0", "--idle-timeout", time);

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--idle-timeout");
    }

    @Test
    void zeroMaxConnectionsIsAUsageError() {
        Run r = run("serve", "--port", "0", "--max-connections", "0");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--max-connections must be at least 1, got 0");
    }

    @Test
    void theDefaultConnectionCapLeavesRoomBelowTheDescriptorLimitAndMoreWithFiles() {
        int plain = org.kevent.cli.http.EvServer.Limits.defaultMaxConnections(false);
        int files = org.kevent.cli.http.EvServer.Limits.defaultMaxConnections(true);

        assertThat(files).isPositive().isLessThanOrEqualTo(plain / 2);
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            assertThat((long) plain).isLessThanOrEqualTo(unix.getMaxFileDescriptorCount() - 64);
        }
    }
}
