package org.kevent;

/** {@link TriggerModesTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class TriggerModesOnPortableTest extends TriggerModesTest implements OnPortableEngine {
}
