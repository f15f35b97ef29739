package org.kevent;

/** {@link VirtualThreadWaitTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class VirtualThreadWaitOnPortableTest extends VirtualThreadWaitTest implements OnPortableEngine {
}
