package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link GetEventsTest}'s rules with every waiting thread virtual. */
@ExtendWith(OnVirtualThreads.class)
class GetEventsOnVirtualThreadsTest extends GetEventsTest {
    /** Guards the others: without it, every test here could pass on platform threads. */
    @Test
    void theTestBodiesRunOnVirtualThreadsAndStartVirtualThreads() throws Exception {
        assertThat(Thread.currentThread().isVirtual()).isTrue();
        assertThat(TestQueues.async(() -> Thread.currentThread().isVirtual()).get()).isTrue();
    }
}
