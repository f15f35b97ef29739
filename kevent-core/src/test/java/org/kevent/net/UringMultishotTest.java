package org.kevent.net;

/** {@link MultishotContract} on io_uring: one multishot recv per request, buffers from the kernel's provided-buffer ring. */
class UringMultishotTest extends MultishotContract {
    @Override
    String engine() {
        return "io_uring";
    }
}
