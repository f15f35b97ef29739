package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * EMFILE on accept, for real, in a child JVM under {@code prlimit} ({@link EmfileServerProbe}):
 * the server keeps answering its existing connection, pauses accepting instead of spinning on the
 * level-triggered ACCEPT interest, and accepts the connections that waited once descriptors are back.
 */
class AcceptBackoffTest {
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    @Test
    void outOfDescriptorsTheServerBacksOffAndKeepsServingExistingConnections() throws Exception {
        assumeTrue(Files.isExecutable(PRLIMIT), "needs prlimit(1)");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(PRLIMIT.toString(), "--nofile=256:256", java, "--enable-native-access=ALL-UNNAMED",
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), EmfileServerProbe.class.getName())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), ISO_8859_1);
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        List<String> lines = Arrays.asList(out.split("\n"));

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(lines).as(out).contains("warm ok", "existing ok", "waiting answered 3");
        assertThat(lines).as(out).anyMatch(l -> l.matches("filled [1-9]\\d*"));
        long backoffs = Long.parseLong(lines.stream().filter(l -> l.startsWith("backoffs ")).findFirst()
                .orElseThrow(() -> new AssertionError(out)).substring(9).trim());
        assertThat(backoffs).as("paused on EMFILE").isPositive();
        // One pause per 100 ms over about half a second; a spin on the ready listener makes thousands.
        assertThat(backoffs).as("paused, did not spin").isLessThan(50);
    }
}
