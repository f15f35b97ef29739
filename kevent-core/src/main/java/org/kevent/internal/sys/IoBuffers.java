package org.kevent.internal.sys;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * What asynchronous I/O needs to know of a {@link ByteBuffer}: the bounds-checked memory of a
 * region of it, and whether its memory could be freed by someone other than the garbage
 * collector while the kernel still writes into it.
 */
public final class IoBuffers {
    private IoBuffers() {
    }

    /**
     * The memory of {@code buffer[index, index + length)}.
     *
     * @throws IndexOutOfBoundsException unless the region lies between the buffer's position and limit
     */
    static MemorySegment region(ByteBuffer buffer, int index, int length) {
        MemorySegment whole = MemorySegment.ofBuffer(buffer);
        return index == buffer.position() && length == buffer.remaining() ? whole
                : whole.asSlice(index - buffer.position(), length);
    }

    /**
     * Tells whether a direct buffer views memory of an {@link java.lang.foreign.Arena} its owner
     * can close ({@code Arena.ofShared()}, {@code Arena.ofConfined()}): a request cannot keep such
     * memory alive by holding the buffer, so handing it to the kernel for an asynchronous
     * operation could let the kernel write into freed memory. Buffers of
     * {@link ByteBuffer#allocateDirect}, {@code Arena.ofAuto()} and {@code Arena.global()} are
     * freed only once unreachable (or never), and heap buffers are the collector's.
     *
     * @param buffer any buffer
     * @return whether it is a direct buffer of a closeable arena
     */
    public static boolean closeable(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            return false;
        }
        // No public API says whether a scope can be closed; the implementation classes do, and
        // IoBuffersTest pins each kind so a JDK that renames them fails the build, not a user.
        String kind = MemorySegment.ofBuffer(buffer).scope().getClass().getName();
        return kind.endsWith("SharedSession") || kind.endsWith("ConfinedSession");
    }

    /**
     * Base addresses of direct buffers by identity. {@link MemorySegment#ofBuffer} allocates a
     * segment and a session per call, which C2 removes on some compilations and not on others
     * (measured: 66–72 B per send+receive when it does not), so each owner remembers the address of
     * index 0 of the buffers it saw. Keys are weak: a remembered buffer is still freed once its user
     * drops it, and a dead key never matches. Not thread-safe: one per owner (a ring, a thread).
     */
    static final class AddressCache {
        private static final int SLOTS = 256;
        /** {@link #remembered}'s answer for a buffer not in the cache: no address is negative. */
        private static final long MISS = Long.MIN_VALUE;
        @SuppressWarnings("unchecked")
        private final java.lang.ref.WeakReference<ByteBuffer>[] keys = new java.lang.ref.WeakReference[SLOTS];
        private final long[] bases = new long[SLOTS];

        /**
         * @param direct a direct buffer
         * @return the address of its index 0
         */
        long base(ByteBuffer direct) {
            long base = remembered(direct);
            return base != MISS ? base : remember(direct);
        }

        /**
         * As {@link #base}, for a buffer that may view a closeable arena's memory: such a buffer
         * is never remembered, since its address outlives the memory once the arena closes.
         *
         * @param direct a direct buffer
         * @return the address of its index 0, or -1 if it views a closeable arena's memory (the
         *         caller then passes a segment, whose session the downcall holds open)
         */
        long baseUnlessCloseable(ByteBuffer direct) {
            long base = remembered(direct);
            return base != MISS ? base : closeable(direct) ? -1 : remember(direct);
        }

        /** @return the remembered address of {@code direct}'s index 0, or {@link #MISS} */
        private long remembered(ByteBuffer direct) {
            int slot = System.identityHashCode(direct) & (SLOTS - 1);
            java.lang.ref.WeakReference<ByteBuffer> key = keys[slot];
            return key != null && key.get() == direct ? bases[slot] : MISS;
        }

        private long remember(ByteBuffer direct) {
            int slot = System.identityHashCode(direct) & (SLOTS - 1);
            long base = MemorySegment.ofBuffer(direct).address() - direct.position();
            keys[slot] = new java.lang.ref.WeakReference<>(direct);
            bases[slot] = base;
            return base;
        }
    }

    /**
     * The address of {@code direct[index, index + length)}, bounds-checked like {@link #region}.
     *
     * @throws IndexOutOfBoundsException unless the region lies between the buffer's position and limit
     */
    static long address(AddressCache cache, ByteBuffer direct, int index, int length) {
        java.util.Objects.checkFromIndexSize(index - direct.position(), length, direct.remaining());
        return cache.base(direct) + index;
    }

    /**
     * As {@link #address}, or -1 for a buffer of a closeable arena (see
     * {@link AddressCache#baseUnlessCloseable}).
     *
     * @throws IndexOutOfBoundsException unless the region lies between the buffer's position and limit
     */
    static long addressUnlessCloseable(AddressCache cache, ByteBuffer direct, int index, int length) {
        java.util.Objects.checkFromIndexSize(index - direct.position(), length, direct.remaining());
        long base = cache.baseUnlessCloseable(direct);
        return base < 0 ? -1 : base + index;
    }
}
