package org.kevent.bench.naio;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.net.NativeFile;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * The kevent server of {@code kevent bench naio}: one queue, one thread, every transfer a network
 * AIO request whose completion arrives on the queue.
 *
 * <h2>Semantics</h2>
 * {@code java -cp BENCH_JAR org.kevent.bench.naio.KeventNaioServer sendfile|echo|echo-multishot PORT [FILE]}
 * listens on 127.0.0.1:PORT (a level ACCEPT interest on the same queue) and serves the
 * {@link Part} protocol:
 * <ul>
 *   <li>sendfile: {@code aioRecv} of the one request byte, then {@code aioSendfile} of the whole
 *       FILE, then the next {@code aioRecv};</li>
 *   <li>echo: {@code aioRecv} of a full {@link Part#MESSAGE_BYTES} message into the connection's
 *       direct buffer (the default mode completes only when it is full), then {@code aioSend} of
 *       the same buffer, then the next {@code aioRecv};</li>
 *   <li>echo-multishot: one {@code aioRecvMultishot} per connection; each arrival is sent back
 *       from the queue's own buffer with {@code aioSend} (no copy), and the buffer is released
 *       when that send completes — sends of one socket complete in order, so a per-connection
 *       FIFO of buffer ids tells which. Receiving pauses by itself while the pool is lent out.</li>
 * </ul>
 * A failed or short completion (end of stream, a reset when the client leaves) closes the
 * connection. The first line of standard output names the engine ({@code aio engine: io_uring});
 * the runner prints it. {@code -Dkevent.aio=readiness} forces the fallback engine. Anything
 * unexpected prints its stack trace, then {@code kevent naio server failed: EXCEPTION}, and
 * exits with 1.
 *
 * <h2>Threading</h2>
 * The main thread does everything.
 */
public final class KeventNaioServer {
    /** The start of the last line of the output when the server fails; the runner reports that line. */
    static final String FAILED = "kevent naio server failed: ";
    private static final int BATCH = 256;
    /** The first argument of the multishot echo server. */
    static final String MULTISHOT = "echo-multishot";

    private final KeventQueue queue;
    private final TcpListener listener;
    private final boolean sendfile;
    private final NativeFile file;
    private final long fileBytes;
    private final boolean multishot;
    private final Connections connections = new Connections();

    private KeventNaioServer(KeventQueue queue, TcpListener listener, NativeFile file, boolean multishot) {
        this.queue = queue;
        this.listener = listener;
        this.file = file;
        this.sendfile = file != null;
        this.fileBytes = file == null ? 0 : file.size();
        this.multishot = multishot;
    }

    /** @param args see the class documentation */
    public static void main(String[] args) {
        try {
            boolean multishot = args[0].equals(MULTISHOT);
            Part part = multishot ? Part.ECHO : Part.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
            int port = Integer.parseInt(args[1]);
            // One thread does everything: io_uring may batch completion work for it (SINGLE_ISSUER).
            // Multishot: 16 buffers of a message's size per connection the bench opens.
            try (KeventQueue queue = KeventQueue.builder().singleIssuer(true).aioRecvBuffers(1024, Part.MESSAGE_BYTES)
                    .open();
                 NativeFile file = part == Part.SENDFILE ? NativeFile.open(Path.of(args[2])) : null) {
                // Before listening: an engine that cannot start must fail before the runner connects.
                System.out.println("aio engine: " + queue.aioEngine());
                TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                        4096, false);
                queue.add(Ukevent.socket(listener, Kevent.SOCKET_ACCEPT));
                System.out.println("kevent naio " + args[0] + " on 127.0.0.1:" + port + ", one queue, one thread");
                new KeventNaioServer(queue, listener, file, multishot).loop();
            }
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            // Last, so it is the line the runner reports.
            System.out.println(FAILED + e);
            System.exit(1);
        }
    }

    private void loop() {
        EventBuffer ev = new EventBuffer(BATCH);
        for (;;) {
            int n = queue.getEvents(1, BATCH, -1, TimeUnit.MILLISECONDS, ev);
            for (int i = 0; i < n; i++) {
                if (ev.type(i) == EventType.NAIO && multishot) {
                    onMultishot(ev.cookie(i), ev.events(i), ev.flags(i), ev.data(i), ev.data2(i), ev.buffer(i));
                } else if (ev.type(i) == EventType.NAIO) {
                    onCompletion(ev.cookie(i), ev.events(i), ev.data(i));
                } else if (ev.id(i) == listener.id()) {
                    acceptAll();
                }
            }
        }
    }

    private void acceptAll() {
        for (;;) {
            TcpSocket s;
            try {
                s = listener.accept();
                if (s == null) {
                    return;
                }
                s.setTcpNoDelay(true);
            } catch (KeventException e) {
                // A connection reset before accept concerns that connection only; the level
                // ACCEPT interest fires again for the ones still queued.
                System.out.println("accept: " + e.getMessage());
                return;
            }
            if (multishot) {
                Conn c = connections.add(s, null);
                queue.aioRecvMultishot(c.socket, c.cookie, null);
                continue;
            }
            Conn c = connections.add(s, ByteBuffer.allocateDirect(sendfile ? 1 : Part.MESSAGE_BYTES));
            receive(c);
        }
    }

    private void receive(Conn c) {
        c.buffer.clear();
        queue.aioRecv(c.socket, c.buffer, c.cookie, null, 0);
    }

    private void onCompletion(long cookie, int events, long data) {
        Conn c = connections.get(cookie);
        if (c == null) {
            return; // a request of a connection already closed, completed as cancelled
        }
        if ((events & Kevent.NAIO_RECV) != 0) {
            if (data < c.buffer.capacity()) {
                connections.close(c); // end of stream mid-message, or an error
            } else if (sendfile) {
                queue.aioSendfile(c.socket, file, 0, fileBytes, c.cookie, null, 0);
            } else {
                c.buffer.flip();
                queue.aioSend(c.socket, c.buffer, c.cookie, null, 0);
            }
        } else {
            long expected = (events & Kevent.NAIO_SENDFILE) != 0 ? fileBytes : Part.MESSAGE_BYTES;
            if (data != expected) {
                connections.close(c);
            } else {
                receive(c);
            }
        }
    }

    /** Multishot echo: an arrival goes straight back out of the queue's buffer; its send's end frees it. */
    private void onMultishot(long cookie, int events, int flags, long data, long data2, ByteBuffer lent) {
        Conn c = connections.get(cookie);
        boolean arrival = (flags & Kevent.RET_MORE) != 0;
        if (arrival && (c == null || c.closed)) {
            queue.aioReleaseBuffer((int) data2); // the connection closed meanwhile
        } else if (c == null) {
            return;
        } else if (arrival) {
            c.sending(data2);
            queue.aioSend(c.socket, lent, c.cookie, null, 0);
        } else if ((events & Kevent.NAIO_SEND) != 0) {
            // Even a cancelled send held its buffer until now.
            queue.aioReleaseBuffer(c.sent());
            if (data < 0 || c.closed) {
                closeMultishot(c);
            }
        } else {
            closeMultishot(c); // the receive ended: end of stream, or an error
        }
    }

    /** Closes the socket at once; the slot lives until every send has ended (and freed its buffer). */
    private void closeMultishot(Conn c) {
        if (!c.closed) {
            c.closed = true;
            c.socket.close();
        }
        if (c.inFlight == 0) {
            connections.close(c);
        }
    }

    /** One client connection and its buffer, owned by its one request in flight. */
    private static final class Conn {
        final TcpSocket socket;
        final ByteBuffer buffer;
        final long cookie;
        /** Multishot: ids of the buffers being sent back, in send order. */
        private int[] sendIds = new int[16];
        private int first;
        int inFlight;
        boolean closed;

        void sending(long bufferId) {
            if (inFlight == sendIds.length) {
                int[] grown = new int[sendIds.length * 2];
                for (int k = 0; k < inFlight; k++) {
                    grown[k] = sendIds[(first + k) % sendIds.length];
                }
                sendIds = grown;
                first = 0;
            }
            sendIds[(first + inFlight) % sendIds.length] = (int) bufferId;
            inFlight++;
        }

        int sent() {
            int id = sendIds[first];
            first = (first + 1) % sendIds.length;
            inFlight--;
            return id;
        }

        Conn(TcpSocket socket, ByteBuffer buffer, long cookie) {
            this.socket = socket;
            this.buffer = buffer;
            this.cookie = cookie;
        }
    }

    /**
     * Open connections by cookie: a slot index in the low 32 bits, the slot's generation in the
     * high 32, so a completion that arrives after its connection closed (cancelled by the close)
     * finds a newer generation, or nothing, and is dropped instead of reaching a reused slot.
     */
    private static final class Connections {
        private Conn[] slots = new Conn[64];
        private int[] generations = new int[64];
        private int[] free = new int[64];
        private int freeCount;
        private int used;

        Conn add(TcpSocket socket, ByteBuffer buffer) {
            int slot;
            if (freeCount > 0) {
                slot = free[--freeCount];
            } else {
                if (used == slots.length) {
                    slots = Arrays.copyOf(slots, used * 2);
                    generations = Arrays.copyOf(generations, used * 2);
                    free = Arrays.copyOf(free, used * 2);
                }
                slot = used++;
            }
            Conn c = new Conn(socket, buffer, ((long) generations[slot] << 32) | slot);
            slots[slot] = c;
            return c;
        }

        Conn get(long cookie) {
            int slot = (int) cookie;
            if (slot < 0 || slot >= used) {
                return null;
            }
            Conn c = slots[slot];
            return c != null && c.cookie == cookie ? c : null;
        }

        void close(Conn c) {
            int slot = (int) c.cookie;
            slots[slot] = null;
            generations[slot]++;
            free[freeCount++] = slot;
            c.socket.close();
        }
    }
}
