package org.kevent.net;

import org.kevent.OnPortableEngine;

/**
 * {@link BlockingSocketTest}'s rules on sockets of the portable engine ({@code java.nio} channels,
 * docs/SEMANTICS.md §10): a socket made while {@code kevent.engine=portable} is a portable one.
 */
class BlockingSocketOnPortableTest extends BlockingSocketTest implements OnPortableEngine {
}
