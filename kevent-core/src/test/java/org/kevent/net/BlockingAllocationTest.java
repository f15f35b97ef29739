package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.kevent.internal.linux.SocketWaits;

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
     * (its cost, as for a JDK socket with a timeout), which the scheduling price here leaves out.
     */
    private static final Duration NO_LIMIT = Duration.ofNanos(-1);
    private static final int ROUNDS = 30;
    private static final int CALLS_PER_ROUND = 5_000;
    /** Idle spells of the socket poller per round: each is a wake-up of a parked thread or two. */
    private static final int SPELLS_PER_ROUND = 500;
    private static final int PRICE_SAMPLES = 1_000;
    /** Far below one byte per call: room for the probe itself, nothing per call. */
    private static final long QUIET_ROUND_BYTES = 1024;
    /** Per round trip (or idle spell) over the JDK's own scheduling cost: less than any object. */
    private static final double SLACK_PER_ROUND_TRIP = 8;
    /** The first failure of a probe's own thread. */
    private static final AtomicReference<Throwable> FAILURE = new AtomicReference<>();
    /** Where a measured allocation goes, so that the compiler cannot leave it out. */
    private static volatile Object sink;

    /** Platform thread: calls that need not wait, and waits that poll(2) answers at once. */
    @Test
    void blockingCallsOnAPlatformThreadAllocateNothingOnceWarm() {
        assertThat(runProbe("platform")).containsExactly("quiet");
    }

    /**
     * Virtual threads: a round trip between two of them, each waiting for the other's bytes (so
     * each parks and is unparked by the shared socket poller), costs no more than what the JDK
     * charges for scheduling the virtual threads involved. The JDK allocates a task each time it
     * schedules a virtual thread (an unpark, the resumption after a yield) and HotSpot counts no
     * virtual thread's allocations on its own, so the whole JVM's count is compared with the
     * schedulings the socket poller's counters show, by kind: each reader or writer it unparked,
     * and each of its own rounds (it is a virtual thread itself, resumed after a yield, or after a
     * park when the watcher unparks it). Each is priced at the dearer of the JDK's two tasks,
     * measured exactly on a platform thread: an unpark's, and the one of a yield or a lazy submit
     * ({@code ForkJoinTask.adapt}). That bounds the JDK's part from above (an unpark that finds
     * its thread not parked yet costs the cheaper task, or nothing) and within about a byte per
     * round trip in practice, so anything the library allocates per round trip shows.
     *
     * <p>The two threads live through every round, so that starting them (their stacks, their
     * scratch memory, about 1 B per round trip) is not spread over the round trips. (Before, the
     * JDK's price was half a round trip of two virtual threads that park and unpark each other,
     * whose mix of dear, cheap and free unparks is not the socket round trip's and changes from
     * run to run: runs on a quiet machine failed by 0.1-0.3 B per round trip.)
     */
    @Test
    void aVirtualRoundTripAllocatesNoMoreThanTheJdksOwnParkAndUnpark() {
        assertThat(runProbe("virtual")).containsExactly("quiet");
    }

    /**
     * The socket poller's idle spell (a round that finds no report re-arms its epoll in the
     * watcher's and parks; the watcher unparks it at the next edge) allocates nothing but the
     * JDK's scheduling of it, even without C2's escape analysis: the watcher's unpark, priced as
     * above, and the poller's yield, priced at the cheaper task, which the JDK uses when the
     * carrier has nothing else queued (here nothing else runs). Its re-arm was an errno-capturing
     * {@code epoll_ctl}, whose capture slice (40 B) only escape analysis removes, and a re-arm
     * that runs once per idle spell may never be compiled by C2: in the round trips above, rounds
     * where the poller went idle often cost 40 B more per idle spell (96 B per spell here, where
     * the JDK's scheduling is 56).
     */
    @Test
    void theSocketPollersIdleSpellAllocatesNothingButTheJdksSchedulingWithoutEscapeAnalysis() {
        assertThat(runProbe("idle", "-XX:-DoEscapeAnalysis")).containsExactly("quiet");
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
     * @param args {@code platform}, {@code virtual}, {@code idle}, {@code arrays} or {@code direct}
     */
    public static void main(String[] args) throws Exception {
        String result = switch (args[0]) {
            case "platform" -> platformRounds();
            case "virtual" -> virtualRounds();
            case "idle" -> idleSpells();
            case "arrays" -> arrayCallRounds(false);
            case "direct" -> arrayCallRounds(true);
            default -> throw new IllegalArgumentException(args[0]);
        };
        System.out.println(result);
    }

    private static String platformRounds() throws Exception {
        LongSupplier allocated = allocationCounter("getCurrentThreadAllocatedBytes");
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
        LongSupplier allocated = allocationCounter("getCurrentThreadAllocatedBytes");
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
        LongSupplier total = allocationCounter("getTotalThreadAllocatedBytes");
        Prices prices = schedulingPrices();
        // Read by the pinging thread at the start of each round and at the end of the last.
        long[] bytes = new long[ROUNDS + 1];
        long[] jdk = new long[ROUNDS + 1];
        try (Loopback p = Loopback.open()) {
            Thread echo = startVirtual(() -> {
                byte[] b = new byte[64];
                for (int i = 0; i < ROUNDS * CALLS_PER_ROUND; i++) {
                    p.server.readFully(b, 0, b.length, NO_LIMIT);
                    p.server.writeAll(b, 0, b.length, NO_LIMIT);
                }
            });
            Thread ping = startVirtual(() -> {
                byte[] b = new byte[64];
                for (int round = 0; ; round++) {
                    jdk[round] = jdkBytes(prices.most(), prices.most());
                    bytes[round] = total.getAsLong();
                    if (round == ROUNDS) {
                        return;
                    }
                    for (int i = 0; i < CALLS_PER_ROUND; i++) {
                        p.client.writeAll(b, 0, b.length, NO_LIMIT);
                        p.client.readFully(b, 0, b.length, NO_LIMIT);
                    }
                }
            });
            join(ping);
            join(echo);
        }
        return quietest(bytes, jdk, CALLS_PER_ROUND, "round trip");
    }

    private static String idleSpells() throws Exception {
        LongSupplier total = allocationCounter("getTotalThreadAllocatedBytes");
        LongSupplier mine = allocationCounter("getCurrentThreadAllocatedBytes");
        Prices prices = schedulingPrices();
        try (Loopback p = Loopback.open()) {
            // A virtual thread's wait puts the socket in the poller's epoll, where it stays.
            Thread reader = startVirtual(() -> p.server.readFully(new byte[1], 0, 1, NO_LIMIT));
            awaitCondition(() -> reader.getState() == Thread.State.WAITING);
            byte[] b = new byte[1];
            p.client.writeAll(b, 0, 1, LONG);
            join(reader);
            long[] bytes = new long[ROUNDS + 1];
            long[] jdk = new long[ROUNDS + 1];
            for (int round = 0; ; round++) {
                // Every thread's but this one's, which sends and drains the bytes.
                bytes[round] = total.getAsLong() - mine.getAsLong();
                // The poller yields with nothing else to run on its carrier: the JDK submits it
                // from outside the pool, in ForkJoinTask.adapt's task.
                jdk[round] = jdkBytes(prices.most(), prices.adapt());
                if (round == ROUNDS) {
                    return quietest(bytes, jdk, SPELLS_PER_ROUND, "idle spell of the socket poller");
                }
                for (int i = 0; i < SPELLS_PER_ROUND; i++) {
                    awaitCondition(SocketWaits::socketPollerIdle);
                    long parks = SocketWaits.socketPollerParks();
                    p.client.writeAll(b, 0, 1, LONG);
                    // The edge wakes the poller; it takes the report, finds nothing more, parks.
                    awaitCondition(() -> SocketWaits.socketPollerParks() != parks && SocketWaits.socketPollerIdle());
                    p.server.readFully(b, 0, 1, LONG);
                }
            }
        }
    }

    /**
     * @param perWake  the price of each reader or writer the socket poller unparked, and of each of
     *                 its rounds after a park (the watcher unparked it)
     * @param perYield the price of each of its rounds after a yield
     * @return what the JDK allocated, at most, for the schedulings the poller's counters show
     */
    private static long jdkBytes(long perWake, long perYield) {
        long parks = SocketWaits.socketPollerParks();   // before the rounds, which count them too
        return perWake * (SocketWaits.socketPollerUnparks() + parks)
                + perYield * (SocketWaits.socketPollerRounds() - parks);
    }

    /**
     * @param bytes    allocated bytes at the start of each round, and at the end of the last
     * @param jdk      {@link #jdkBytes} at the same moments
     * @param perRound round trips (or spells) per round
     * @return "quiet" if a round allocated no more per round trip than the JDK's scheduling plus
     *         the slack; else the figures of the quietest round
     */
    private static String quietest(long[] bytes, long[] jdk, int perRound, String unit) {
        double least = Double.MAX_VALUE;
        String figures = null;
        for (int round = 0; round + 1 < bytes.length; round++) {
            double each = (bytes[round + 1] - bytes[round]) / (double) perRound;
            double scheduling = (jdk[round + 1] - jdk[round]) / (double) perRound;
            if (each - scheduling < least) {
                least = each - scheduling;
                figures = String.format("%.1f bytes per %s, the JDK's scheduling at most %.1f", each, unit, scheduling);
            }
        }
        return least <= SLACK_PER_ROUND_TRIP ? "quiet" : figures;
    }

    /**
     * What the JDK allocates to schedule a virtual thread once, by path: the task it wraps the
     * thread's continuation in.
     *
     * @param unpark for an unpark of a parked thread (as measured on a platform thread, whose own
     *               count is exact), or a yield while the carrier has other tasks queued
     * @param adapt  for a yield with nothing else queued, or an unpark that came while the thread
     *               was still parking ({@code ForkJoinTask.adapt})
     */
    private record Prices(long unpark, long adapt) {
        /** @return what any scheduling costs at most */
        long most() {
            return Math.max(unpark, adapt);
        }
    }

    private static Prices schedulingPrices() throws Exception {
        LongSupplier mine = allocationCounter("getCurrentThreadAllocatedBytes");
        Runnable nothing = () -> { };
        long adapt = Long.MAX_VALUE;
        for (int i = 0; i < PRICE_SAMPLES; i++) {
            long before = mine.getAsLong();
            sink = ForkJoinTask.adapt(nothing);
            adapt = Math.min(adapt, mine.getAsLong() - before);
        }
        AtomicLong resumed = new AtomicLong();
        Thread parker = Thread.ofVirtual().start(() -> {
            for (;;) {   // parked for good at the end: the JVM does not wait for virtual threads
                LockSupport.park();
                resumed.incrementAndGet();
            }
        });
        // The least that an unpark which allocated cost: one that found the thread not parked
        // yet costs nothing, the first ones also make the pool's queue for this thread.
        long unpark = Long.MAX_VALUE;
        for (int i = 0; i < PRICE_SAMPLES; i++) {
            awaitCondition(() -> parker.getState() == Thread.State.WAITING);
            long seen = resumed.get();
            long before = mine.getAsLong();
            LockSupport.unpark(parker);
            long cost = mine.getAsLong() - before;
            if (cost > 0) {
                unpark = Math.min(unpark, cost);
            }
            awaitCondition(() -> resumed.get() != seen);
        }
        if (unpark == Long.MAX_VALUE) {
            unpark = 0;   // a JDK that schedules for free
        }
        return new Prices(unpark, adapt);
    }

    /** A probe thread's work; a failure fails the probe. */
    private interface Work {
        void run() throws Exception;
    }

    private static Thread startVirtual(Work work) {
        return Thread.ofVirtual().start(() -> {
            try {
                work.run();
            } catch (Throwable t) {
                FAILURE.compareAndSet(null, t);
            }
        });
    }

    private static void join(Thread t) throws Exception {
        if (!t.join(LONG)) {
            throw new AssertionError(t + " still running after " + LONG);
        }
        Throwable failed = FAILURE.get();
        if (failed != null) {
            throw new AssertionError("a probe thread failed", failed);
        }
    }

    /** Spins (yielding the processor) until {@code done}, for at most {@link #LONG}. */
    private static void awaitCondition(BooleanSupplier done) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("a probe's condition never came true within " + LONG);
            }
            Thread.yield();
        }
    }

    private static boolean hasAllocationCounters() {
        try {
            Class.forName("com.sun.management.ThreadMXBean");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * One of HotSpot's allocation counters, reflectively (the module does not read
     * java.management), through {@code invokeExact}: the reading boxes nothing, so it allocates
     * nothing even before the compiler gets to it.
     */
    private static LongSupplier allocationCounter(String name) throws Exception {
        MethodHandle counter = MethodHandles.publicLookup()
                .findVirtual(Class.forName("com.sun.management.ThreadMXBean"), name, MethodType.methodType(long.class))
                .bindTo(threadBean());
        return () -> {
            try {
                return (long) counter.invokeExact();
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        };
    }

    private static Object threadBean() throws Exception {
        return Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
    }
}
