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
        return MemorySegment.ofBuffer(buffer).asSlice(index - buffer.position(), length);
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
}
