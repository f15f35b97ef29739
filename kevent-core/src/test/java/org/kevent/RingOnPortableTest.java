package org.kevent;

/** {@link RingTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class RingOnPortableTest extends RingTest implements OnPortableEngine {
}
