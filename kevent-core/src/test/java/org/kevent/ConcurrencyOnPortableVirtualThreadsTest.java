package org.kevent;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ConcurrencyOnPortableTest}'s rules with every waiting thread virtual. */
@ExtendWith(OnVirtualThreads.class)
class ConcurrencyOnPortableVirtualThreadsTest extends ConcurrencyOnPortableTest {
}
