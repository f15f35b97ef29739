package org.kevent;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * {@link EventFamiliesTest}'s rules on the portable engine (docs/SEMANTICS.md §10): a record with
 * another family's bits is {@code EINVAL} there too, before the engine refuses its type; the
 * cases that go on to register a POLL or SOCKET interest cannot (INODE is served, on the
 * WatchService).
 */
class EventFamiliesOnPortableTest extends EventFamiliesTest implements OnPortableEngine {
    private static final String REFUSED = "portable engine: the right-bits half of the case registers a record of a"
            + " type the engine refuses (EOPNOTSUPP)";

    @Test
    @Disabled(REFUSED)
    @Override
    void socketRecordWithPollBitsIsRejectedNamingThem() {
    }

    @Test
    @Disabled(REFUSED)
    @Override
    void pollRecordWithSocketBitsIsRejectedNamingThem() {
    }

    @Test
    @Disabled("portable engine: the case modifies a POLL interest, and POLL records are refused (EOPNOTSUPP)")
    @Override
    void modifyWithAnotherFamilysBitsLeavesTheInterestAsItWas() {
    }
}
