package org.kevent;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * {@link ProcTest}'s rules on the portable engine (docs/SEMANTICS.md §10), where the exit comes
 * from the JDK's {@code onExit()} completion instead of a pidfd.
 */
class ProcOnPortableTest extends ProcTest implements OnPortableEngine {
    private static final String NO_PIDFD = "portable engine: no pidfd is opened, so none is counted or closed"
            + " (the JDK's own descriptors are its matter)";

    @Test
    @Disabled(NO_PIDFD)
    @Override
    void removeBeforeTheExitClosesTheDescriptorAndNothingIsDelivered() {
    }

    @Test
    @Disabled(NO_PIDFD)
    @Override
    void theDeliveryAndTheQueuesCloseEachCloseTheDescriptor() {
    }

    @Test
    @Disabled(NO_PIDFD)
    @Override
    void aFailedAddLeavesNoDescriptorBehind() {
    }

    /** The suite's own queue, opened before each test, runs on the portable engine too. */
    @Test
    void theSuitesQueueRunsOnThePortableEngine() {
        org.assertj.core.api.Assertions.assertThat(queue.engine()).isEqualTo(QueueEngine.PORTABLE);
    }

    /** What the disabled cases pin besides descriptors: a removed watch delivers nothing. */
    @Test
    void aWatchRemovedBeforeTheExitDeliversNothing() throws Exception {
        Process child = waitingChild(0);
        queue.add(Ukevent.process(child));
        queue.remove(EventType.PROC, child.pid());
        release(child);
        org.assertj.core.api.Assertions.assertThat(child.waitFor()).isZero();
        child.onExit().get();
        org.assertj.core.api.Assertions.assertThat(
                queue.getEvents(0, 8, 0, java.util.concurrent.TimeUnit.SECONDS, events)).isZero();
    }
}
