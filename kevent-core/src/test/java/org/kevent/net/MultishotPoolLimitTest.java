package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kevent.testing.ChildJvm;

/** A receive pool the JVM cannot allocate: the multishot call fails, nothing is left behind. */
class MultishotPoolLimitTest {
    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "readiness"})
    void aPoolBeyondTheDirectMemoryLimitFailsTheCallAndLeavesTheQueueUsable(String engine) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String[] lines = ChildJvm.run(java, "--enable-native-access=ALL-UNNAMED", "-Xmx64m",
                "-XX:MaxDirectMemorySize=8m", "-cp", System.getProperty("java.class.path"),
                PoolTooBigProbe.class.getName(), engine);
        assertThat(lines).as("the probe JVM ran and exited 0").isNotNull();
        assertThat(lines).containsSubsequence("refused: OutOfMemoryError", "started 0 registered 0",
                "then aioRecv 4");
    }
}
