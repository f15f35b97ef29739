package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.kevent.OnPortableEngine;

/**
 * {@link NaioContract} on the portable engine: network AIO on the readiness engine over portable
 * sockets (docs/SEMANTICS.md §7, §10). The cases that cannot hold there are disabled by name.
 */
class NaioOnPortableTest extends NaioContract implements OnPortableEngine {
    @Override
    String engine() {
        return "readiness";
    }

    @Test
    @Disabled("portable engine: the probe watches the socket with a POLL record and reads the waiter's kernel"
            + " wait in /proc; a portable waiter waits on a Condition (WaitRulesOnPortableTest pins its wake-ups)")
    @Override
    void aCompletionWakesTheWaiterSleepingForIt() {
    }

    @Test
    @Disabled("portable engine: a buffer of an arena its owner can close is taken (telling it apart needs the"
            + " bindings, which the portable engine does not load); the JDK refuses the transfer once the arena"
            + " is closed (aClosedArenasBufferEndsItsRequestWithEfaultNeverReachingMemory)")
    @Override
    void badArgumentsAreRefusedBeforeAnythingStarts() {
    }

    @Test
    void aClosedArenasBufferEndsItsRequestWithEfaultNeverReachingMemory() {
        Arena arena = Arena.ofShared();
        ByteBuffer closeable = arena.allocate(64).asByteBuffer();
        long id = queue.aioRecv(pair.server, closeable);
        arena.close();
        Loopback.sendAll(pair.client, new byte[] {1, 2, 3});
        assertThat(await(id).data()).isEqualTo(-14);   // -EFAULT
    }
}
