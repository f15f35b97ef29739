package org.kevent;

/** {@link SafetyUseAfterCloseTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class SafetyUseAfterCloseOnPortableTest extends SafetyUseAfterCloseTest implements OnPortableEngine {
}
