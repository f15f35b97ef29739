package org.kevent.bench.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * The lean kevent servers of {@code kevent bench http}: the C floors' minimal plaintext work on
 * kevent's public API alone, so that what they cost above the floors is the library's.
 * {@code kevent-lean} runs on SOCKET interests (the C epoll floor's peer), {@code kevent-lean-aio}
 * on network AIO (the C io_uring floor's peer).
 *
 * <h2>Semantics</h2>
 * {@code java -cp BENCH_JAR org.kevent.bench.http.LeanKeventServer PORT THREADS [aio]} listens on
 * 127.0.0.1:PORT and answers every request (anything up to an empty line) with
 * {@link Plaintext#ANSWER}; a connection keeps only how much of a request end its last bytes
 * were, never the bytes. Runs until killed (or {@link #close}).
 * <ul>
 * <li>Readiness (default): one SOCKET interest per connection, {@code RECV | SEND | RDHUP},
 *     {@link Kevent#REQ_ET}, added once at accept and never modified. On each event: {@code recv}
 *     into the loop's one array until it would block, and after each read one {@code send} of
 *     all its answers from a prebuilt array (the C floor's calls, one for one). A send that would
 *     block keeps the rest in the connection's own copy, sent at the next SEND edge, and stops
 *     reading until then.</li>
 * <li>{@code aio}: a single-issuer queue; one {@code aioRecvMultishot} per connection for its
 *     life; each arrival is scanned and its buffer given back at once; after each batch of
 *     events, one {@code aioSend} per connection that owes answers and has none in flight, of a
 *     view of the prebuilt answers (no copy). Accepting is a level ACCEPT interest and
 *     {@code accept} (the public API has no multishot accept).</li>
 * </ul>
 * A connection's end of stream, error or reset closes it; nothing else does (no timeouts).
 *
 * <h2>Threading</h2>
 * THREADS loops, each with its own queue and {@code SO_REUSEPORT} listener; a connection stays on
 * the loop that accepted it. Steady state allocates nothing: one {@link EventBuffer} per loop,
 * one input array per loop, the answers prebuilt.
 */
public final class LeanKeventServer implements AutoCloseable {
    /** Events taken per wait: the C floor's {@code MAX_EVENTS}. */
    static final int BATCH = 256;
    /** The C floor's input buffer. */
    private static final int IN_BYTES = 8192;
    /** Multishot receive buffers per AIO loop: count, and bytes each. */
    static final int RECV_BUFFERS = 1024;
    static final int RECV_BUFFER_BYTES = 4096;
    private static final int INTEREST = Kevent.SOCKET_RECV | Kevent.SOCKET_SEND | Kevent.SOCKET_RDHUP;

    private final List<Loop> loops = new ArrayList<>();

    private LeanKeventServer(int port, int threads, boolean aio) {
        try {
            for (int t = 0; t < threads; t++) {
                // Every listener bound before the first loop runs, so none misses the start.
                loops.add(aio ? new AioLoop(port) : new ReadinessLoop(port));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Binds the listeners; {@link #start} runs the loops.
     *
     * @param port    the port on 127.0.0.1, 0 for any
     * @param threads loops
     * @param aio     network AIO rather than SOCKET readiness
     * @return the server, listening
     */
    static LeanKeventServer open(int port, int threads, boolean aio) {
        return new LeanKeventServer(port, threads, aio);
    }

    /** @return the port the listeners are bound to */
    int port() {
        return loops.getFirst().listener.localAddress().getPort();
    }

    /** Runs loop 0 on the calling thread and the others on their own; returns when closed. */
    void run() {
        for (int t = 1; t < loops.size(); t++) {
            Thread.ofPlatform().name("lean-" + t).start(loops.get(t)::run);
        }
        loops.getFirst().run();
    }

    /** Runs every loop on a thread of its own (tests). */
    void start() {
        for (int t = 0; t < loops.size(); t++) {
            Thread.ofPlatform().name("lean-" + t).daemon().start(loops.get(t)::run);
        }
    }

    /** Closes every queue: each loop closes its listener and connections and ends. */
    @Override
    public void close() {
        for (Loop l : loops) {
            l.queue.close();
        }
    }

    /**
     * Serves until killed.
     *
     * @param args {@code PORT THREADS [aio]}
     */
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        boolean aio = args.length > 2 && args[2].equals("aio");
        LeanKeventServer server = open(port, threads, aio);
        System.out.println("kevent lean" + (aio ? " aio (" + server.loops.getFirst().queue.aioEngine() + ")" : "")
                + ": http://127.0.0.1:" + port + "/plaintext, " + threads + " thread(s)");
        server.run();
    }

    /** One loop: its queue, listener, event buffer and connections. */
    private abstract static class Loop {
        final KeventQueue queue;
        final TcpListener listener;
        final EventBuffer events = new EventBuffer(BATCH);
        /** Open connections, so that close can end them; touched on accept and close only. */
        final List<Conn> open = new ArrayList<>();

        Loop(KeventQueue queue, int port) {
            this.queue = queue;
            TcpListener l = null;
            try {
                l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096, true);
                queue.add(Ukevent.socket(l, Kevent.SOCKET_ACCEPT).withAttachment(l));
            } catch (RuntimeException e) {
                if (l != null) {
                    l.close();
                }
                queue.close();
                throw e;
            }
            this.listener = l;
        }

        final void run() {
            try {
                EventBuffer ev = events;
                while (true) {
                    int n = queue.getEvents(1, BATCH, -1, TimeUnit.MILLISECONDS, ev);
                    for (int i = 0; i < n; i++) {
                        Object a = ev.attachment(i);
                        if (a == listener) {
                            acceptAll();
                        } else {
                            onEvent((Conn) a, ev, i);
                        }
                    }
                    afterBatch();
                }
            } catch (QueueClosedException closed) {
                // close(): the server stops.
            } finally {
                listener.close();
                for (Conn c : open) {
                    c.socket.close();
                }
            }
        }

        private void acceptAll() {
            while (true) {
                TcpSocket s;
                try {
                    s = listener.accept();
                } catch (KeventException e) {
                    return;   // EMFILE and friends: the level ACCEPT interest tries again, as the C floor's
                }
                if (s == null) {
                    return;
                }
                Conn c = new Conn(s);
                try {
                    s.setTcpNoDelay(true);
                    open.add(c);
                    register(c);
                } catch (RuntimeException e) {
                    drop(c);
                }
            }
        }

        final void drop(Conn c) {
            if (!c.closed) {
                c.closed = true;
                open.remove(c);
                c.socket.close();
            }
        }

        abstract void register(Conn c);

        abstract void onEvent(Conn c, EventBuffer ev, int i);

        void afterBatch() {
        }
    }

    /** What a connection keeps: the request-end scanner, and what it owes the client. */
    private static final class Conn {
        final TcpSocket socket;
        final Plaintext.RequestEnds ends = new Plaintext.RequestEnds();
        boolean closed;
        /** Readiness: answers a send that would block left, sent from {@link #pendingOff}; else null. */
        byte[] pending;
        int pendingOff;
        /** AIO: answers found and not yet sent. */
        int owed;
        /** AIO: a send is in flight (its buffer is {@link #out}), or the connection is on the dirty list. */
        boolean sending;
        boolean dirty;
        /** AIO: this connection's view of the prebuilt answers, the buffer of its sends. */
        ByteBuffer out;

        Conn(TcpSocket socket) {
            this.socket = socket;
        }
    }

    // ------------------------------------------------------------------------------ readiness

    /** The C epoll floor's loop on a SOCKET interest per connection. */
    private static final class ReadinessLoop extends Loop {
        private final byte[] in = new byte[IN_BYTES];
        private final byte[] answers = Plaintext.answers(Plaintext.BATCH);

        ReadinessLoop(int port) {
            super(KeventQueue.open(), port);
        }

        @Override
        void register(Conn c) {
            queue.add(Ukevent.socket(c.socket, INTEREST).withFlags(Kevent.REQ_ET).withAttachment(c));
        }

        @Override
        void onEvent(Conn c, EventBuffer ev, int i) {
            if (c.closed) {
                return;   // the delivery a close makes (BROKEN), or an event after a drop in this batch
            }
            if ((ev.flags(i) & Kevent.RET_BROKEN) != 0) {
                drop(c);
                return;
            }
            try {
                serve(c);
            } catch (KeventException e) {
                drop(c);   // reset, broken pipe: the client is gone
            }
        }

        /** Runs the connection until it would block, as the C floor's serve(): ET needs every edge drained. */
        private void serve(Conn c) {
            TcpSocket s = c.socket;
            if (c.pending != null && !sendPending(c)) {
                return;
            }
            while (true) {
                int n = s.recv(in, 0, in.length);
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    drop(c);
                    return;
                }
                int requests = c.ends.count(in, 0, n);
                if (requests > 0 && !answer(c, requests)) {
                    return;
                }
            }
        }

        /** @return false when the socket filled up: the rest waits in the connection for the SEND edge */
        private boolean answer(Conn c, int requests) {
            int left = requests;
            while (left > 0) {
                int now = Math.min(left, Plaintext.BATCH);
                int len = now * Plaintext.ANSWER.length;
                left -= now;
                int off = 0;
                while (off < len) {
                    int w = c.socket.send(answers, off, len - off);
                    if (w == 0) {
                        keepPending(c, off, len, left);
                        return false;
                    }
                    off += w;
                }
            }
            return true;
        }

        /** Copies what is unsent of {@code answers[off, len)} plus {@code more} answers into the connection. */
        private void keepPending(Conn c, int off, int len, int more) {
            byte[] p = new byte[len - off + more * Plaintext.ANSWER.length];
            System.arraycopy(answers, off, p, 0, len - off);
            for (int k = 0, at = len - off; k < more; k++, at += Plaintext.ANSWER.length) {
                System.arraycopy(Plaintext.ANSWER, 0, p, at, Plaintext.ANSWER.length);
            }
            c.pending = p;
            c.pendingOff = 0;
        }

        /** @return whether nothing is left pending */
        private boolean sendPending(Conn c) {
            while (c.pendingOff < c.pending.length) {
                int w = c.socket.send(c.pending, c.pendingOff, c.pending.length - c.pendingOff);
                if (w == 0) {
                    return false;
                }
                c.pendingOff += w;
            }
            c.pending = null;
            return true;
        }
    }

    // ------------------------------------------------------------------------------ AIO

    /** The C io_uring floor's loop on kevent's network AIO. */
    private static final class AioLoop extends Loop {
        private final ByteBuffer answers;
        /** Connections that owe answers, flushed once per batch of events. */
        private Conn[] dirty = new Conn[BATCH];
        private int dirtyCount;

        AioLoop(int port) {
            super(KeventQueue.builder().singleIssuer(true).aioRecvBuffers(RECV_BUFFERS, RECV_BUFFER_BYTES).open(), port);
            byte[] batch = Plaintext.answers(Plaintext.BATCH);
            answers = ByteBuffer.allocateDirect(batch.length).put(batch).flip();
        }

        @Override
        void register(Conn c) {
            c.out = answers.duplicate();
            queue.aioRecvMultishot(c.socket, 0, c);
        }

        @Override
        void onEvent(Conn c, EventBuffer ev, int i) {
            int flags = ev.flags(i);
            boolean arrival = (flags & Kevent.RET_MORE) != 0;
            if (arrival) {
                int id = ev.lentBufferId(i);
                if (!c.closed) {
                    ByteBuffer view = ev.buffer(i);
                    owe(c, c.ends.count(view, 0, view.limit()));
                }
                queue.aioReleaseBuffer(id);
            } else if (c.closed) {
                return;   // a request of a dropped connection, ended cancelled
            } else if ((ev.events(i) & Kevent.NAIO_RECV_MULTISHOT) != 0) {
                drop(c);   // end of stream (0) or an error: the client is gone
            } else {
                c.sending = false;
                if (ev.aioResult(i) < 0) {
                    drop(c);
                } else if (c.owed > 0) {
                    owe(c, 0);
                }
            }
        }

        private void owe(Conn c, int requests) {
            c.owed += requests;
            if (c.owed > 0 && !c.dirty && !c.sending) {
                c.dirty = true;
                if (dirtyCount == dirty.length) {
                    dirty = Arrays.copyOf(dirty, 2 * dirty.length);
                }
                dirty[dirtyCount++] = c;
            }
        }

        /** One send per connection per batch: all it owes, up to a prebuilt batch of answers. */
        @Override
        void afterBatch() {
            for (int k = 0; k < dirtyCount; k++) {
                Conn c = dirty[k];
                dirty[k] = null;
                c.dirty = false;
                if (c.closed) {
                    continue;
                }
                int now = Math.min(c.owed, Plaintext.BATCH);
                c.owed -= now;
                c.out.clear().limit(now * Plaintext.ANSWER.length);
                try {
                    queue.aioSend(c.socket, c.out, 0, c, 0);
                    c.sending = true;
                } catch (QueueClosedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    drop(c);
                }
            }
            dirtyCount = 0;
        }
    }
}
