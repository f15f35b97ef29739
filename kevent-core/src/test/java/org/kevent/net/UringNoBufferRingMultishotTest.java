package org.kevent.net;

/** {@link MultishotContract} on io_uring without provided-buffer rings. */
class UringNoBufferRingMultishotTest extends MultishotContract {
    @Override
    String engine() {
        return "io_uring";
    }

    /** As on a kernel before 5.19: one-shot receives into pool buffers, re-armed per arrival. */
    @Override
    void beforeOpen() {
        System.setProperty("kevent.test.noBufferRing", "true");
    }

    @Override
    void afterClose() {
        System.clearProperty("kevent.test.noBufferRing");
    }
}
