package org.kevent;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link RingOnPortableTest}'s rules with every waiting thread virtual. */
@ExtendWith(OnVirtualThreads.class)
class RingOnPortableVirtualThreadsTest extends RingOnPortableTest {
}
