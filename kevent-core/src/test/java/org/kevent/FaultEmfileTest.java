package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.testing.ChildJvm;

/**
 * Fault: the process runs out of descriptors (RLIMIT_NOFILE lowered by {@code prlimit} for a child
 * JVM only, see {@link FaultEmfileProbe}). Each call that needs a descriptor fails with EMFILE as
 * an exception or a per-record result, never a crash; a queue opened before keeps delivering; all
 * of them work again once descriptors are free.
 */
@EnabledOnOs(OS.LINUX)
class FaultEmfileTest {

    @Test
    void outOfDescriptorsIsEmfileForEachResourceAndRecoveredFromOnceFreed() throws Exception {
        assumeTrue(run("prlimit", "--version") != null, "prlimit is not available");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String[] lines = run("prlimit", "--nofile=256:256", java, "--enable-native-access=ALL-UNNAMED",
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), FaultEmfileProbe.class.getName());
        assertThat(lines).as("the probe JVM ran and exited 0").isNotNull();
        assertThat(lines).containsSubsequence(
                "full: open EMFILE", "full: connect EMFILE", "full: file EMFILE", "full: inode EMFILE",
                "queue delivers 1",
                "freed: open ok", "freed: connect ok", "freed: file ok", "freed: inode ok");
    }

    private static String[] run(String... command) {
        return ChildJvm.run(command);
    }
}
