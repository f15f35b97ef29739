package org.kevent;

/** {@link ControlTest}'s rules on the portable engine (docs/SEMANTICS.md §10). */
class ControlOnPortableTest extends ControlTest implements OnPortableEngine {
}
