package org.kevent.net;

/** {@link NaioContract} on the readiness fallback. */
class ReadinessNaioTest extends NaioContract {
    @Override
    String engine() {
        return "readiness";
    }
}
