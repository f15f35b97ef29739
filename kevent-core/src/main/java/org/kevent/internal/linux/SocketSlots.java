package org.kevent.internal.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The sockets {@link ParkedWaits} watches for blocking calls, by slot: the slot number is the
 * registration's epoll data word, so the watcher thread finds a socket's waits from a report
 * without a map and without allocating.
 *
 * <p>Unlike the queue slots (a few, copied whole on change), sockets come and go with every
 * connection, so the table grows by fixed chunks that are never copied: taking or releasing a
 * slot costs one store, not a copy of the table. Free slots are reused, lowest last freed first.
 *
 * <p><b>Threading:</b> {@link #take} and {@link #release} under this object's monitor (rare: once
 * per socket's first blocking wait and once at its close); {@link #get} by the watcher thread
 * without locking (acquire loads of stores made with release). A report already taken from the
 * kernel for a slot that is then released and reused reaches the new socket: a spurious wake-up,
 * which every blocking wait tolerates.
 */
final class SocketSlots {
    private static final int CHUNK_SHIFT = 10;
    private static final int CHUNK = 1 << CHUNK_SHIFT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(SocketWaits[].class);

    /** Chunks of {@link #CHUNK} slots; replaced whole (by a longer copy) only to add a chunk. */
    private volatile SocketWaits[][] chunks = new SocketWaits[0][];
    /** Guarded by {@code this}: released slots, reused before {@link #next} grows. */
    private int[] free = new int[64];
    private int freeCount;
    private int next;
    private int used;
    private long taken;

    /** @return the slot now holding {@code waits} */
    synchronized int take(SocketWaits waits) {
        int slot = freeCount > 0 ? free[--freeCount] : next++;
        SocketWaits[][] c = chunks;
        int chunk = slot >>> CHUNK_SHIFT;
        if (chunk == c.length) {
            c = Arrays.copyOf(c, c.length + 1);
            c[chunk] = new SocketWaits[CHUNK];
            chunks = c;
        }
        SLOT.setRelease(c[chunk], slot & (CHUNK - 1), waits);
        used++;
        taken++;
        return slot;
    }

    /** Empties {@code slot}; the caller has removed its registration from the kernel first. */
    synchronized void release(int slot) {
        SLOT.setRelease(chunks[slot >>> CHUNK_SHIFT], slot & (CHUNK - 1), (SocketWaits) null);
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
        used--;
    }

    /** @return the waits in {@code slot}, or null (released, or a stale report) */
    SocketWaits get(long slot) {
        SocketWaits[][] c = chunks;
        long chunk = slot >>> CHUNK_SHIFT;
        return chunk < c.length ? (SocketWaits) SLOT.getAcquire(c[(int) chunk], (int) (slot & (CHUNK - 1))) : null;
    }

    /** Calls {@code action} with every socket in the table now (the watcher stopping). */
    void forEach(Consumer<SocketWaits> action) {
        for (SocketWaits[] chunk : chunks) {
            for (int k = 0; k < CHUNK; k++) {
                SocketWaits w = (SocketWaits) SLOT.getAcquire(chunk, k);
                if (w != null) {
                    action.accept(w);
                }
            }
        }
    }

    /** @return sockets registered now */
    synchronized int used() {
        return used;
    }

    /** @return registrations made since the JVM started */
    synchronized long taken() {
        return taken;
    }
}
