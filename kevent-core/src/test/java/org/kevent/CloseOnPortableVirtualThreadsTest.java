package org.kevent;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link CloseOnPortableTest}'s rules with every waiting thread virtual. */
@ExtendWith(OnVirtualThreads.class)
class CloseOnPortableVirtualThreadsTest extends CloseOnPortableTest {
}
