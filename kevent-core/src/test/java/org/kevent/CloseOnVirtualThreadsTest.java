package org.kevent;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link CloseTest}'s rules with every waiting thread virtual. */
@ExtendWith(OnVirtualThreads.class)
class CloseOnVirtualThreadsTest extends CloseTest {
}
