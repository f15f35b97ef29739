package org.kevent.cli.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.kevent.KeventException;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * {@code serve --vthreads}: evserver's {@link HttpProcessor} with one virtual thread per
 * connection, on the library's blocking socket calls: the "write it as blocking code" server next
 * to {@link EvServer}'s event loops.
 *
 * <p><b>Semantics</b>: one listener; a virtual thread accepts ({@link TcpListener#acceptBlocking})
 * and starts a virtual thread per connection. That thread waits until the socket is readable
 * ({@link TcpSocket#awaitReadable}), runs {@link HttpProcessor#serve}, which reads, answers and
 * sends until the socket would block, exactly as on an event loop (the processor is written for
 * nonblocking calls), and waits again as its answer says: readable for
 * {@link HttpProcessor#WAIT_RECV}, writable ({@link TcpSocket#awaitWritable}) for
 * {@link HttpProcessor#WAIT_SEND}. A wait parks the virtual thread until the library's one
 * watcher thread sees the socket ready; there is no queue per connection and no event loop. A
 * slow client holds only its own thread. When accepting fails for lack of descriptors
 * ({@code EMFILE}, {@code ENFILE}) the acceptor pauses for {@link EvServer#ACCEPT_BACKOFF_NANOS},
 * as evserver does: the connection waits in the backlog.
 *
 * <p><b>Limits</b>: {@link EvServer.Limits}, as evserver keeps them. A connection owes a request
 * (it is new, or a head or body it sends is under way) until the request timeout from the start of
 * that wait, bytes that complete nothing not extending it; otherwise (keep-alive between requests,
 * or answers waiting for the client to read them) it has the idle timeout from its last progress.
 * Its thread keeps that deadline in the connection and waits without a timeout; one reaper thread
 * looks at every deadline a few times per timeout (the slack evserver gives its deadline timer)
 * and interrupts the thread of a connection past it, which then closes the connection (reset if
 * answers are still queued for it). Untimed waits cost no timer per wait: the JDK schedules a
 * task for every timed park. The connection accepted beyond {@link EvServer.Limits#maxConnections}
 * expires the open connection whose deadline comes first in the same way; the connection count
 * may stay one above the cap until that thread has closed it. Each connection may have at most
 * {@link EvServer#NOT_SENT_BOUND} bytes queued unsent, as in evserver.
 *
 * <p><b>Why processors are pooled</b>: a processor holds about 100 KiB of buffers, evserver has
 * one per thread, and one per connection would cost that per connection. {@code serve} never
 * waits (its socket calls are nonblocking), so a connection needs a processor only between two
 * waits: it takes one from a small lock-free pool and gives it back before it waits. A connection
 * keeps only what {@link HttpConnection} keeps (an unfinished request or answer).
 *
 * <p><b>Threading</b>: {@link #start} and {@link #close} from any thread. {@link #close} closes the
 * listener and every open connection: each thread blocked on one wakes with
 * {@link java.nio.channels.AsynchronousCloseException} and ends. Idempotent.
 *
 * <p><b>Caveats</b>: how many carrier threads run the connections is the JVM's choice
 * ({@code -Djdk.virtualThreadScheduler.parallelism}, default: the number of cores).
 */
public final class VthreadServer implements AutoCloseable {
    private static final int BACKLOG = 4096;
    private static final Duration NO_LIMIT = Duration.ofNanos(-1);

    private final TcpListener listener;
    private final HttpProcessorPool processors;
    private final long requestNanos;
    private final long idleNanos;
    private final int maxConnections;
    /** How often the reaper looks: evserver's deadline slack, within [1 ms, 250 ms]. */
    private final long tickNanos;
    private final ConcurrentHashMap<TcpSocket, Conn> open = new ConcurrentHashMap<>();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final CountDownLatch acceptorDone = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean boundUnsent = true;
    private volatile Thread reaper;

    private VthreadServer(TcpListener listener, StaticFiles files, EvServer.Limits limits) {
        this.listener = listener;
        this.processors = new HttpProcessorPool(files);
        this.requestNanos = limits.requestTimeout().toNanos();
        this.idleNanos = limits.idleTimeout().toNanos();
        this.maxConnections = limits.maxConnections();
        this.tickNanos = Math.clamp(Math.min(requestNanos, idleNanos) / 16, 1_000_000L, 250_000_000L);
    }

    /**
     * Binds the listener and starts accepting, with evserver's default limits.
     *
     * @param local the address; port 0 picks a free port
     * @param root  the directory to serve files from, or null for {@code /plaintext} only
     * @return the running server
     * @throws IOException     if the root is not a directory
     * @throws KeventException if the listener cannot be bound
     */
    public static VthreadServer start(InetSocketAddress local, Path root) throws IOException {
        return start(local, root, EvServer.Limits.defaults(root != null));
    }

    /**
     * Binds the listener and starts accepting.
     *
     * @param local  the address; port 0 picks a free port
     * @param root   the directory to serve files from, or null for {@code /plaintext} only
     * @param limits timeouts and the connection cap
     * @return the running server
     * @throws IOException     if the root is not a directory
     * @throws KeventException if the listener cannot be bound
     */
    public static VthreadServer start(InetSocketAddress local, Path root, EvServer.Limits limits) throws IOException {
        StaticFiles files = root == null ? null : new StaticFiles(root, SocketIo::open);
        VthreadServer server = new VthreadServer(TcpListener.bind(local, BACKLOG, false), files, limits);
        server.reaper = Thread.ofVirtual().name("vthreads-reaper").start(server::reapLoop);
        Thread.ofVirtual().name("vthreads-acceptor").start(server::acceptLoop);
        return server;
    }

    /**
     * {@code kevent serve --vthreads}: starts the server, prints where it listens, and serves
     * until the JVM is stopped (SIGINT or SIGTERM run a hook that closes it).
     *
     * @param local  the address
     * @param root   files to serve, or null
     * @param aio    whether {@code --aio} was given too, which this server does not do
     * @param limits timeouts and the connection cap
     * @param out    where the banner goes
     * @param err    where failures go
     * @return the exit status: 0 after a stop, 1 if it could not start, 2 for {@code --aio}
     * @throws InterruptedException if interrupted while serving
     */
    public static int serve(InetSocketAddress local, Path root, boolean aio, EvServer.Limits limits, PrintStream out,
                            PrintWriter err) throws InterruptedException {
        if (aio) {
            err.println("kevent serve: --vthreads serves on blocking calls, not network AIO: drop --aio");
            return 2;
        }
        VthreadServer server;
        try {
            server = start(local, root, limits);
        } catch (IOException | KeventException e) {
            err.println("kevent serve: " + e.getMessage());
            return 1;
        }
        InetSocketAddress a = server.localAddress();
        out.printf("evserver listening on http://%s:%d/ on virtual threads (blocking kevent sockets), parallelism %s%s;"
                + " timeouts %s request, %s idle, at most %d connections%n", a.getHostString(), a.getPort(),
                System.getProperty("jdk.virtualThreadScheduler.parallelism", "default"),
                root == null ? ", /plaintext only" : ", root " + root.toAbsolutePath().normalize(),
                seconds(limits.requestTimeout()), seconds(limits.idleTimeout()), limits.maxConnections());
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            out.println("evserver stopped");
            out.flush();
        }, "evserver-shutdown"));
        server.awaitTermination();
        return 0;
    }

    /** @return {@code 10s} or {@code 500ms}, as the flags are written */
    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** @return the bound address, with the real port when 0 was asked for */
    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    /** @return connections open now (for tests) */
    int openConnections() {
        return open.size();
    }

    /**
     * @param within nanoseconds from now
     * @return open connections whose deadline comes within that time (for tests: with a request
     *         timeout longer than the idle timeout, the connections idle between requests)
     */
    long deadlinesWithin(long within) {
        long bound = System.nanoTime() + within;
        return open.values().stream().filter(c -> {
            long d = c.deadline.get();
            return d != Conn.EXPIRED && d - bound <= 0;
        }).count();
    }

    /** @return connections closed because a request took too long or they sat idle */
    long timedOut() {
        return timedOut.get();
    }

    /** @return connections closed to make room for a new one at the cap */
    long evicted() {
        return evicted.get();
    }

    /**
     * Waits until the acceptor has ended (after {@link #close}).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitTermination() throws InterruptedException {
        acceptorDone.await();
    }

    /** Stops accepting and closes every connection; their threads wake and end. */
    @Override
    public void close() {
        running = false;
        listener.close();
        Thread r = reaper;
        if (r != null) {
            r.interrupt();
        }
        for (TcpSocket s : open.keySet()) {
            s.close();
        }
        try {
            acceptorDone.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------ accepting

    private void acceptLoop() {
        try {
            while (running) {
                TcpSocket s;
                try {
                    s = listener.acceptBlocking(NO_LIMIT);
                } catch (ClosedChannelException closed) {
                    return;   // close(): also AsynchronousCloseException, a ClosedChannelException
                } catch (KeventException e) {
                    backOff(e);
                    continue;
                }
                if (open.size() >= maxConnections) {
                    expireFirst();
                }
                Conn c = new Conn(s, System.nanoTime() + requestNanos);
                open.put(s, c);
                if (!running) {
                    s.close();   // close() may have swept the map before this one was in it
                }
                Thread.ofVirtual().start(() -> serve(c));
            }
        } catch (IOException | InterruptedException e) {
            // interrupted: nobody interrupts the acceptor but close, which also ended it
        } finally {
            acceptorDone.countDown();
        }
    }

    private static void backOff(KeventException e) throws InterruptedException {
        String err = e.errorName();
        if ("EMFILE".equals(err) || "ENFILE".equals(err) || "ENOBUFS".equals(err) || "ENOMEM".equals(err)) {
            Thread.sleep(Duration.ofNanos(EvServer.ACCEPT_BACKOFF_NANOS));
        } else {
            System.err.println("evserver: accept: " + e.getMessage());
        }
    }

    /** At the cap: the open connection whose deadline comes first makes room. */
    private void expireFirst() {
        Conn first = null;
        long firstDeadline = 0;
        for (Conn c : open.values()) {
            long d = c.deadline.get();
            if (d != Conn.EXPIRED && (first == null || d - firstDeadline < 0)) {
                first = c;
                firstDeadline = d;
            }
        }
        if (first != null && first.expire(firstDeadline)) {
            evicted.incrementAndGet();
        }
    }

    // ------------------------------------------------------------------------------ deadlines

    private void reapLoop() {
        try {
            while (running) {
                Thread.sleep(Duration.ofNanos(tickNanos));
                long now = System.nanoTime();
                for (Conn c : open.values()) {
                    long d = c.deadline.get();
                    if (d != Conn.EXPIRED && d - now <= 0 && c.expire(d)) {
                        timedOut.incrementAndGet();
                    }
                }
            }
        } catch (InterruptedException e) {
            // close()
        }
    }

    // ------------------------------------------------------------------------------ a connection

    /** One connection's thread: wait, serve until it must wait, again; until it must close. */
    private void serve(Conn conn) {
        conn.thread = Thread.currentThread();
        TcpSocket s = conn.socket;
        HttpConnection c = conn.http;
        boolean reset = false;
        try {
            configure(s);
            boolean owesRequest = true;   // a new connection owes its first request
            boolean read = true;
            for (;;) {
                if (conn.deadline.get() == Conn.EXPIRED) {
                    throw new InterruptedIOException("expired before its thread ran");
                }
                if (read) {
                    s.awaitReadable(NO_LIMIT);
                } else {
                    s.awaitWritable(NO_LIMIT);   // returns once the client took some answers
                }
                int requests = c.requests;
                // One clock read per turn, for the answers' Date and the next deadline alike (the
                // serve's own microseconds do not matter against seconds of timeout).
                long now = System.nanoTime();
                HttpProcessor p = processors.take();
                int r;
                try {
                    r = p.serve(c, now);
                } catch (RuntimeException e) {
                    r = HttpProcessor.CLOSE;   // reset, broken pipe: the peer is gone
                } finally {
                    processors.give(p);
                }
                if (r == HttpProcessor.CLOSE) {
                    return;
                }
                boolean progressed = c.requests != requests || !read;
                boolean nowOwes = r == HttpProcessor.WAIT_RECV && !c.hasPendingOutput() && c.readingRequest();
                if (nowOwes != owesRequest || progressed) {
                    owesRequest = nowOwes;
                    if (!conn.extend(now + (nowOwes ? requestNanos : idleNanos))) {
                        throw new InterruptedIOException("expired while served");
                    }
                }
                read = r == HttpProcessor.WAIT_RECV;
            }
        } catch (InterruptedIOException expired) {
            // Its deadline passed, or a new connection needed the room: no answer, and no
            // answers left queued in an orphaned socket either.
            Thread.interrupted();
            reset = c.hasPendingOutput();
        } catch (IOException | RuntimeException e) {
            // closed by close(), or the socket failed: the connection ends either way
        } finally {
            c.release();
            open.remove(s);
            if (reset) {
                s.abort();
            } else {
                s.close();
            }
        }
    }

    private void configure(TcpSocket s) {
        s.setTcpNoDelay(true);
        if (boundUnsent) {
            try {
                s.setNotSentLowWatermark(EvServer.NOT_SENT_BOUND);
            } catch (KeventException e) {
                boundUnsent = false;   // a kernel before 3.12: serve unbounded, say so once
                System.err.println("evserver: unsent bytes per connection not bounded: " + e);
            }
        }
    }

    /**
     * A connection and its deadline ({@link System#nanoTime()} clock), which its thread moves
     * forward and the reaper (or an eviction) ends by a compare-and-set to {@link #EXPIRED}: one
     * of the two wins, so a connection is never expired for a deadline it had already moved.
     */
    private static final class Conn {
        static final long EXPIRED = Long.MIN_VALUE;

        final TcpSocket socket;
        final HttpConnection http;
        final AtomicLong deadline;
        /** The connection's thread, once it runs: what the reaper interrupts. */
        volatile Thread thread;

        Conn(TcpSocket socket, long deadline) {
            this.socket = socket;
            this.http = new HttpConnection(new SocketIo(socket));
            this.deadline = new AtomicLong(deadline == EXPIRED ? deadline + 1 : deadline);
        }

        /** @return false if the connection expired first (the thread then closes it) */
        boolean extend(long next) {
            long d = deadline.get();
            return d != EXPIRED && deadline.compareAndSet(d, next == EXPIRED ? next + 1 : next);
        }

        /** Ends the connection if its deadline is still {@code seen}; its thread closes it. */
        boolean expire(long seen) {
            if (!deadline.compareAndSet(seen, EXPIRED)) {
                return false;
            }
            Thread t = thread;
            if (t != null) {
                t.interrupt();   // a blocking call that must wait, or is waiting, then throws
            }
            return true;
        }
    }
}
