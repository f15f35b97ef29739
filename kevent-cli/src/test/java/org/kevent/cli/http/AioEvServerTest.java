package org.kevent.cli.http;

/** Every {@link EvServerTest} again with {@code serve --aio}: the same answers through network AIO. */
class AioEvServerTest extends EvServerTest {
    @Override
    boolean aio() {
        return true;
    }
}
