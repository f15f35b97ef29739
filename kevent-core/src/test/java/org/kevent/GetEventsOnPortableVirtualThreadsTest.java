package org.kevent;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link GetEventsOnPortableTest}'s rules with every waiting thread virtual. */
@ExtendWith(OnVirtualThreads.class)
class GetEventsOnPortableVirtualThreadsTest extends GetEventsOnPortableTest {
}
