package org.kevent;

/** {@link ConcurrencyTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class ConcurrencyOnPortableTest extends ConcurrencyTest implements OnPortableEngine {
}
