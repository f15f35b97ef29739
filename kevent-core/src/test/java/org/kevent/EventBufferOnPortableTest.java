package org.kevent;

/** {@link EventBufferTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class EventBufferOnPortableTest extends EventBufferTest implements OnPortableEngine {
}
