package org.kevent;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link WaitRulesOnPortableTest}'s rules with every waiting thread virtual. */
@ExtendWith(OnVirtualThreads.class)
class WaitRulesOnPortableVirtualThreadsTest extends WaitRulesOnPortableTest {
}
