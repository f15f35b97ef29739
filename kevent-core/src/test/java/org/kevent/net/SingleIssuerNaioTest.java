package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kevent.EventBuffer;

/**
 * {@link NaioContract} on io_uring with SINGLE_ISSUER | COOP_TASKRUN (the queue declared
 * single-issuer), plus what that mode adds: other threads may not request or wait, and may still
 * close a socket.
 */
class SingleIssuerNaioTest extends NaioContract {
    @Override
    String engine() {
        return "io_uring";
    }

    @Override
    boolean singleIssuer() {
        return true;
    }

    private static <T> T onAnotherThread(java.util.function.Supplier<T> call) throws Exception {
        return CompletableFuture.supplyAsync(call, r -> Thread.ofPlatform().start(r)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void anotherThreadMayNeitherRequestNorWaitOnceTheOwnerSubmitted() throws Exception {
        long id = queue.aioRecv(pair.server, ByteBuffer.allocateDirect(4));
        queue.poll(new EventBuffer(1)); // submits: this thread is now the issuer
        Object request = onAnotherThread(() -> {
            try {
                return queue.aioSend(pair.client, ByteBuffer.allocate(1));
            } catch (IllegalStateException e) {
                return e;
            }
        });
        assertThat(request).isInstanceOf(IllegalStateException.class);
        assertThat(((Exception) request).getMessage()).contains("single-issuer").contains("only");
        Object waited = onAnotherThread(() -> {
            try {
                return queue.poll(new EventBuffer(1));
            } catch (IllegalStateException e) {
                return e;
            }
        });
        assertThat(waited).isInstanceOf(IllegalStateException.class);
        Loopback.sendAll(pair.client, "abcd".getBytes());
        assertThat(await(id).data()).isEqualTo(4);
    }

    @Test
    void aSocketClosedByAnotherThreadEndsItsRequestsAsCancelled() throws Exception {
        queue.poll(new EventBuffer(1));
        long inKernel = queue.aioRecv(pair.server, ByteBuffer.allocateDirect(4));
        queue.poll(new EventBuffer(1)); // the receive is in the kernel now
        long unsubmitted = queue.aioSend(pair.server, ByteBuffer.allocateDirect(1 << 20));
        onAnotherThread(() -> {
            pair.server.close();
            return null;
        });
        assertThat(await(inKernel).data()).isEqualTo(-125);
        assertThat(await(unsubmitted).data()).isEqualTo(-125);
        assertThatThrownBy(() -> pair.server.recv(new byte[1], 0, 1)).hasMessageContaining("EBADF");
    }
}
