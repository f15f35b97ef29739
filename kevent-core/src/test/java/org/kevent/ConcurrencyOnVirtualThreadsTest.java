package org.kevent;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ConcurrencyTest}'s rules with every waiting thread virtual. */
@ExtendWith(OnVirtualThreads.class)
class ConcurrencyOnVirtualThreadsTest extends ConcurrencyTest {
}
