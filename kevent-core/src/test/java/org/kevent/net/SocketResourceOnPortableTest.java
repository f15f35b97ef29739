package org.kevent.net;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.kevent.OnPortableEngine;

/**
 * {@link SocketResourceTest} on the portable engine: the channels beneath portable sockets are
 * descriptors too (on this Linux test machine, counted in {@code /proc/self/fd}), and each one is
 * closed by the time {@code close} returns (docs/SEMANTICS.md §10).
 */
class SocketResourceOnPortableTest extends SocketResourceTest implements OnPortableEngine {

    @Test
    @Disabled("runs its own child JVM under prlimit on the linux engine (EmfileProbe): the portable engine's"
            + " EMFILE is the JDK's IOException text, mapped by PortableErrors")
    @Override
    void acceptWhenOutOfDescriptorsIsEmfileAndTheConnectionWaits() {
    }
}
