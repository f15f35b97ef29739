package org.kevent.internal.engine;

import java.nio.ByteBuffer;

/**
 * How network AIO requests reach the kernel: io_uring ({@link UringAio}) or nonblocking calls
 * driven by readiness ({@link ReadinessAio}). Both report through {@link Aio#end} with identical
 * results. Every method runs with the queue lock held.
 */
abstract class AioBackend {
    protected final Engine engine;
    protected final Aio aio;

    AioBackend(Engine engine, Aio aio) {
        this.engine = engine;
        this.aio = aio;
    }

    /** @return {@code "io_uring"} or {@code "readiness"} */
    abstract String name();

    /** Starts the head request of its socket's direction; it may end at once. */
    abstract void start(AioOp op);

    /**
     * Stops an active request whose {@code cancelRequested} is set; it ends through
     * {@link Aio#end}, now or when the kernel lets go of it.
     */
    abstract void cancel(AioOp op);

    /** The socket is closing (its requests were cancelled): nothing may name its descriptor after this returns. */
    abstract void socketClosing(AioSocket s);

    /**
     * Checks the calling thread may make a request or wait on the queue.
     *
     * @param what the call, for the message
     * @throws IllegalStateException if it may not
     */
    void checkIssuer(String what) {
    }

    /** A thread is about to wait in the kernel (or has just collected its events). */
    void beforeWait() {
    }

    /** The queue is closing: every request was asked to cancel; returns once none is in the kernel. */
    abstract void shutdown();

    /** Gives back a staging buffer of a request that ended. */
    void releaseStage(ByteBuffer stage) {
    }

    /** Releases kernel resources; after {@link #shutdown}. */
    abstract void close();
}
