package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

/**
 * The blocking calls allocate nothing in the steady state. Rounds repeat until one is quiet,
 * because how soon the JIT gets there varies; code that allocates per call never gets there.
 *
 * <p>Measured in a child JVM, so that the figures are a fresh program's and not shaped by what
 * the other tests compiled. The byte-array calls once handed the kernel a heap segment
 * ({@code MemorySegment.ofArray(..).asSlice(..)}), which allocated ~700 bytes per round trip in
 * some JVMs and none in others, as C2's escape analysis removed it or not; the probes with escape
 * analysis off pin down that nothing relies on it.
 */
class BlockingAllocationTest {
    private static final Duration LONG = Duration.ofSeconds(10);
    /**
     * The virtual round trips wait without a timeout: a timed park costs a timer task in the JDK
     * (its cost, as for a JDK socket with a timeout), which the park/unpark baseline does not pay.
     */
    private static final Duration NO_LIMIT = Duration.ofNanos(-1);
    private static final int ROUNDS = 30;
    private static final int CALLS_PER_ROUND = 5_000;
    /** Far below one byte per call: room for the probe itself, nothing per call. */
    private static final long QUIET_ROUND_BYTES = 1024;
    /** Per round trip over the JDK's own park/unpark cost: less than any object. */
    private static final double SLACK_PER_ROUND_TRIP = 8;

    /** Platform thread: calls that need not wait, and waits that poll(2) answers at once. */
    @Test
    void blockingCallsOnAPlatformThreadAllocateNothingOnceWarm() {
        assertThat(runProbe("platform")).containsExactly("quiet");
    }

    /**
     * Virtual threads: a round trip between two of them, each waiting for the other's bytes (so
     * each parks and is unparked by the shared socket poller), costs no more than what the JDK
     * charges for scheduling the virtual threads involved: the two sides' unparks, and each round
     * of the socket poller (itself a virtual thread, resumed after a yield or a park), priced at
     * what one unpark costs in a round trip of two virtual threads that park and unpark each other
     * directly. The JDK allocates on unpark (a task for the scheduler) and HotSpot counts no
     * virtual thread's allocations on its own, so the whole JVM's count is compared.
     */
    @Test
    void aVirtualRoundTripAllocatesNoMoreThanTheJdksOwnParkAndUnpark() {
        assertThat(runProbe("virtual")).containsExactly("quiet");
    }

    /**
     * With C2's escape analysis off, a {@code send} and a {@code recv} of a {@code byte[]} cost
     * what any other downcall costs, so that what they allocate never hangs on whether the
     * compiler removes a wrapper. (The JDK's own downcall slices the errno capture segment on
     * every call and leaves that to escape analysis, so the measure is relative to a
     * {@code getsockopt}, a downcall that passes no buffer.) Deterministic where the round trips
     * above are not: before the array calls were staged, these cost 2-4 objects more per call in
     * every JVM, and the round trips above ~700 bytes more in some.
     */
    @Test
    void byteArrayTransfersCostNoMoreThanADowncallWithoutABufferWithoutEscapeAnalysis() {
        assertThat(runProbe("arrays", "-XX:-DoEscapeAnalysis")).containsExactly("quiet");
    }

    /**
     * As above for direct {@code ByteBuffer}s on a platform thread (an event loop's, a Netty
     * loop's): once {@code MemorySegment.ofBuffer} made a segment and a session per call (72 B per
     * send+recv without escape analysis).
     */
    @Test
    void directBufferTransfersCostNoMoreThanADowncallWithoutABufferWithoutEscapeAnalysis() {
        assertThat(runProbe("direct", "-XX:-DoEscapeAnalysis")).containsExactly("quiet");
    }

    private static String[] runProbe(String mode, String... jvmOptions) {
        assumeTrue(hasAllocationCounters(), "no allocation counter on this JVM");
        String[] lines = org.kevent.testing.ChildJvm.runMain(BlockingAllocationTest.class, java.util.List.of(jvmOptions),
                mode);
        assertThat(lines).as("the measuring JVM ran and exited 0").isNotNull();
        return lines;
    }

    /**
     * The child JVM's program.
     *
     * @param args {@code platform} or {@code virtual}
     */
    public static void main(String[] args) throws Exception {
        String result = switch (args[0]) {
            case "platform" -> platformRounds();
            case "virtual" -> virtualRounds();
            case "arrays" -> arrayCallRounds(false);
            case "direct" -> arrayCallRounds(true);
            default -> throw new IllegalArgumentException(args[0]);
        };
        System.out.println(result);
    }

    private static String platformRounds() throws Exception {
        LongSupplier allocated = allocatedByThisThread();
        try (Loopback p = Loopback.open()) {
            byte[] b = new byte[64];
            long fewest = Long.MAX_VALUE;
            for (int round = 0; round < ROUNDS && fewest > QUIET_ROUND_BYTES; round++) {
                long before = allocated.getAsLong();
                for (int i = 0; i < CALLS_PER_ROUND; i++) {
                    p.client.awaitWritable(LONG);
                    p.client.writeAll(b, 0, b.length, LONG);
                    p.server.awaitReadable(LONG);
                    p.server.readFully(b, 0, b.length, LONG);
                    p.server.write(b, 0, 8, LONG);
                    p.client.read(b, 0, 8, LONG);
                }
                fewest = Math.min(fewest, allocated.getAsLong() - before);
            }
            return fewest <= QUIET_ROUND_BYTES ? "quiet" : fewest + " bytes in the quietest round of "
                    + CALLS_PER_ROUND + " iterations";
        }
    }

    private static String arrayCallRounds(boolean direct) throws Exception {
        LongSupplier allocated = allocatedByThisThread();
        try (Loopback p = Loopback.open()) {
            byte[] b = new byte[64];
            java.nio.ByteBuffer d = java.nio.ByteBuffer.allocateDirect(64);
            long withoutBuffer = Long.MAX_VALUE;
            long withArrays = Long.MAX_VALUE;
            for (int round = 0; round < ROUNDS; round++) {
                long before = allocated.getAsLong();
                for (int i = 0; i < CALLS_PER_ROUND; i++) {
                    p.client.tcpNoDelay();
                    p.server.tcpNoDelay();
                }
                long middle = allocated.getAsLong();
                for (int i = 0; i < CALLS_PER_ROUND; i++) {
                    if (direct) {
                        d.clear();
                        boolean moved = p.client.send(d) == 64;
                        d.clear();
                        if (!moved || p.server.recv(d) != 64) {
                            return "loopback did not move 64 bytes in one call each way";
                        }
                    } else if (p.client.send(b, 0, b.length) != b.length || p.server.recv(b, 0, b.length) != b.length) {
                        return "loopback did not move 64 bytes in one call each way";
                    }
                }
                long after = allocated.getAsLong();
                withoutBuffer = Math.min(withoutBuffer, middle - before);
                withArrays = Math.min(withArrays, after - middle);
            }
            return withArrays <= withoutBuffer + QUIET_ROUND_BYTES ? "quiet"
                    : String.format("send+recv of a " + (direct ? "direct buffer" : "byte[]") + " %.1f bytes, two getsockopt calls %.1f",
                            withArrays / (double) CALLS_PER_ROUND, withoutBuffer / (double) CALLS_PER_ROUND);
        }
    }

    private static String virtualRounds() throws Exception {
        Method total = allocationCounter("getTotalThreadAllocatedBytes");
        Object bean = threadBean();
        // Two unparks per round trip: the JDK's cost of scheduling a virtual thread, per unpark.
        double perUnpark = leastPerRoundTrip(bean, total, BlockingAllocationTest::parkPong) / 2;
        double least = Double.MAX_VALUE;
        String worst = null;
        try (Loopback p = Loopback.open()) {
            for (int round = 0; round < ROUNDS; round++) {
                long rounds = org.kevent.internal.linux.SocketWaits.socketPollerRounds();
                long before = (long) total.invoke(bean);
                socketPingPong(p, CALLS_PER_ROUND);
                double bytes = ((long) total.invoke(bean) - before) / (double) CALLS_PER_ROUND;
                double pollerRounds = (org.kevent.internal.linux.SocketWaits.socketPollerRounds() - rounds)
                        / (double) CALLS_PER_ROUND;
                // What the JDK charges: each side's unpark, and each time the socket poller (a
                // virtual thread) was scheduled again to collect the reports that woke them.
                double jdk = perUnpark * (2 + pollerRounds);
                double over = bytes - jdk;
                if (over < least) {
                    least = over;
                    worst = String.format("%.1f bytes per round trip, the JDK's scheduling %.1f"
                            + " (%.1f per unpark, %.2f socket-poller rounds per round trip)", bytes, jdk, perUnpark,
                            pollerRounds);
                }
            }
        }
        return least <= SLACK_PER_ROUND_TRIP ? "quiet" : worst;
    }

    /** Runs {@code n} round trips between two virtual threads. */
    private interface RoundTrips {
        void run(int n) throws Exception;
    }

    private static double leastPerRoundTrip(Object bean, Method total, RoundTrips trips) throws Exception {
        double least = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long before = (long) total.invoke(bean);
            trips.run(CALLS_PER_ROUND);
            least = Math.min(least, ((long) total.invoke(bean) - before) / (double) CALLS_PER_ROUND);
        }
        return least;
    }

    private static void socketPingPong(Loopback p, int n) throws Exception {
        Thread echo = Thread.ofVirtual().start(() -> {
            byte[] b = new byte[64];
            try {
                for (int i = 0; i < n; i++) {
                    p.server.readFully(b, 0, b.length, NO_LIMIT);
                    p.server.writeAll(b, 0, b.length, NO_LIMIT);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Thread ping = Thread.ofVirtual().start(() -> {
            byte[] b = new byte[64];
            try {
                for (int i = 0; i < n; i++) {
                    p.client.writeAll(b, 0, b.length, NO_LIMIT);
                    p.client.readFully(b, 0, b.length, NO_LIMIT);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        ping.join();
        echo.join();
    }

    private static void parkPong(int n) throws InterruptedException {
        AtomicLong turn = new AtomicLong();
        Thread[] threads = new Thread[2];
        for (int side = 0; side < 2; side++) {
            int me = side;
            threads[side] = Thread.ofVirtual().unstarted(() -> {
                for (long t = me; t < 2L * n; t += 2) {
                    while (turn.get() != t) {
                        LockSupport.park();
                    }
                    turn.set(t + 1);
                    LockSupport.unpark(threads[1 - me]);
                }
            });
        }
        threads[0].start();
        threads[1].start();
        threads[0].join();
        threads[1].join();
    }

    private static boolean hasAllocationCounters() {
        try {
            Class.forName("com.sun.management.ThreadMXBean");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** HotSpot's counters, reflectively: the module does not read java.management. */
    private static Method allocationCounter(String name) throws Exception {
        return Class.forName("com.sun.management.ThreadMXBean").getMethod(name);
    }

    /** The calling thread's allocation counter, read without allocating once warm. */
    private static LongSupplier allocatedByThisThread() throws Exception {
        Method current = allocationCounter("getCurrentThreadAllocatedBytes");
        Object bean = threadBean();
        return () -> {
            try {
                return (long) current.invoke(bean);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        };
    }

    private static Object threadBean() throws Exception {
        return Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
    }
}
