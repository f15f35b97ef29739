package org.kevent;

import java.util.Objects;

/**
 * The engines a queue runs on (docs/SEMANTICS.md §10): chosen with
 * {@link KeventQueue.Builder#engine} or the system property {@code kevent.engine}, shown by
 * {@link KeventQueue#engine()} and {@link KeventQueue#engineName()}. Which one runs is never
 * hidden: a fallback from {@link #LINUX} to {@link #PORTABLE} is logged once, with its reason.
 *
 * <p>{@link #toString()} is the name the system property and the command line use
 * ({@code linux}, {@code portable}, {@code auto}); {@link #of(String)} reads it back.
 */
public enum QueueEngine {
    /**
     * A choice only: {@link #LINUX} when it can run, else {@link #PORTABLE} (the OS is not Linux,
     * the JVM refuses this module native access, or the kernel lacks a facility the engine needs).
     * The default. {@link KeventQueue#engine()} never returns it.
     */
    AUTO("auto"),
    /**
     * The Linux kernel through FFM: epoll, eventfd, timerfd, inotify, io_uring, sockets the
     * library owns. Every event type. Chosen explicitly, a JVM or kernel that cannot run it is an
     * error when the queue opens, not a silent fallback.
     */
    LINUX("linux"),
    /**
     * Pure Java, no native access: runs on any OS and under {@code --illegal-native-access=deny}.
     * TIMER and USER behave as on Linux; the types that need a descriptor are refused per record
     * with {@code EOPNOTSUPP} (docs/SEMANTICS.md §10 lists what each engine supports).
     */
    PORTABLE("portable");

    private final String name;

    QueueEngine(String name) {
        this.name = name;
    }

    /**
     * Reads a name back.
     *
     * @param name {@code linux}, {@code portable} or {@code auto}
     * @return the engine
     * @throws IllegalArgumentException if the name is none of them
     */
    public static QueueEngine of(String name) {
        Objects.requireNonNull(name, "name");
        for (QueueEngine e : values()) {
            if (e.name.equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("queue engine must be linux, portable or auto, got " + name);
    }

    @Override
    public String toString() {
        return name;
    }
}
