package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** What {@code pidfd_open} answers on this kernel, for the values PROC interests pass it. */
@EnabledOnOs(OS.LINUX)
class PidfdTest {

    /** Highest pid_max any kernel allows on 64-bit (linux/threads.h). */
    static final long PID_MAX_LIMIT = 4L * 1024 * 1024;

    private final Fds fds = new Fds();

    @AfterEach
    void closeAll() {
        fds.close();
    }

    @Test
    void aLiveChildsDescriptorBecomesReadableWhenItExitsAndTheJdkStillReapsIt() throws Exception {
        Process child = new ProcessBuilder("/bin/sh", "-c", "read line; exit 3").start();
        int fd = fds.track(Pidfd.open(child.pid()));
        assertThat(Fd.poll(fd, Fd.POLLIN, 0)).as("alive: not readable").isZero();
        child.getOutputStream().close();
        assertThat(Fd.poll(fd, Fd.POLLIN, -1) & Fd.POLLIN).isEqualTo(Fd.POLLIN);
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(3);
    }

    /**
     * {@code kernel.pid_max} cannot name a free pid here: it is per pid namespace since Linux 6.14
     * and the test JVM may run in one whose value is below its own pids. No pid_max may exceed
     * {@code PID_MAX_LIMIT} (4 Mi on 64-bit, linux/threads.h), so the pids above it never exist.
     */
    @Test
    void aPidAbovePidMaxLimitIsNoSuchProcess() {
        assertThat(Pidfd.open(PID_MAX_LIMIT + 1)).isEqualTo(-Errno.ESRCH);
        assertThat(Pidfd.open(Integer.MAX_VALUE)).isEqualTo(-Errno.ESRCH);
    }

    @Test
    void aPidThatIsNotAPositivePidTIsInvalidNeverTruncated() {
        assertThat(Pidfd.open(0)).isEqualTo(-Errno.EINVAL);
        assertThat(Pidfd.open(-1)).isEqualTo(-Errno.EINVAL);
        // 2^32 + 1 would be pid 1 once truncated to a pid_t.
        assertThat(Pidfd.open((1L << 32) + 1)).isEqualTo(-Errno.EINVAL);
        assertThat(Pidfd.open(Long.MIN_VALUE)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void theDescriptorIsCloseOnExec() throws Exception {
        int fd = fds.track(Pidfd.open(ProcessHandle.current().pid()));
        String fdinfo = Files.readString(Path.of("/proc/self/fdinfo/" + fd));
        long flags = Long.parseLong(fdinfo.lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow()
                .substring("flags:".length()).strip(), 8);
        assertThat(flags & Fd.O_CLOEXEC).isEqualTo(Fd.O_CLOEXEC);
    }
}
