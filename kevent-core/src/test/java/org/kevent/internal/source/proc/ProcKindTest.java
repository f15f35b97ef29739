package org.kevent.internal.source.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.sys.Errno;

/** The errors of a failed {@code pidfd_open} that this kernel cannot produce on demand. */
class ProcKindTest {

    @Test
    void aKernelWithoutPidfdIsEopnotsuppNamingTheVersionNeeded() {
        CtlError e = ProcKind.openError(Errno.ENOSYS, 42);
        assertThat(e.errorName()).isEqualTo("EOPNOTSUPP");
        assertThat(e.message()).contains("pidfd_open").contains("Linux 5.3");
    }

    @Test
    void runningOutOfDescriptorsNamesTheErrnoAndTheCall() {
        CtlError e = ProcKind.openError(Errno.EMFILE, 42);
        assertThat(e.errorName()).isEqualTo("EMFILE");
        assertThat(e.message()).contains("pidfd_open for pid 42");
    }
}
