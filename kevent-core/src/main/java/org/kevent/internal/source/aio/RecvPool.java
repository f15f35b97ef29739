package org.kevent.internal.source.aio;

import java.nio.ByteBuffer;

/**
 * The queue's receive buffers for multishot receives: {@code count} buffers of {@code size} bytes
 * tiling one direct slab, each in exactly one place at a time.
 *
 * <pre>
 *   FREE ──(kernel or a readiness recv fills it)──▶ QUEUED ──(its event is handed out)──▶ LENT
 *     ▲                                                │ (request detached unread)        │
 *     └────────────────────────────────────────────────┴──────(aioReleaseBuffer)──────────┘
 * </pre>
 *
 * A FREE buffer sits either in the kernel's provided-buffer ring (io_uring multishot) or on the
 * pool's own free stack (readiness, or io_uring without provided rings); which is the backend's
 * business ({@link AioBackend#bufferFreed}). Queued buffers of one request form a FIFO chained
 * through {@link #chunkNext}, so a request holds no list of its own and nothing is allocated per
 * arrival. The slab is collector-owned: a view the caller still holds after the queue closed
 * reads stale bytes, never freed memory.
 *
 * <p>Lock held for every method.
 */
public final class RecvPool {
    static final byte FREE = 0;
    static final byte QUEUED = 1;
    static final byte LENT = 2;

    public final int count;
    public final int size;
    /** The memory, {@code count * size} bytes, page-aligned (the kernel reads buffer addresses from it). */
    public final ByteBuffer slab;
    /** One reusable view per buffer: lending allocates nothing. */
    private final ByteBuffer[] views;
    private final byte[] state;
    /** Chains a request's queued buffers; bytes received in each. */
    final int[] chunkNext;
    final int[] chunkLength;
    private final int[] freeStack;
    private int freeTop;
    private int lent;

    RecvPool(int count, int size) {
        this.count = count;
        this.size = size;
        // alignedSlice rounds both ends to the alignment: ask for whole pages plus one.
        int bytes = (count * size + 4095) & -4096;
        this.slab = ByteBuffer.allocateDirect(bytes + 4096).alignedSlice(4096);
        this.views = new ByteBuffer[count];
        for (int k = 0; k < count; k++) {
            views[k] = slab.slice(k * size, size);
        }
        this.state = new byte[count];
        this.chunkNext = new int[count];
        this.chunkLength = new int[count];
        this.freeStack = new int[count];
    }

    // -------------------------------------------------------------- the pool's own free stack

    /** Puts every buffer on the free stack (backends that fill buffers themselves). */
    public void stockAll() {
        for (int k = count - 1; k >= 0; k--) {
            freeStack[freeTop++] = k;
        }
    }

    /** @return a buffer from the free stack, or -1 if none is left */
    public int take() {
        return freeTop == 0 ? -1 : freeStack[--freeTop];
    }

    /** @return buffers on the free stack */
    public int available() {
        return freeTop;
    }

    /** Puts a buffer back on the free stack. */
    public void push(int id) {
        freeStack[freeTop++] = id;
    }

    // -------------------------------------------------------------- states

    /** A buffer was filled with {@code length} bytes for a request. */
    void queued(int id, int length) {
        if (state[id] != FREE) {
            throw new IllegalStateException("receive buffer " + id + " filled while " + stateName(state[id]));
        }
        state[id] = QUEUED;
        chunkLength[id] = length;
        chunkNext[id] = -1;
    }

    /**
     * Hands a queued buffer to the caller.
     *
     * @return its view, position 0, limit the bytes received
     */
    ByteBuffer lend(int id) {
        state[id] = LENT;
        lent++;
        ByteBuffer v = views[id];
        v.limit(chunkLength[id]).position(0);
        return v;
    }

    /** A queued buffer goes back unread (its request was detached by the queue's close). */
    void unqueue(int id) {
        state[id] = FREE;
    }

    /**
     * The caller gives a lent buffer back.
     *
     * @throws IllegalArgumentException unless {@code id} names a buffer of this pool
     * @throws IllegalStateException    unless it is lent
     */
    void giveBack(int id) {
        if (id < 0 || id >= count) {
            throw new IllegalArgumentException("receive buffer id " + id + " is not in this queue's pool of " + count);
        }
        if (state[id] != LENT) {
            throw new IllegalStateException("receive buffer " + id + " is " + stateName(state[id])
                    + ", not lent: released twice, or never handed out");
        }
        state[id] = FREE;
        lent--;
    }

    /** @return buffers the caller holds */
    int lent() {
        return lent;
    }

    private static String stateName(byte s) {
        return switch (s) {
            case FREE -> "free";
            case QUEUED -> "queued for delivery";
            default -> "lent";
        };
    }
}
