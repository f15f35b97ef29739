package org.kevent.cli.http;

/** Every {@link HostileClientsTest} again with {@code serve --aio}. */
class AioHostileClientsTest extends HostileClientsTest {
    @Override
    boolean aio() {
        return true;
    }
}
