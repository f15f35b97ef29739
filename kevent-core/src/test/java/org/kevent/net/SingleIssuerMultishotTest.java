package org.kevent.net;

/** {@link MultishotContract} on io_uring with SINGLE_ISSUER | COOP_TASKRUN. */
class SingleIssuerMultishotTest extends MultishotContract {
    @Override
    String engine() {
        return "io_uring";
    }

    @Override
    boolean singleIssuer() {
        return true;
    }
}
