package org.kevent;

/** {@link ControlPropertiesTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class ControlPropertiesOnPortableTest extends ControlPropertiesTest implements OnPortableEngine {
}
