package org.kevent.bench;

import java.util.concurrent.TimeUnit;

import org.kevent.AioEngine;
import org.kevent.EventBuffer;
import org.kevent.EventRing;
import org.kevent.EventType;
import org.kevent.KeventQueue;
import org.kevent.QueueEngine;
import org.kevent.Ukevent;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH benchmarks of the engine's hot paths: trigger and deliver user events (one thread, two
 * threads, through the ring) and timer add+cancel. Run through {@link EngineRunner}.
 *
 * <h2>Semantics</h2>
 * Throughput in operations per second, where one operation is one delivered event
 * ({@link OperationsPerInvocation} equal to the batch) or one add+remove pair. Every queue is set up
 * outside the measurement, so the steady state should allocate nothing: {@code gc.alloc.rate.norm}
 * shows whether it does.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBenchmark {
    /** Batch of the batched one-thread and ring benchmarks. */
    static final int BATCH = 64;
    /** User events the two-thread producer cycles through, so triggers rarely coalesce. */
    static final int TWO_THREAD_IDS = 1024;

    /** A queue with {@link #BATCH} user events registered, and a reusable buffer. */
    @State(Scope.Thread)
    public static class UserEvents {
        /** The queue's engine: the portable row shows what a program loses off Linux. */
        @Param({"linux", "portable"})
        public String queueEngine;
        KeventQueue queue;
        EventBuffer events;
        long[] ids;

        @Setup(Level.Trial)
        public void open() {
            queue = withUserEvents(BATCH, queueEngine);
            events = new EventBuffer(BATCH);
            ids = batchIds();
        }

        @TearDown(Level.Trial)
        public void close() {
            queue.close();
        }
    }

    /** {@link #BATCH} user events delivered through a ring of 1024 slots. */
    @State(Scope.Thread)
    public static class RingEvents {
        @Param({"linux", "portable"})
        public String queueEngine;
        KeventQueue queue;
        EventRing ring;
        long[] ids;

        @Setup(Level.Trial)
        public void open() {
            queue = withUserEvents(BATCH, queueEngine);
            ring = queue.openRing(1024);
            ids = batchIds();
        }

        @TearDown(Level.Trial)
        public void close() {
            queue.close();
        }
    }

    static KeventQueue withUserEvents(int count, String engine) {
        KeventQueue queue = open(engine);
        for (int i = 0; i < count; i++) {
            queue.add(Ukevent.user(i));
        }
        return queue;
    }

    /** @return a queue on the engine named {@code linux} or {@code portable} */
    static KeventQueue open(String engine) {
        return KeventQueue.builder().engine(QueueEngine.of(engine)).open();
    }

    static long[] batchIds() {
        long[] ids = new long[BATCH];
        for (int i = 0; i < BATCH; i++) {
            ids[i] = i;
        }
        return ids;
    }

    /** A queue and one prebuilt timer record (1 s delay, id 1). */
    @State(Scope.Thread)
    public static class Timer {
        @Param({"linux", "portable"})
        public String queueEngine;
        KeventQueue queue;
        final Ukevent record = Ukevent.timerNanos(1, TimeUnit.SECONDS.toNanos(1));

        @Setup(Level.Trial)
        public void open() {
            queue = EngineBenchmark.open(queueEngine);
        }

        @TearDown(Level.Trial)
        public void close() {
            queue.close();
        }
    }

    /** The queue shared by the producer and the consumer of the two-thread group. */
    @State(Scope.Group)
    public static class Shared {
        @Param({"linux", "portable"})
        public String queueEngine;
        KeventQueue queue;

        @Setup(Level.Trial)
        public void open() {
            queue = withUserEvents(TWO_THREAD_IDS, queueEngine);
        }

        @TearDown(Level.Trial)
        public void close() {
            queue.close();
        }
    }

    /** The producer's cursor over the registered ids. */
    @State(Scope.Thread)
    public static class Producer {
        int next;
    }

    /**
     * The consumer's buffer and counters. JMH reports each public field per second (ops-type aux
     * counters): {@code events} is events delivered, {@code triggers} the triggers they carried
     * (a user event delivers the count of triggers coalesced since its last delivery).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Consumer {
        final EventBuffer buffer = new EventBuffer(256);
        public long events;
        public long triggers;

        @Setup(Level.Iteration)
        public void reset() {
            events = 0;
            triggers = 0;
        }
    }

    // ---------------------------------------------------------------------------------- one thread

    /** Trigger {@link #BATCH} user events in one call, then take them in one non-blocking getEvents. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int triggerDeliverOneThread(UserEvents s) {
        return triggerDeliver(s, BATCH);
    }

    /** The same with a batch of one: the per-call overhead (lock, checks) with nothing to amortise it. */
    @Benchmark
    public int triggerDeliverOneThreadB1(UserEvents s) {
        return triggerDeliver(s, 1);
    }

    private static int triggerDeliver(UserEvents s, int batch) {
        s.queue.trigger(s.ids, 0, batch);
        int n = s.queue.getEvents(batch, batch, 0, TimeUnit.NANOSECONDS, s.events);
        if (n != batch) {
            throw new IllegalStateException("delivered " + n + " of " + batch);
        }
        return n;
    }

    // ---------------------------------------------------------------------------------- two threads

    /** Producer: one {@code trigger(id)}, cycling over {@link #TWO_THREAD_IDS} user events. */
    @Benchmark
    @Group("triggerDeliverTwoThreads")
    @GroupThreads(1)
    public void produce(Shared s, Producer p) {
        int id = p.next;
        p.next = id + 1 == TWO_THREAD_IDS ? 0 : id + 1;
        s.queue.trigger(id);
    }

    /**
     * Consumer: one blocking {@code getEvents(1, 256, …)}. The timeout is 10 ms, not forever: at the
     * end of an iteration the producer stops first, and a consumer blocked forever would never
     * return to let JMH end the iteration.
     */
    @Benchmark
    @Group("triggerDeliverTwoThreads")
    @GroupThreads(1)
    public int consume(Shared s, Consumer c) {
        EventBuffer b = c.buffer;
        int n = s.queue.getEvents(1, 256, 10, TimeUnit.MILLISECONDS, b);
        long carried = 0;
        for (int i = 0; i < n; i++) {
            carried += b.data(i);
        }
        c.events += n;
        c.triggers += carried;
        return n;
    }

    // ---------------------------------------------------------------------------------- timers

    /** Add a one-second timer from a prebuilt record, then remove it: one op is the pair. */
    @Benchmark
    public void timerAddCancel(Timer t) {
        t.queue.add(t.record);
        t.queue.remove(EventType.TIMER, 1);
    }

    // ---------------------------------------------------------------------------------- ring

    /** Trigger {@link #BATCH} user events, then await, read and commit them through the ring. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long ringTriggerDeliver(RingEvents s) {
        s.queue.trigger(s.ids, 0, BATCH);
        EventRing ring = s.ring;
        long end = ring.await(BATCH, 0, TimeUnit.NANOSECONDS);
        if (end - ring.readPosition() != BATCH) {
            throw new IllegalStateException("ring holds " + (end - ring.readPosition()) + " of " + BATCH);
        }
        long sum = 0;
        for (long seq = ring.readPosition(); seq < end; seq++) {
            sum += ring.id(seq) + ring.data(seq);
        }
        ring.commit(end);
        return sum;
    }

    // ---------------------------------------------------------------------------------- network AIO

    /** A loopback connection, a queue on the chosen AIO engine, and two direct buffers of 1 KiB. */
    @State(Scope.Thread)
    public static class Aio {
        @Param({"io_uring", "readiness"})
        public String engine;
        KeventQueue queue;
        TcpListener listener;
        TcpSocket client;
        TcpSocket server;
        java.nio.ByteBuffer out;
        java.nio.ByteBuffer in;
        EventBuffer events;

        @Setup(Level.Trial)
        public void open() {
            warmClosePath(engine);
            connect(KeventQueue.builder().aioEngine(AioEngine.of(engine)).singleIssuer(true).open());
        }

        /**
         * Runs a queue of this engine through requests and close once before the trial: JMH counts
         * the trial's teardown in its last iteration, and the first close of an io_uring queue in
         * a JVM links its system-call handles (~620 KB once, ~760 B afterwards), which read as
         * ~9 B/op in that iteration and ~2 B/op over the run — none of it in the path measured.
         */
        static void warmClosePath(String engine) {
            Aio warm = new Aio();
            warm.connect(KeventQueue.builder().aioEngine(AioEngine.of(engine)).singleIssuer(true).aioRecvBuffers(4, 1024).open());
            warm.queue.aioRecvMultishot(warm.server, 1, null);
            warm.queue.aioRecv(warm.client, warm.in, 2, null, 0);
            warm.queue.aioSend(warm.client, warm.out, 3, null, 0);
            warm.queue.poll(warm.events);
            warm.close();
        }

        void connect(KeventQueue q) {
            queue = q;
            listener = TcpListener.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
                    4, false);
            client = TcpSocket.connect(listener.localAddress());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((server = listener.accept()) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no connection to accept within 10 s");
                }
                Thread.onSpinWait();
            }
            out = java.nio.ByteBuffer.allocateDirect(1024);
            in = java.nio.ByteBuffer.allocateDirect(1024);
            events = new EventBuffer(4);
        }

        @TearDown(Level.Trial)
        public void close() {
            client.close();
            server.close();
            listener.close();
            queue.close();
        }
    }

    /**
     * One aioRecv of 1 KiB on one end and one aioSend of 1 KiB on the other, both completions
     * taken: one op is the round trip through the kernel and the queue.
     */
    @Benchmark
    public long aioSendRecv(Aio a) {
        a.out.clear();
        a.in.clear();
        a.queue.aioRecv(a.server, a.in, 1, null, 0);
        a.queue.aioSend(a.client, a.out, 2, null, 0);
        long bytes = 0;
        int done = 0;
        while (done < 2) {
            int n = a.queue.getEvents(1, 4, 1, TimeUnit.SECONDS, a.events);
            if (n == 0) {
                throw new IllegalStateException("no completion within 1 s");
            }
            for (int i = 0; i < n; i++) {
                bytes += a.events.data(i);
            }
            done += n;
        }
        return bytes;
    }

    /** A loopback connection and a queue with one multishot receive armed on its server end. */
    @State(Scope.Thread)
    public static class Multishot {
        @Param({"io_uring", "readiness"})
        public String engine;
        Aio link = new Aio();
        java.nio.ByteBuffer out;
        EventBuffer events;

        @Setup(Level.Trial)
        public void open() {
            Aio.warmClosePath(engine);
            link.connect(KeventQueue.builder().aioEngine(AioEngine.of(engine)).singleIssuer(true).aioRecvBuffers(64, 1024).open());
            link.queue.aioRecvMultishot(link.server, 1, null);
            out = java.nio.ByteBuffer.allocateDirect(1024);
            events = new EventBuffer(16);
        }

        @TearDown(Level.Trial)
        public void close() {
            link.close();
        }
    }

    /**
     * 1 KiB written to the client end with a plain nonblocking send, then taken from the server
     * end's multishot receive: arrivals with lent buffers, each given back at once. One op is 1 KiB
     * through the kernel and the queue; the request itself is never renewed.
     */
    @Benchmark
    public long aioMultishotRecv(Multishot m) {
        m.out.clear();
        while (m.out.hasRemaining()) {
            m.link.client.send(m.out);
        }
        long bytes = 0;
        while (bytes < 1024) {
            int n = m.link.queue.getEvents(1, 16, 1, TimeUnit.SECONDS, m.events);
            if (n == 0) {
                throw new IllegalStateException("no arrival within 1 s");
            }
            for (int i = 0; i < n; i++) {
                if ((m.events.flags(i) & org.kevent.Kevent.RET_MORE) == 0) {
                    throw new IllegalStateException("the multishot receive ended: " + m.events.data(i));
                }
                bytes += m.events.data(i);
                m.link.queue.aioReleaseBuffer((int) m.events.data2(i));
            }
        }
        return bytes;
    }
}
