package org.kevent;

/** {@link JfrEventsTest}'s events on the portable engine (docs/SEMANTICS.md §10). */
class JfrEventsOnPortableTest extends JfrEventsTest implements OnPortableEngine {
    @Override
    String expectedEngineName() {
        return "portable";
    }
}
