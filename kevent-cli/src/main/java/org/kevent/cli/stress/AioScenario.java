package org.kevent.cli.stress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.kevent.AioEngine;
import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.QueueStats;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * Network AIO under cancellation: one event-loop thread streams a byte pattern over 8 loopback
 * connections with {@code aioSend} / {@code aioRecv} (4 KiB requests, one per direction and
 * connection, re-posted on completion), while another thread cancels requests at random with
 * {@code aioCancel}. A ninth connection never carries data: its receive is always pending, so
 * cancels also hit requests that are surely in the kernel (most data requests end within
 * microseconds, before a cancel can reach them). Odd connections receive through
 * {@code aioRecvMultishot} instead, from a pool of only 16 buffers of 1 KiB, and the canceller
 * thread — not the loop — gives their buffers back, so receiving pauses on an empty pool and
 * resumes from another thread. Half the budget on io_uring, half on the readiness engine.
 *
 * <p>Books: every request started ends exactly once (a second completion, or one for a request
 * never started, is a duplicate; a request without its completion once the queue closed is lost —
 * the queue's own {@code aioStarted}/{@code aioEnded} counters are compared too); a cancelled
 * request's partial transfer (data2) moves its buffer like a completed one, so each stream stays
 * whole: at the end the bytes received equal the bytes sent and every byte is the one sent at its
 * offset. A multishot request's arrivals come before its one last event, whose data2 must equal
 * the bytes they carried.
 */
final class AioScenario implements Scenario {
    private static final int CONNECTIONS = 8;
    /** Index of the connection that never carries data. */
    private static final int IDLE = CONNECTIONS;
    private static final int CHUNK = 4096;

    @Override
    public String name() {
        return "aio";
    }

    @Override
    public void run(Duration budget, StressStats stats) throws InterruptedException {
        Duration half = budget.dividedBy(2);
        runOn("io_uring", half, stats);
        runOn("readiness", budget.minus(half), stats);
    }

    private void runOn(String engine, Duration budget, StressStats stats) throws InterruptedException {
        String label = name() + "/" + engine;
        Workers workers = new Workers(label, stats);
        KeventQueue queue = KeventQueue.builder().aioEngine(AioEngine.of(engine)).aioRecvBuffers(16, 1024).open();
        Loop loop = new Loop(queue, label, stats);
        try {
            loop.connect();
            long end = System.nanoTime() + budget.toNanos();
            Thread looping = workers.start("loop", () -> loop.run(end));
            workers.start("canceller", () -> {
                while (looping.isAlive()) {
                    for (Integer b; (b = loop.toRelease.poll()) != null; ) {
                        queue.aioReleaseBuffer(b);
                        stats.operations(1);
                    }
                    Long[] ids = loop.inFlight.keySet().toArray(new Long[0]);
                    if (ids.length > 0 && queue.aioCancel(ids[ThreadLocalRandom.current().nextInt(ids.length)])) {
                        loop.cancels.increment();
                    }
                    stats.operations(1);
                    Thread.sleep(0, 200_000);
                }
            });
            workers.joinAll(budget.toNanos() + Workers.DRAIN_NANOS + Workers.STUCK_NANOS, "from streaming");
        } finally {
            queue.close();
            loop.closeSockets();
        }
        if (loop.cancels.sum() == 0) {
            stats.failed(label + ": no request was cancelled, so cancellation went untested");
        }
        QueueStats s = queue.stats();
        if (s.aioCancelled() == 0) {
            stats.failed(label + ": the queue counted no cancelled request");
        }
        stats.lost(s.aioStarted() - s.aioEnded(), label + ": " + (s.aioStarted() - s.aioEnded())
                + " requests never ended (queue counters)");
        stats.lost(loop.started - loop.completions - loop.inFlightAtClose, label + ": "
                + (loop.started - loop.completions - loop.inFlightAtClose) + " requests without a completion");
        for (int c = 0; c < CONNECTIONS; c++) {
            long diff = loop.sent[c] - loop.received[c];
            stats.lost(diff, label + ": connection " + c + " received " + loop.received[c] + " of " + loop.sent[c]
                    + " bytes");
            stats.duplicated(-diff, label + ": connection " + c + " received " + loop.received[c] + " bytes, "
                    + loop.sent[c] + " sent");
        }
    }

    /** The event loop: its requests, its books. Only its thread touches the arrays. */
    private static final class Loop {
        final KeventQueue queue;
        final String label;
        final StressStats stats;
        final ConcurrentHashMap<Long, Boolean> inFlight = new ConcurrentHashMap<>();
        /** Multishot buffers the loop has read, for the canceller thread to give back. */
        final java.util.concurrent.ConcurrentLinkedQueue<Integer> toRelease = new java.util.concurrent.ConcurrentLinkedQueue<>();
        /** Per connection: bytes the current multishot request's arrivals carried. */
        final long[] multishotBytes = new long[CONNECTIONS + 1];
        final java.util.concurrent.atomic.LongAdder cancels = new java.util.concurrent.atomic.LongAdder();
        final TcpSocket[] clients = new TcpSocket[CONNECTIONS + 1];
        final TcpSocket[] servers = new TcpSocket[CONNECTIONS + 1];
        final ByteBuffer[] out = new ByteBuffer[CONNECTIONS + 1];
        final ByteBuffer[] in = new ByteBuffer[CONNECTIONS + 1];
        boolean idlePending;
        final long[] sent = new long[CONNECTIONS];
        final long[] received = new long[CONNECTIONS];
        long started;
        long completions;
        long inFlightAtClose;
        TcpListener listener;

        Loop(KeventQueue queue, String label, StressStats stats) {
            this.queue = queue;
            this.label = label;
            this.stats = stats;
        }

        void connect() {
            listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false);
            for (int c = 0; c <= CONNECTIONS; c++) {
                clients[c] = TcpSocket.connect(listener.localAddress());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while ((servers[c] = listener.accept()) == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no connection to accept within 5 s");
                    }
                    Thread.onSpinWait();
                }
                out[c] = ByteBuffer.allocateDirect(CHUNK);
                in[c] = ByteBuffer.allocateDirect(CHUNK);
            }
        }

        void run(long end) {
            for (int c = 0; c < CONNECTIONS; c++) {
                fill(c);
                send(c);
                recv(c);
            }
            recv(IDLE);
            idlePending = true;
            EventBuffer events = new EventBuffer(64);
            boolean sending = true;
            long lastEvent = System.nanoTime();
            while (true) {
                if (sending && System.nanoTime() > end) {
                    sending = false;
                }
                if (!sending && drained()) {
                    break;
                }
                long t0 = System.nanoTime();
                int n = queue.getEvents(1, 64, 100, TimeUnit.MILLISECONDS, events);
                stats.operations(1);
                if (n > 0) {
                    stats.waited(System.nanoTime() - t0);
                    stats.delivered(n);
                    lastEvent = System.nanoTime();
                } else if (System.nanoTime() - lastEvent > Workers.STUCK_NANOS) {
                    stats.stuck(label + ": no completion for 5 s with " + inFlight.size() + " requests in flight");
                    break;
                }
                for (int i = 0; i < n; i++) {
                    completed(events, i, sending);
                }
            }
            inFlightAtClose = inFlight.size();
        }

        private boolean drained() {
            for (int c = 0; c < CONNECTIONS; c++) {
                if (received[c] != sent[c]) {
                    return false;
                }
            }
            // Every send is done; only the receives re-posted for more remain.
            return inFlight.size() == CONNECTIONS + (idlePending ? 1 : 0);
        }

        private void completed(EventBuffer events, int i, boolean sending) {
            if (events.type(i) != EventType.NAIO) {
                return;
            }
            long id = events.id(i);
            if ((events.flags(i) & Kevent.RET_MORE) != 0) {
                arrival(events, i, id);
                return;
            }
            if (inFlight.remove(id) == null) {
                stats.duplicated(1, label + ": a completion of request " + id + ", which was not in flight");
                return;
            }
            completions++;
            int c = (int) events.cookie(i);
            long result = events.data(i);
            long moved = result >= 0 ? result : events.data2(i);
            if (result < 0 && result != -125) {
                stats.failed(label + ": request " + id + " failed with errno " + -result);
            }
            if (c == IDLE) {
                if (result != -125) {
                    stats.failed(label + ": the idle connection's receive ended with " + result + ", not cancelled");
                }
                idlePending = sending;
                if (sending) {
                    recv(IDLE);
                }
                return;
            }
            if (events.events(i) == Kevent.NAIO_RECV_MULTISHOT) {
                if (events.data2(i) != multishotBytes[c]) {
                    stats.failed(label + ": multishot request " + id + " says " + events.data2(i)
                            + " bytes in all, its arrivals carried " + multishotBytes[c]);
                }
                if (result == 0) {
                    stats.failed(label + ": connection " + c + " ended its stream");
                }
                recv(c);
            } else if (events.events(i) == Kevent.NAIO_RECV) {
                check(c, moved);
                recv(c);
            } else {
                sent[c] += moved;
                if (!out[c].hasRemaining()) {
                    if (!sending) {
                        return;
                    }
                    fill(c);
                }
                send(c);
            }
        }

        private void arrival(EventBuffer events, int i, long id) {
            int c = (int) events.cookie(i);
            if (!inFlight.containsKey(id)) {
                stats.duplicated(1, label + ": an arrival of request " + id + ", which was not in flight");
            }
            ByteBuffer view = events.buffer(i);
            if (view.remaining() != events.data(i)) {
                stats.failed(label + ": an arrival of " + events.data(i) + " bytes lent a view of " + view.remaining());
            }
            multishotBytes[c] += view.remaining();
            checkBytes(c, view);
            toRelease.add((int) events.data2(i));
        }

        /** The receive moved in[c]'s position by what it got; check those bytes, keep the rest. */
        private void check(int c, long moved) {
            ByteBuffer b = in[c];
            b.flip();
            checkBytes(c, b);
            b.clear();
        }

        private void checkBytes(int c, ByteBuffer b) {
            int k = 0;
            while (b.hasRemaining()) {
                byte got = b.get();
                if (got != SocketScenario.pattern(c, received[c] + k)) {
                    stats.failed(label + ": connection " + c + " byte " + (received[c] + k) + " is " + got);
                    break;
                }
                k++;
            }
            received[c] += k;
        }

        private void fill(int c) {
            ByteBuffer b = out[c];
            b.clear();
            long base = sent[c];
            for (int k = 0; k < CHUNK; k++) {
                b.put(SocketScenario.pattern(c, base + k));
            }
            b.flip();
        }

        private void send(int c) {
            long id = queue.aioSend(clients[c], out[c], c, null, 0);
            inFlight.put(id, Boolean.TRUE);
            started++;
            stats.operations(1);
        }

        private void recv(int c) {
            long id;
            if (c % 2 == 1 && c != IDLE) {
                multishotBytes[c] = 0;
                id = queue.aioRecvMultishot(servers[c], c, null);
            } else {
                id = queue.aioRecv(servers[c], in[c], c, null, 0);
            }
            inFlight.put(id, Boolean.TRUE);
            started++;
            stats.operations(1);
        }

        void closeSockets() {
            for (int c = 0; c <= CONNECTIONS; c++) {
                if (clients[c] != null) {
                    clients[c].close();
                }
                if (servers[c] != null) {
                    servers[c].close();
                }
            }
            if (listener != null) {
                listener.close();
            }
        }
    }
}
