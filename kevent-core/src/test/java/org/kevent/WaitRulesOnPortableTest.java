package org.kevent;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** {@link WaitRulesTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class WaitRulesOnPortableTest extends WaitRulesTest implements OnPortableEngine {
    @Test
    @Disabled("portable engine: POLL records are refused (EOPNOTSUPP); the rule is pinned with user events by"
            + " everyWaiterOfManyGetsOneOfTheTriggersOfEachRound")
    @Override
    void everyWaiterOfManyGetsOneOfTheEdgesOfEachRound() {
    }
}
