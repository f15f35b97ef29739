package org.kevent;

import java.util.Objects;

/**
 * The engines that run a queue's network AIO requests (docs/SEMANTICS.md §7): chosen with
 * {@link KeventQueue.Builder#aioEngine} or the system property {@code kevent.aio}, shown by
 * {@link KeventQueue#aioEngine()}. Both engines give the same events; which one runs is never
 * hidden.
 *
 * <p>{@link #toString()} is the name the system property and the command line use
 * ({@code io_uring}, {@code readiness}, {@code auto}); {@link #of(String)} reads it back.
 */
public enum AioEngine {
    /**
     * A choice only: {@link #IO_URING} when the kernel allows it, else {@link #READINESS} (logged
     * once, at INFO). The default. {@link KeventQueue#aioEngine()} never returns it.
     */
    AUTO("auto"),
    /**
     * io_uring: requests go to the kernel's submission ring and complete there. Chosen explicitly,
     * a kernel that refuses it ({@code EPERM}, {@code ENOSYS}, {@code kernel.io_uring_disabled}, an
     * operation missing) is an error at the first request, not a silent fallback.
     */
    IO_URING("io_uring"),
    /** Nonblocking {@code send}/{@code recv}/{@code sendfile} driven by the queue's own readiness events. */
    READINESS("readiness");

    private final String name;

    AioEngine(String name) {
        this.name = name;
    }

    /**
     * Reads an engine's name as {@link #toString()} writes it, which is how {@code -Dkevent.aio}
     * spells it.
     *
     * @param name {@code io_uring}, {@code readiness} or {@code auto}
     * @return the engine
     * @throws IllegalArgumentException for another name, listing the valid ones
     * @throws NullPointerException     if name is null
     */
    public static AioEngine of(String name) {
        Objects.requireNonNull(name, "name");
        for (AioEngine e : values()) {
            if (e.name.equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("AIO engine must be io_uring, readiness or auto, got " + name);
    }

    /**
     * Returns the engine's name as the system property {@code kevent.aio} spells it.
     *
     * @return {@code io_uring}, {@code readiness} or {@code auto}
     */
    @Override
    public String toString() {
        return name;
    }
}
