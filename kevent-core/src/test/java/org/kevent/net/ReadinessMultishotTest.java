package org.kevent.net;

/** {@link MultishotContract} on the readiness engine: nonblocking recv into free pool buffers at each edge. */
class ReadinessMultishotTest extends MultishotContract {
    @Override
    String engine() {
        return "readiness";
    }
}
