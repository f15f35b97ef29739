package org.kevent.net;

import org.kevent.OnPortableEngine;

/**
 * {@link ConnectFromLocalAddressTest}'s rules on sockets of the portable engine ({@code java.nio} channels,
 * docs/SEMANTICS.md §10): a socket made while {@code kevent.engine=portable} is a portable one.
 */
class ConnectFromLocalAddressOnPortableTest extends ConnectFromLocalAddressTest implements OnPortableEngine {
}
