package org.kevent.net;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.kevent.AioEngine;
import org.kevent.EventBuffer;
import org.kevent.KeventQueue;

/**
 * Run in a child JVM with {@code -XX:MaxDirectMemorySize=8m} by {@link MultishotPoolLimitTest}
 * (the limit is the whole JVM's, so no shared test JVM may run into it): a multishot receive whose
 * pool (16 MiB) cannot be allocated must fail before any request exists, and leave the queue
 * fully usable. Prints one line per step; args[0] is the engine.
 */
public final class PoolTooBigProbe {
    private PoolTooBigProbe() {
    }

    public static void main(String[] args) {
        try (KeventQueue queue = KeventQueue.builder().aioEngine(AioEngine.of(args[0])).aioRecvBuffers(1024, 16 * 1024).open();
             Loopback pair = Loopback.open()) {
            try {
                queue.aioRecvMultishot(pair.server);
                System.out.println("multishot started");
            } catch (OutOfMemoryError e) {
                System.out.println("refused: " + e.getClass().getSimpleName());
            }
            System.out.println("started " + queue.stats().aioStarted() + " registered " + queue.stats().registered());
            ByteBuffer in = ByteBuffer.allocateDirect(4);
            long id = queue.aioRecv(pair.server, in);
            Loopback.sendAll(pair.client, "okay".getBytes());
            EventBuffer events = new EventBuffer(4);
            int n = queue.getEvents(1, 4, 10, TimeUnit.SECONDS, events);
            System.out.println("then aioRecv " + (n == 1 && events.id(0) == id ? events.data(0) : -1));
        }
    }
}
