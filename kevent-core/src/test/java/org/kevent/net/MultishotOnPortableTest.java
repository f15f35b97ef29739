package org.kevent.net;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.kevent.OnPortableEngine;

/**
 * {@link MultishotContract} on the portable engine: multishot receives on the readiness engine over
 * portable sockets (docs/SEMANTICS.md §7, §10).
 */
class MultishotOnPortableTest extends MultishotContract implements OnPortableEngine {
    @Override
    String engine() {
        return "readiness";
    }

    @Test
    @Disabled("portable engine: the probe watches the socket with a POLL record and reads the waiter's kernel"
            + " wait in /proc; a portable waiter waits on a Condition (WaitRulesOnPortableTest pins its wake-ups)")
    @Override
    void anArrivalWakesTheWaiterSleepingForIt() {
    }
}
