package org.kevent;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** {@link CloseTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class CloseOnPortableTest extends CloseTest implements OnPortableEngine {
    @Test
    @Disabled("portable engine: a queue has no file descriptor to leak, and readinessFd() is refused (EOPNOTSUPP)")
    @Override
    void twoThousandOpenCloseCyclesLeakNoFileDescriptor() {
    }
}
