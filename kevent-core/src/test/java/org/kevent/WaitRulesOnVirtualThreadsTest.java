package org.kevent;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link WaitRulesTest}'s rules with every waiting thread virtual. */
@ExtendWith(OnVirtualThreads.class)
class WaitRulesOnVirtualThreadsTest extends WaitRulesTest {
}
