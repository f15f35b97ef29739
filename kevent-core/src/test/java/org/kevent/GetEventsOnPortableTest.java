package org.kevent;

/** {@link GetEventsTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class GetEventsOnPortableTest extends GetEventsTest implements OnPortableEngine {
}
