package org.kevent.cli.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.QueueClosedException;
import org.kevent.Ukevent;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * evserver: HTTP/1.1 on kevent queues, one queue and one {@code SO_REUSEPORT} listener per thread.
 *
 * <p><b>Semantics</b>: each thread waits on its own queue for ACCEPT on its listener (level) and
 * RECV|RDHUP on its connections (edge-triggered); SEND is added to a connection's interest only
 * while it has unsent bytes, and dropped again once they are out. The HTTP work is
 * {@link HttpProcessor#serve}. When accept fails for lack of descriptors (EMFILE, ENFILE) the
 * thread removes its ACCEPT interest and adds it back from a one-shot timer
 * {@link #ACCEPT_BACKOFF_NANOS} later: the pending connection stays in the kernel's backlog,
 * existing connections keep being served, and the thread does not spin.
 *
 * <p><b>Limits</b> ({@link Limits}, issue 12): a connection that owes a request (a new one, or
 * one whose head or body is arriving) is closed if the request is not complete within the
 * request timeout of the wait's start; one that owes nothing (keep-alive between requests), or
 * whose answers wait for the client to read them, is closed after the idle timeout without
 * progress; both are checked by one TIMER interest per thread, armed only while the thread has
 * connections, at the first deadline (plus a little slack, so that deadlines close together
 * cost one wake-up). A thread holds at most its share of {@link Limits#maxConnections()}: the
 * connection accepted beyond it closes the thread's connection whose deadline comes first, so a
 * new client is never locked out by connections that merely sit there. Connections closed for
 * these reasons are closed without an answer (as nginx does), and reset if answers are still
 * queued for them (a client that does not read), so that these do not outlive the connection.
 * Each connection may have at most 128 KiB queued unsent in the kernel ({@code TCP_NOTSENT_LOWAT}),
 * so a client that stops reading stops the progress that keeps its idle timeout away soon
 * after, and costs the kernel that much, not the megabytes of an autotuned send buffer.
 *
 * <p><b>Threading</b>: {@link #start} and {@link #close} from any thread; everything else happens
 * on the server's own threads. {@link #close} wakes every queue, waits for the threads to close
 * their connections, listener and queue, and is idempotent (safe from a shutdown hook).
 *
 * <p><b>Caveats</b>: a connection closed after an error answer may reset (RST) if the client
 * still had unread bytes in flight; the answer is sent before the close, but the peer's kernel
 * may drop it. Accept, close, re-arm and backoff are separate methods so the JIT keeps the hot
 * dispatch (serve, return) compact.
 */
public final class EvServer implements AutoCloseable {
    /** How long accepting pauses after EMFILE / ENFILE. */
    static final long ACCEPT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int BACKLOG = 4096;
    private static final int BATCH = 256;
    private static final int RECV_INTEREST = Kevent.SOCKET_RECV | Kevent.SOCKET_RDHUP;
    private static final long ACCEPT_TIMER_ID = 1;
    private static final long DEADLINE_TIMER_ID = 2;
    /**
     * Unsent bytes the kernel keeps for one connection ({@code TCP_NOTSENT_LOWAT}); beyond them it
     * takes no more until the client reads. Unbounded, Linux lets a client that never reads make
     * the send buffer grow to megabytes (4 MiB by default), each chunk taken counting as
     * progress, so the idle timeout only began once megabytes were queued. Bytes in flight are not
     * counted: a fast or distant client still gets its full window.
     */
    static final int NOT_SENT_BOUND = 128 * 1024;

    /**
     * What clients may hold of the server: how long a request may take to arrive, how long a
     * connection may sit without progress, and how many may be open.
     *
     * @param requestTimeout a request (its head, and a body it carries) must be complete within
     *                       this from the moment the connection began to owe one: accepted, or
     *                       done with the previous request; positive
     * @param idleTimeout    a connection that owes nothing, or whose answers wait for the client to
     *                       read them, is closed after this long without progress; positive
     * @param maxConnections open connections, all threads together (each thread holds its share,
     *                       at least one); at least 1
     */
    public record Limits(java.time.Duration requestTimeout, java.time.Duration idleTimeout, int maxConnections) {
        /** The request timeout by default: 10 s. */
        public static final java.time.Duration DEFAULT_REQUEST_TIMEOUT = java.time.Duration.ofSeconds(10);
        /** The idle timeout by default: 60 s. */
        public static final java.time.Duration DEFAULT_IDLE_TIMEOUT = java.time.Duration.ofSeconds(60);

        /** Checks the values; see the record's parameters. */
        public Limits {
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("request timeout must be positive, got " + requestTimeout);
            }
            if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("max connections must be at least 1, got " + maxConnections);
            }
        }

        /**
         * @param files whether files are served (each connection may then hold a second descriptor)
         * @return 10 s, 60 s and {@link #defaultMaxConnections(boolean)}
         */
        public static Limits defaults(boolean files) {
            return new Limits(DEFAULT_REQUEST_TIMEOUT, DEFAULT_IDLE_TIMEOUT, defaultMaxConnections(files));
        }

        /**
         * The connections this process can hold open without running out of descriptors: its
         * descriptor limit ({@code RLIMIT_NOFILE}) less an eighth (at least 64) for the JVM, the
         * queues and listeners, halved when files are served, since a connection sending a file
         * holds two.
         *
         * @param files whether files are served
         * @return at least 1
         */
        public static int defaultMaxConnections(boolean files) {
            long limit = 1024;
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                limit = unix.getMaxFileDescriptorCount();
            }
            long room = limit - Math.max(64, limit / 8);
            return (int) Math.clamp(files ? room / 2 : room, 1, Integer.MAX_VALUE);
        }
    }

    private final List<Worker> workers = new ArrayList<>();
    private final InetSocketAddress address;
    private final String engine;

    private EvServer(InetSocketAddress address, String engine) {
        this.address = address;
        this.engine = engine;
    }

    /**
     * Binds {@code threads} listeners to {@code local} and starts one serving thread per listener.
     *
     * @param local   the address; port 0 picks a free port, shared by all threads
     * @param threads at least 1
     * @param root    the directory to serve files from, or null for {@code /plaintext} only
     * @return the running server
     * @throws IOException     if the root is not a directory
     * @throws KeventException if a listener cannot be bound
     */
    public static EvServer start(InetSocketAddress local, int threads, Path root) throws IOException {
        return start(local, threads, root, false);
    }

    /**
     * As {@link #start(InetSocketAddress, int, Path)}; with {@code aio}, every connection's bytes
     * move through network AIO requests ({@code aioRecv}, {@code aioSend}, {@code aioSendfile})
     * instead of readiness events and nonblocking calls.
     *
     * @param local   the address
     * @param threads at least 1
     * @param root    files to serve, or null
     * @param aio     whether to serve through network AIO
     * @return the running server
     * @throws IOException     if the root is not a directory
     * @throws KeventException if a listener cannot be bound or AIO cannot start
     */
    public static EvServer start(InetSocketAddress local, int threads, Path root, boolean aio) throws IOException {
        return start(local, threads, root, aio, Limits.defaults(root != null));
    }

    /**
     * As {@link #start(InetSocketAddress, int, Path, boolean)}, with the given limits on clients.
     *
     * @param local   the address
     * @param threads at least 1
     * @param root    files to serve, or null
     * @param aio     whether to serve through network AIO
     * @param limits  timeouts and the connection cap
     * @return the running server
     * @throws IOException     if the root is not a directory
     * @throws KeventException if a listener cannot be bound or AIO cannot start
     */
    public static EvServer start(InetSocketAddress local, int threads, Path root, boolean aio, Limits limits)
            throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        StaticFiles files = root == null ? null : new StaticFiles(root, SocketIo::open);
        int perThread = Math.max(1, limits.maxConnections() / threads);
        List<Worker> started = new ArrayList<>();
        InetSocketAddress bound = local;
        try {
            for (int i = 0; i < threads; i++) {
                TcpListener l = TcpListener.bind(bound, BACKLOG, true);
                bound = l.localAddress();
                Worker w;
                try {
                    w = new Worker(l, new HttpProcessor(files), aio, limits, perThread);
                } catch (RuntimeException e) {
                    l.close();
                    throw e;
                }
                started.add(w);
            }
        } catch (RuntimeException e) {
            started.forEach(Worker::closeResources);
            throw e;
        }
        KeventQueue first = started.get(0).queue;
        EvServer server = new EvServer(bound, aio ? first.engineName() + " + aio " + first.aioEngine()
                : first.engineName());
        server.workers.addAll(started);
        for (int i = 0; i < started.size(); i++) {
            Thread t = new Thread(started.get(i), "evserver-" + i);
            started.get(i).thread = t;
            t.start();
        }
        return server;
    }

    /** @return the bound address (with the real port when 0 was asked for) */
    public InetSocketAddress localAddress() {
        return address;
    }

    /** @return the queue engine's name, e.g. {@code linux-epoll}, with the AIO engine's in AIO mode */
    public String engineName() {
        return engine;
    }

    /** @return the number of serving threads */
    public int threads() {
        return workers.size();
    }

    /** @return how many times accepting paused for lack of descriptors, all threads together */
    long acceptBackoffs() {
        long n = 0;
        for (Worker w : workers) {
            n += w.acceptBackoffs;
        }
        return n;
    }

    /** @return connections closed because a request took too long or they sat idle, all threads together */
    public long timedOut() {
        long n = 0;
        for (Worker w : workers) {
            n += w.timedOut;
        }
        return n;
    }

    /** @return connections closed to make room for a new one at the connection cap, all threads together */
    public long evicted() {
        long n = 0;
        for (Worker w : workers) {
            n += w.evicted;
        }
        return n;
    }

    /** @return bytes the kernel took for connections now closed, all threads together (for tests) */
    long bytesSent() {
        long n = 0;
        for (Worker w : workers) {
            n += w.sentBytes;
        }
        return n;
    }

    /** @return connections currently open, all threads together (a racy sum, for tests) */
    int openConnections() {
        int n = 0;
        for (Worker w : workers) {
            n += w.openCount;
        }
        return n;
    }

    /**
     * Waits until every serving thread has ended.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitTermination() throws InterruptedException {
        for (Worker w : workers) {
            w.done.await();
        }
    }

    /** Stops every thread and waits (up to a few seconds) for them to release their sockets. */
    @Override
    public void close() {
        for (Worker w : workers) {
            w.running = false;
            try {
                w.queue.wakeup();
            } catch (QueueClosedException alreadyClosed) {
                // The thread ended on its own and closed its queue.
            }
        }
        for (Worker w : workers) {
            try {
                if (!w.done.await(5, TimeUnit.SECONDS)) {
                    w.queue.close();   // makes a stuck getEvents throw, so the thread ends
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One thread: its queue, its listener, its connections. */
    private static final class Worker implements Runnable {
        final KeventQueue queue;
        final TcpListener listener;
        final HttpProcessor processor;
        final EventBuffer events = new EventBuffer(BATCH);
        /** Open connections, so shutdown can close them; touched on accept and close only. */
        final Set<HttpConnection> open = Collections.newSetFromMap(new IdentityHashMap<>());
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean running = true;
        Thread thread;
        /** Written by the worker only; read by tests. */
        volatile long acceptBackoffs;
        /** {@code open.size()}, published for other threads (tests); written by the worker only. */
        volatile int openCount;
        /** Whether connections run on network AIO ({@code serve --aio}). */
        final boolean aio;
        /** Written by the worker only; read by {@link EvServer#timedOut()} and {@link EvServer#evicted()}. */
        volatile long timedOut;
        volatile long evicted;
        /** Bytes the kernel took for the connections closed so far; for {@link EvServer#bytesSent()}. */
        volatile long sentBytes;
        /** Whether accepted sockets get {@link #NOT_SENT_BOUND}; false once the kernel refused it. */
        private boolean boundUnsent = true;
        private final Deadlines deadlines;
        private final int maxOpen;
        /** Coalesces deadlines closer than this into one wake-up. */
        private final long slackNanos;
        /** The deadline the TIMER is armed for ({@link Long#MAX_VALUE}: not armed), and whether it is registered. */
        private long armedFor = Long.MAX_VALUE;
        private boolean timerAdded;
        /** The clock at the last return from the wait: the time of the events of that batch. */
        private long now;
        /** The deadline TIMER came in this batch: expired connections close once the batch is served. */
        private boolean deadlinesDue;

        Worker(TcpListener listener, HttpProcessor processor, boolean aio, Limits limits, int maxOpen) {
            this.listener = listener;
            this.processor = processor;
            this.aio = aio;
            long request = limits.requestTimeout().toNanos();
            long idle = limits.idleTimeout().toNanos();
            this.deadlines = new Deadlines(request, idle);
            this.maxOpen = maxOpen;
            this.slackNanos = Math.clamp(Math.min(request, idle) / 16, 1_000_000L, 250_000_000L);
            // One thread per queue: with AIO, io_uring runs completion work for that thread when it
            // enters the ring (SINGLE_ISSUER | COOP_TASKRUN) instead of interrupting it per completion.
            // Requests are small: many small receive buffers, so every connection can hold some.
            this.queue = KeventQueue.builder().singleIssuer(aio).aioRecvBuffers(1024, 8 * 1024).open();
            try {
                queue.add(acceptInterest());
                if (aio) {
                    // Chooses the engine now, so a refused io_uring shows before the first client.
                    queue.aioEngine();
                }
            } catch (RuntimeException e) {
                queue.close();
                throw e;
            }
        }

        private Ukevent acceptInterest() {
            return Ukevent.socket(listener, Kevent.SOCKET_ACCEPT).withAttachment(listener);
        }

        @Override
        public void run() {
            try {
                EventBuffer ev = events;
                while (running) {
                    int n = queue.getEvents(1, BATCH, -1, TimeUnit.MILLISECONDS, ev);
                    now = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        if (ev.type(i) == EventType.NAIO) {
                            onCompletion((HttpConnection) ev.attachment(i), ev.events(i), ev.flags(i), ev.data(i),
                                    ev.data2(i), ev.buffer(i));
                        } else if (ev.attachment(i) instanceof HttpConnection c) {
                            onConnection(c, ev.flags(i), ev.events(i));
                        } else {
                            onListenerOrTimer(ev.type(i), ev.id(i), ev.flags(i));
                        }
                    }
                    if (deadlinesDue) {
                        // After the batch: a connection whose bytes came in it is not closed for
                        // having looked idle while this thread was busy elsewhere.
                        deadlinesDue = false;
                        closeExpired();
                    }
                    HttpConnection first = deadlines.first();
                    if (first != null && deadlines.deadline(first) - armedFor < 0) {
                        armDeadlineTimer(deadlines.deadline(first));
                    }
                }
            } catch (QueueClosedException closed) {
                // close() gave up waiting and closed the queue under us.
            } finally {
                closeResources();
                done.countDown();
            }
        }

        /** The hot path: serve, and touch the interest only when the wait changes. */
        private void onConnection(HttpConnection c, int flags, int events) {
            if ((flags & Kevent.RET_BROKEN) != 0) {
                onBroken(c);
                return;
            }
            int requests = c.requests;
            int r;
            try {
                r = processor.serve(c, now);
            } catch (RuntimeException e) {
                r = HttpProcessor.CLOSE;   // reset, broken pipe: the peer is gone
            }
            boolean alive;
            if (r == HttpProcessor.WAIT_RECV) {
                alive = !c.waitingForSend() || rearm(c, false);
            } else if (r == HttpProcessor.WAIT_SEND) {
                alive = c.waitingForSend() || rearm(c, true);
            } else {
                closeConnection(c);
                alive = false;
            }
            if (!alive) {
                return;
            }
            // Room in the send buffer (SEND readiness) means the client read some answers.
            track(c, c.requests != requests || (events & Kevent.SOCKET_SEND) != 0, false);
        }

        /**
         * Puts the connection in the deadline list its state calls for, after an event.
         *
         * @param progressed whether it completed a request or the client took some answers
         * @param busy       whether answers are still on their way (AIO: a send in flight)
         */
        private void track(HttpConnection c, boolean progressed, boolean busy) {
            if (!busy && !c.hasPendingOutput() && c.readingRequest()) {
                deadlines.awaitRequest(c, now, progressed);
            } else {
                deadlines.awaitClient(c, now, progressed);
            }
        }

        /** Closes every connection whose deadline passed. */
        private void closeExpired() {
            for (HttpConnection c = deadlines.expired(now); c != null; c = deadlines.expired(now)) {
                closeConnection(c, owesAnswers(c));
                // After the close: whoever sees the count sees the socket already closed (reset),
                // not still draining its queued answers to a client that starts reading.
                timedOut = timedOut + 1;
            }
        }

        private void armDeadlineTimer(long deadline) {
            try {
                Ukevent t = Ukevent.timerAt(DEADLINE_TIMER_ID, deadline + slackNanos);
                if (timerAdded) {
                    queue.modify(t);
                } else {
                    queue.add(t);
                    timerAdded = true;
                }
                armedFor = deadline;
            } catch (QueueClosedException e) {
                throw e;
            } catch (RuntimeException e) {
                // Not armed: the next batch tries again; the connections stay as they are meanwhile.
                System.err.println("evserver: " + Thread.currentThread().getName() + ": deadline timer: " + e);
            }
        }

        /** At the cap: the connection whose deadline comes first makes room for a new one. */
        private void makeRoom() {
            HttpConnection victim = deadlines.first();
            if (victim != null) {
                closeConnection(victim, owesAnswers(victim));
                evicted = evicted + 1;   // after the close, as for timedOut
            }
        }

        /**
         * @return whether answers are still on their way to the client: a connection given up on
         *         in that state is reset, since closing it gracefully would leave its queued
         *         answers in an orphaned socket that lives as long as the client keeps answering
         *         the kernel's window probes (minutes), still holding their memory
         */
        private static boolean owesAnswers(HttpConnection c) {
            return c.hasPendingOutput() || c.io() instanceof AioIo io && io.busy();
        }

        // ------------------------------------------------------------------ AIO mode

        /** An AIO connection's request ended or brought bytes: take the result, then let the processor go on. */
        private void onCompletion(HttpConnection c, int events, int flags, long result, long data2,
                                  java.nio.ByteBuffer buffer) {
            AioIo io = (AioIo) c.io();
            boolean arrival = (flags & Kevent.RET_MORE) != 0;
            if (io.closed) {
                // A request of a connection already closed, ended as cancelled; its arrivals'
                // buffers still go back to the pool.
                if (arrival) {
                    queue.aioReleaseBuffer((int) data2);
                }
                return;
            }
            boolean ok;
            boolean sent = false;
            if (arrival) {
                io.arrived((int) data2, buffer);
                ok = true;
            } else if ((events & Kevent.NAIO_RECV_MULTISHOT) != 0) {
                ok = io.recvEnded(result);
            } else {
                ok = io.sent(events, result);
                sent = true;
            }
            if (!ok) {
                closeConnection(c);
                return;
            }
            drive(c, io, sent);
        }

        /** @param sent whether a send completed: the client took answers */
        private void drive(HttpConnection c, AioIo io, boolean sent) {
            int requests = c.requests;
            if (!io.closing) {
                int r;
                try {
                    r = processor.serve(c, now);
                } catch (RuntimeException e) {
                    r = HttpProcessor.CLOSE;
                }
                try {
                    io.flush();
                    io.settle();
                    if (r != HttpProcessor.CLOSE && io.wantRecv()) {
                        io.postRecv();
                    }
                } catch (QueueClosedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    closeConnection(c);   // a request the queue refused: this connection ends, not the thread
                    return;
                }
                if (r != HttpProcessor.CLOSE) {
                    track(c, sent || c.requests != requests, io.busy());
                    return;
                }
                // An error answer or the end of the stream: close once what is queued is sent.
                io.closing = true;
            }
            if (!io.busy()) {
                closeConnection(c);
            } else {
                deadlines.awaitClient(c, now, sent || c.requests != requests);
            }
        }

        private void registerAio(TcpSocket s) {
            AioIo io = new AioIo(queue, s);
            HttpConnection c = new HttpConnection(io);
            io.connection = c;
            open.add(c);
            openCount = open.size();
            deadlines.awaitRequest(c, now, true);
            try {
                configure(s);
                io.postRecv();
            } catch (RuntimeException e) {
                closeConnection(c);
            }
        }

        // ------------------------------------------------------------------ readiness mode

        private void onBroken(HttpConnection c) {
            if (open.contains(c)) {
                closeConnection(c);
            }
        }

        /** @return false if the connection had to be closed */
        private boolean rearm(HttpConnection c, boolean send) {
            TcpSocket s = socketOf(c);
            int interest = send ? RECV_INTEREST | Kevent.SOCKET_SEND : RECV_INTEREST;
            try {
                queue.modify(Ukevent.socket(s, interest).withFlags(Kevent.REQ_ET).withAttachment(c));
                c.waitingForSend(send);
                return true;
            } catch (RuntimeException e) {
                closeConnection(c);
                return false;
            }
        }

        private void onListenerOrTimer(EventType type, long id, int flags) {
            try {
                if (type == EventType.TIMER && id == DEADLINE_TIMER_ID) {
                    armedFor = Long.MAX_VALUE;   // fired: a single expiry, disarmed until re-armed
                    deadlinesDue = true;
                } else if (type == EventType.TIMER) {
                    resumeAccepting();
                } else if ((flags & Kevent.RET_BROKEN) == 0) {
                    acceptAll();
                }
            } catch (QueueClosedException e) {
                throw e;
            } catch (RuntimeException e) {
                // A failed ctl must not end the thread and strand its connections.
                System.err.println("evserver: " + Thread.currentThread().getName() + ": " + e);
            }
        }

        private void acceptAll() {
            for (;;) {
                TcpSocket s;
                try {
                    s = listener.accept();
                } catch (KeventException e) {
                    onAcceptFailure(e);
                    return;
                }
                if (s == null) {
                    return;
                }
                register(s);
            }
        }

        private void register(TcpSocket s) {
            if (open.size() >= maxOpen) {
                makeRoom();
            }
            if (aio) {
                registerAio(s);
                return;
            }
            HttpConnection c = new HttpConnection(new SocketIo(s));
            try {
                configure(s);
                queue.add(Ukevent.socket(s, RECV_INTEREST).withFlags(Kevent.REQ_ET).withAttachment(c));
                open.add(c);
                openCount = open.size();
                deadlines.awaitRequest(c, now, true);
            } catch (RuntimeException e) {
                s.close();
            }
        }

        /** Options of an accepted connection; a socket that refuses them is served all the same. */
        private void configure(TcpSocket s) {
            s.setTcpNoDelay(true);
            if (boundUnsent) {
                try {
                    s.setNotSentLowWatermark(NOT_SENT_BOUND);
                } catch (KeventException e) {
                    // A kernel without TCP_NOTSENT_LOWAT (before 3.12): serve unbounded, say so once.
                    boundUnsent = false;
                    System.err.println("evserver: " + Thread.currentThread().getName()
                            + ": unsent bytes per connection not bounded: " + e);
                }
            }
        }

        private void onAcceptFailure(KeventException e) {
            String err = e.errorName();
            if ("EMFILE".equals(err) || "ENFILE".equals(err) || "ENOBUFS".equals(err) || "ENOMEM".equals(err)) {
                // Out of descriptors: the connection stays in the backlog and a level ACCEPT
                // interest would fire again at once. Stop listening for a moment instead.
                acceptBackoffs = acceptBackoffs + 1;
                queue.remove(EventType.SOCKET, listener.id());
                // ONESHOT: the timer must leave with its delivery, or the next back-off's ADD
                // would find its id taken.
                queue.add(Ukevent.timerNanos(ACCEPT_TIMER_ID, ACCEPT_BACKOFF_NANOS).withFlags(Kevent.REQ_ONESHOT));
            }
            // Anything else (a connection reset before accept) concerns that connection only.
        }

        private void resumeAccepting() {
            if (running) {
                queue.add(acceptInterest());
            }
        }

        private void closeConnection(HttpConnection c) {
            closeConnection(c, false);
        }

        /** @param reset whether to reset the connection (RST, unsent bytes dropped) rather than close it */
        private void closeConnection(HttpConnection c, boolean reset) {
            deadlines.remove(c);   // first, whatever else happened: the expiry loop relies on it
            if (!open.remove(c)) {
                return;
            }
            // Before openCount: whoever sees the connection gone sees its bytes counted.
            sentBytes = sentBytes + (c.io() instanceof AioIo io ? io.sentBytes : ((SocketIo) c.io()).sentBytes);
            openCount = open.size();
            c.release();
            TcpSocket s = socketOf(c);
            if (c.io() instanceof AioIo io) {
                // No SOCKET interest to remove: closing the socket ends its requests.
                io.closed = true;
                try {
                    io.releaseAll();
                } catch (RuntimeException ignored) {
                    // The queue is closing: the pool goes with it.
                }
            } else {
                try {
                    // Remove the interest before the close: closing alone leaves it registered
                    // until its BROKEN delivery, and a socket accepted later in this same batch
                    // gets the same fd number, so its ADD would collide with the (SOCKET, fd) key.
                    queue.remove(EventType.SOCKET, s.id());
                } catch (RuntimeException ignored) {
                    // Queue closing or interest already gone: the close below still releases the fd.
                }
            }
            try {
                if (reset) {
                    s.abort();
                } else {
                    s.close();
                }
            } catch (RuntimeException ignored) {
                // Closing is best effort: the descriptor is released either way (abort closes
                // gracefully when SO_LINGER cannot be set).
            }
        }

        private static TcpSocket socketOf(HttpConnection c) {
            return c.io() instanceof AioIo io ? io.socket : ((SocketIo) c.io()).socket;
        }

        void closeResources() {
            for (HttpConnection c : List.copyOf(open)) {
                closeConnection(c);
            }
            try {
                listener.close();
            } finally {
                queue.close();
            }
        }
    }
}
