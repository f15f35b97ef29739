package org.kevent;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link RingTest}'s rules with every waiting thread virtual. */
@ExtendWith(OnVirtualThreads.class)
class RingOnVirtualThreadsTest extends RingTest {
}
