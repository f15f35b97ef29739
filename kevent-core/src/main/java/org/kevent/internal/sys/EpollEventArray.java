package org.kevent.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A native array of {@code struct epoll_event} that {@link Epoll#wait} fills, reused across waits
 * so that waiting allocates nothing.
 *
 * <p><b>Semantics.</b> Entry {@code i < n} is valid after a wait returned {@code n}; entries past
 * {@code n} hold whatever an earlier wait left there.
 *
 * <p><b>Threading.</b> The memory comes from its own {@link Arena#ofShared() shared arena}, so any
 * thread may wait into it or read it; the caller orders a wait before the reads of its result.
 * Two threads waiting into one array at once overwrite each other's results (but never crash).
 *
 * <p><b>Caveats.</b> After {@link #close()} every access throws {@link IllegalStateException}
 * instead of touching freed memory. Closing while another thread is inside {@link Epoll#wait}
 * with this array throws {@link IllegalStateException} too and leaves the array open: the linker
 * holds the arena for the duration of the call, which is what keeps the kernel from writing into
 * freed memory.
 */
public final class EpollEventArray implements AutoCloseable {

    /** Largest capacity accepted; more events per wait buys nothing but cache misses. */
    public static final int MAX_CAPACITY = 65_536;

    private final int capacity;
    private final Arena arena;
    private final MemorySegment segment;
    private boolean closed; // guarded by this

    /**
     * Allocates an array of {@code capacity} events.
     *
     * @param capacity how many events one wait may return, {@code 1..}{@value #MAX_CAPACITY}
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public EpollEventArray(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "capacity must be in 1.." + MAX_CAPACITY + ": " + capacity);
        }
        this.capacity = capacity;
        this.arena = Arena.ofShared();
        this.segment = arena.allocate(MemoryLayout.sequenceLayout(capacity, EpollEvent.LAYOUT));
    }

    /**
     * Returns how many events the array holds.
     *
     * @return the capacity given at construction
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Returns the events mask of entry {@code index}.
     *
     * @param index the entry, {@code 0..capacity()-1}
     * @return the {@code EPOLL*} bits the kernel reported
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     * @throws IllegalStateException     if the array is closed
     */
    public int events(int index) {
        Objects.checkIndex(index, capacity);
        return EpollEvent.events(segment, index);
    }

    /**
     * Returns the data word of entry {@code index}, exactly as registered with {@link Epoll#ctl}.
     *
     * @param index the entry, {@code 0..capacity()-1}
     * @return the 64-bit data word
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     * @throws IllegalStateException     if the array is closed
     */
    public long data(int index) {
        Objects.checkIndex(index, capacity);
        return EpollEvent.data(segment, index);
    }

    /**
     * Returns the memory for the kernel to write into.
     *
     * @return the segment, whose use throws {@link IllegalStateException} once closed
     */
    MemorySegment segment() {
        return segment;
    }

    /**
     * Frees the native memory. Calling it again does nothing.
     *
     * @throws IllegalStateException if another thread is inside {@link Epoll#wait} with this array
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            arena.close(); // throws, leaving closed false, while a wait holds the arena
            closed = true;
        }
    }
}
