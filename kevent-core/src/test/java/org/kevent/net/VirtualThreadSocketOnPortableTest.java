package org.kevent.net;

import java.util.ArrayList;
import java.util.List;

import org.kevent.testing.ChildJvm;

/**
 * {@link VirtualThreadSocketTest} with the child JVM's sockets on the portable engine: a blocked
 * virtual thread parks in Java there too, so the one carrier runs the peer that unblocks it
 * (docs/SEMANTICS.md §9, §10). The property goes on the child's command line: its sockets are
 * made there.
 */
class VirtualThreadSocketOnPortableTest extends VirtualThreadSocketTest {
    @Override
    List<String> probeOptions() {
        List<String> options = new ArrayList<>(ChildJvm.ONE_CARRIER);
        options.add("-Dkevent.engine=portable");
        return options;
    }
}
