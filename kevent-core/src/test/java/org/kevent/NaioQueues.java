package org.kevent;

/**
 * Opens queues with test-only network AIO settings for tests outside this package: the setting is
 * a package-private {@code KeventQueue.Builder} hook, so this bridge lives here, not in
 * {@code org.kevent.testing}.
 */
public final class NaioQueues {
    private NaioQueues() {
    }

    /**
     * @param engine      {@code io_uring} or {@code readiness}
     * @param ringEntries io_uring completion ring size (0: default)
     * @return an open queue
     */
    public static KeventQueue open(String engine, int ringEntries) {
        return open(engine, ringEntries, false);
    }

    /**
     * @param engine       {@code io_uring} or {@code readiness}
     * @param ringEntries  io_uring completion ring size (0: default)
     * @param singleIssuer {@link KeventQueue.Builder#singleIssuer}
     * @return an open queue
     */
    public static KeventQueue open(String engine, int ringEntries, boolean singleIssuer) {
        return KeventQueue.builder().aioEngine(AioEngine.of(engine)).aioRingEntries(ringEntries).singleIssuer(singleIssuer).open();
    }
}
