package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ProcTest}'s rules with the waiting threads virtual: they park, the pidfd still wakes them. */
@ExtendWith(OnVirtualThreads.class)
class ProcOnVirtualThreadsTest extends ProcTest {
    /** Guards the others: without it, every test here could pass on platform threads. */
    @Test
    void theTestBodiesRunOnVirtualThreads() {
        assertThat(Thread.currentThread().isVirtual()).isTrue();
    }
}
