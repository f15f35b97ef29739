package org.kevent.bench.support;

/**
 * The contract between a Java server's {@code main} and the runner when a transport cannot run
 * here (a Netty native library that does not load, io_uring refused): the server says why on
 * standard error and exits with {@link #EXIT_UNAVAILABLE}, so the runner reports it as
 * unavailable rather than broken. Kept apart from {@link ServerProcess}, which only the runner
 * loads (its class initialisation runs {@code getconf} and installs a shutdown hook).
 */
public final class Transport {
    /** Exit status of a server whose transport is unavailable on this machine. */
    public static final int EXIT_UNAVAILABLE = 3;

    private Transport() {
    }

    /**
     * Prints {@code unavailable: CAUSE} on standard error and exits with {@link #EXIT_UNAVAILABLE}
     * unless {@code available}.
     */
    public static void requireAvailable(boolean available, Throwable cause) {
        if (!available) {
            System.err.println("unavailable: " + cause);
            System.exit(EXIT_UNAVAILABLE);
        }
    }
}
