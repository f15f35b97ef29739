package org.kevent;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** {@link ModelRegressionTest}'s cases on the portable engine (docs/SEMANTICS.md §10). */
class ModelRegressionOnPortableTest extends ModelRegressionTest implements OnPortableEngine {
    @Test
    @Disabled("portable engine: POLL records are refused (EOPNOTSUPP), there is no descriptor readiness to collect")
    @Override
    void ringAwaitWithItsMinimumAlreadyMetCollectsDescriptorReadiness() {
    }
}
