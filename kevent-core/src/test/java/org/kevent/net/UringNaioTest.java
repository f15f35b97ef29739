package org.kevent.net;

/** {@link NaioContract} on io_uring. */
class UringNaioTest extends NaioContract {
    @Override
    String engine() {
        return "io_uring";
    }
}
