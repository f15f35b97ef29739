package org.kevent.bench.naio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load of one server's turn: {@link Part#connections} loopback connections driven by a few
 * {@link Selector} threads in the runner's JVM, each connection looping over the {@link Part}
 * protocol until {@link #close}.
 *
 * <h2>Semantics</h2>
 * {@link #bytes()} is every byte the clients have read from the server so far (file bytes, or
 * echoed bytes); the runner samples it at the start and the end of the measured window. A
 * protocol violation — the server closes a connection, or an echo comes back with the wrong
 * sequence number — stops that connection and is kept in {@link #failure()}. The full content is
 * checked once before the load by {@link Check}; under load only the echo's sequence number is,
 * to keep the clients' own cost low.
 *
 * <h2>Threading</h2>
 * {@link #bytes()}, {@link #failure()} and {@link #close()} from any thread; the selector threads
 * own their connections.
 */
final class LoadClient implements AutoCloseable {
    /** Enough to keep a 1-thread server busy on 2 cores without making the clients the bottleneck. */
    private static final int THREADS = 2;
    /** Sendfile clients read into one discarded buffer per thread: fewer, bigger reads. */
    private static final int SINK_BYTES = 1 << 20;

    private final Driver[] drivers;
    private final AtomicReference<String> failure = new AtomicReference<>();

    private LoadClient(Part part, int port) throws IOException {
        drivers = new Driver[THREADS];
        try {
            for (int t = 0; t < THREADS; t++) {
                drivers[t] = new Driver(part, t);
            }
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int k = 0; k < part.connections; k++) {
                drivers[k % THREADS].connect(server, part);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        for (Driver d : drivers) {
            d.thread.start();
        }
    }

    /**
     * Opens the connections and starts the load.
     *
     * @throws IOException if a connection cannot be made
     */
    static LoadClient start(Part part, int port) throws IOException {
        return new LoadClient(part, port);
    }

    /** @return the bytes read from the server so far */
    long bytes() {
        long sum = 0;
        for (Driver d : drivers) {
            sum += d == null ? 0 : d.bytes;
        }
        return sum;
    }

    /** @return the first protocol violation seen, or null */
    String failure() {
        return failure.get();
    }

    /** Stops the threads and closes every connection (the server sees resets mid-transfer). */
    @Override
    public void close() {
        for (Driver d : drivers) {
            if (d != null) {
                d.running = false;
                d.selector.wakeup();
            }
        }
        for (Driver d : drivers) {
            if (d != null) {
                try {
                    d.thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                d.closeAll();
            }
        }
    }

    /** One client connection's protocol state. */
    private static final class Conn {
        final SocketChannel channel;
        /** What to write next: the request byte, or the message. */
        final ByteBuffer out;
        /** Echo: where the message comes back; sendfile: null (the thread's sink). */
        final ByteBuffer in;
        final long expected;
        long received;
        long sequence;

        Conn(SocketChannel channel, ByteBuffer out, ByteBuffer in, long expected) {
            this.channel = channel;
            this.out = out;
            this.in = in;
            this.expected = expected;
        }
    }

    /** One selector thread and its connections. */
    private final class Driver implements Runnable {
        final Selector selector;
        final Thread thread;
        final List<Conn> conns = new ArrayList<>();
        final ByteBuffer sink;
        volatile boolean running = true;
        /** Written by this driver's thread only; read by {@link #bytes()}. */
        volatile long bytes;

        Driver(Part part, int index) throws IOException {
            selector = Selector.open();
            sink = part == Part.SENDFILE ? ByteBuffer.allocateDirect(SINK_BYTES) : null;
            thread = Thread.ofPlatform().daemon().name("naio-client-" + index).unstarted(this);
        }

        void connect(InetSocketAddress server, Part part) throws IOException {
            SocketChannel ch = SocketChannel.open(server);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            Conn c;
            if (part == Part.SENDFILE) {
                c = new Conn(ch, ByteBuffer.allocateDirect(1).put(0, Part.REQUEST), null, Part.FILE_BYTES);
            } else {
                ByteBuffer message = ByteBuffer.allocateDirect(Part.MESSAGE_BYTES);
                Check.fillMessage(message, conns.size());
                c = new Conn(ch, message, ByteBuffer.allocateDirect(Part.MESSAGE_BYTES), Part.MESSAGE_BYTES);
            }
            conns.add(c);
            ch.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, c);
        }

        @Override
        public void run() {
            try {
                while (running) {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        if (key.isValid()) {
                            serve(key, (Conn) key.attachment());
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    failure.compareAndSet(null, "client: " + e);
                }
            }
        }

        private void serve(SelectionKey key, Conn c) throws IOException {
            if (key.isWritable()) {
                c.channel.write(c.out);
                if (!c.out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isReadable() && !read(c)) {
                key.cancel();
                c.channel.close();
                return;
            }
            if (c.received == c.expected && !c.out.hasRemaining()) {
                next(key, c);
            }
        }

        /** Reads what is there; false (with the failure recorded) when the server ended the stream. */
        private boolean read(Conn c) throws IOException {
            ByteBuffer into = c.in != null ? c.in : sink.clear().limit((int) Math.min(SINK_BYTES, c.expected - c.received));
            int n = c.channel.read(into);
            if (n < 0) {
                failure.compareAndSet(null, "the server closed a connection after " + c.received + " of "
                        + c.expected + " bytes");
                return false;
            }
            c.received += n;
            bytes += n;
            return true;
        }

        /** The response is complete: check it and send the next request. */
        private void next(SelectionKey key, Conn c) throws IOException {
            if (c.in != null) {
                long echoed = c.in.getLong(0);
                if (echoed != c.sequence) {
                    failure.compareAndSet(null, "echo " + c.sequence + " came back as " + echoed);
                }
                c.in.clear();
                c.out.putLong(0, ++c.sequence);
            }
            c.received = 0;
            c.out.clear();
            c.channel.write(c.out);
            key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void closeAll() {
            for (Conn c : conns) {
                try {
                    c.channel.close();
                } catch (IOException e) {
                    // closing at the end of a turn: nothing to do about it
                }
            }
            try {
                selector.close();
            } catch (IOException e) {
                // as above
            }
        }
    }
}
