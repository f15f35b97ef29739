package org.kevent.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The native memory one inotify descriptor is read into, and a cursor over the records of the
 * last read, parsed in place: reading records allocates nothing.
 *
 * <pre>{@code
 * long n = buffer.read(fd);
 * for (int at = 0; at < n; at = buffer.next(at)) { buffer.wd(at); buffer.mask(at); ... }
 * }</pre>
 *
 * <p><b>Threading.</b> One thread at a time (the owner serialises, e.g. under a queue lock); the
 * memory is in a shared arena so that thread may change. <b>Caveats.</b> {@link #close} once.
 */
public final class InotifyBuffer implements AutoCloseable {
    /** Default size: room for at least 128 records of the largest kind. */
    public static final int DEFAULT_SIZE = 32 * 1024;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf;

    /**
     * @param size bytes; at least {@link InotifyEvent#MAX_SIZE}
     */
    public InotifyBuffer(int size) {
        if (size < InotifyEvent.MAX_SIZE) {
            throw new IllegalArgumentException("inotify buffer of " + size + " bytes cannot hold a record of "
                    + InotifyEvent.MAX_SIZE);
        }
        buf = arena.allocate(size, 8);
    }

    /**
     * Reads as many whole records as fit.
     *
     * @param fd a nonblocking inotify descriptor
     * @return bytes read, or {@code -errno} ({@code -EAGAIN} when none are queued)
     */
    public int read(int fd) {
        return (int) Inotify.read(fd, buf);
    }

    /** @param at a record's offset @return its watch descriptor */
    public int wd(int at) {
        return InotifyEvent.wd(buf, at);
    }

    /** @param at a record's offset @return its {@code IN_*} mask */
    public int mask(int at) {
        return InotifyEvent.mask(buf, at);
    }

    /** @param at a record's offset @return its cookie, unsigned */
    public long cookie(int at) {
        return InotifyEvent.cookie(buf, at);
    }

    /** @param at a record's offset @return its name's length without padding (0: none) */
    public int nameLength(int at) {
        return InotifyEvent.nameLength(buf, at);
    }

    /** Copies a record's name; see {@link InotifyEvent#copyName}. */
    public void copyName(int at, int length, byte[] dst, int dstOff) {
        InotifyEvent.copyName(buf, at, length, dst, dstOff);
    }

    /** @param at a record's offset @return the offset of the next record */
    public int next(int at) {
        return (int) InotifyEvent.next(buf, at);
    }

    /** Frees the native memory. */
    @Override
    public void close() {
        arena.close();
    }
}
