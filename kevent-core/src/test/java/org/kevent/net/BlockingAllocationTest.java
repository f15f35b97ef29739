package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

/**
 * The blocking calls allocate nothing in the steady state. Rounds repeat until one is quiet,
 * because how soon the JIT gets there varies; code that allocates per call never gets there.
 *
 * <p>Measured in a child JVM: whether C2 scalar-replaces the heap segments of the byte-array
 * socket bindings ({@code MemorySegment.ofArray(..).asSlice(..)} in {@code Sockets}) depends on
 * the type profiles of the JDK's segment code, and a JVM that has also sliced native segments
 * (the other socket tests, with direct buffers) can compile it so that they escape. A program
 * that reads into arrays sees the child's figures.
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
     * each parks and is unparked by the shared watcher), costs no more than the same round trip
     * of two virtual threads that park and unpark each other directly. The JDK allocates on
     * unpark (a task for the scheduler) and HotSpot counts no virtual thread's allocations on
     * its own, so the whole JVM's count is compared with that baseline.
     */
    @Test
    void aVirtualRoundTripAllocatesNoMoreThanTheJdksOwnParkAndUnpark() {
        assertThat(runProbe("virtual")).containsExactly("quiet");
    }

    private static String[] runProbe(String mode) {
        assumeTrue(hasAllocationCounters(), "no allocation counter on this JVM");
        String[] lines = org.kevent.ChildJvm.runMain(BlockingAllocationTest.class, java.util.List.of(), mode);
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
            default -> throw new IllegalArgumentException(args[0]);
        };
        System.out.println(result);
    }

    private static String platformRounds() throws Exception {
        Method current = allocationCounter("getCurrentThreadAllocatedBytes");
        Object bean = threadBean();
        try (Loopback p = Loopback.open()) {
            byte[] b = new byte[64];
            long fewest = Long.MAX_VALUE;
            for (int round = 0; round < ROUNDS && fewest > QUIET_ROUND_BYTES; round++) {
                long before = (long) current.invoke(bean);
                for (int i = 0; i < CALLS_PER_ROUND; i++) {
                    p.client.awaitWritable(LONG);
                    p.client.writeAll(b, 0, b.length, LONG);
                    p.server.awaitReadable(LONG);
                    p.server.readFully(b, 0, b.length, LONG);
                    p.server.write(b, 0, 8, LONG);
                    p.client.read(b, 0, 8, LONG);
                }
                fewest = Math.min(fewest, (long) current.invoke(bean) - before);
            }
            return fewest <= QUIET_ROUND_BYTES ? "quiet" : fewest + " bytes in the quietest round of "
                    + CALLS_PER_ROUND + " iterations";
        }
    }

    private static String virtualRounds() throws Exception {
        Method total = allocationCounter("getTotalThreadAllocatedBytes");
        Object bean = threadBean();
        double baseline = leastPerRoundTrip(bean, total, BlockingAllocationTest::parkPong);
        double kevent;
        try (Loopback p = Loopback.open()) {
            kevent = leastPerRoundTrip(bean, total, n -> socketPingPong(p, n));
        }
        return kevent <= baseline + SLACK_PER_ROUND_TRIP ? "quiet"
                : String.format("%.1f bytes per round trip, park/unpark alone %.1f", kevent, baseline);
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

    private static Object threadBean() throws Exception {
        return Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
    }
}
