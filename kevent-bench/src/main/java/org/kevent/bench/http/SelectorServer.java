package org.kevent.bench.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The raw {@code java.nio} peer of {@code kevent bench http}: {@code Selector} loops answering the
 * plaintext exchange, with nothing between the selector and the socket.
 *
 * <h2>Semantics</h2>
 * {@code java -cp BENCH_JAR org.kevent.bench.http.SelectorServer PORT THREADS} listens on
 * 127.0.0.1:PORT and answers every request with {@link Plaintext#ANSWER} (pipelining: all requests
 * that one read completes are answered with one write). Runs until killed.
 *
 * <h2>Threading</h2>
 * THREADS loops, each with its own {@code SO_REUSEPORT} listener and selector; a connection stays on
 * the loop that accepted it (the kernel spreads connections over the listeners by hash).
 *
 * <h2>Caveats</h2>
 * The selector is level-triggered: one read per readiness, again only if it filled the buffer. A
 * write that does not complete keeps the rest on the connection, stops reading and waits for
 * OP_WRITE.
 */
public final class SelectorServer {
    private static final int READ_BUFFER = 16 * 1024;

    private SelectorServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        Loop[] loops = new Loop[threads];
        for (int t = 0; t < threads; t++) {
            loops[t] = new Loop(port); // every listener bound before the first loop runs
        }
        System.out.println("selector: http://127.0.0.1:" + port + "/plaintext, " + threads + " thread(s)");
        for (int t = 1; t < threads; t++) {
            Thread.ofPlatform().name("selector-" + t).start(loops[t]::run);
        }
        loops[0].run();
    }

    /** What a connection keeps between events: the request-end scanner and any unsent answers. */
    private static final class Conn {
        final SocketChannel channel;
        final Plaintext.RequestEnds ends = new Plaintext.RequestEnds();
        ByteBuffer pending;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private static final class Loop {
        private final Selector selector;
        private final ServerSocketChannel listener;
        private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER);
        private final ByteBuffer answers;

        Loop(int port) throws IOException {
            selector = Selector.open();
            listener = ServerSocketChannel.open();
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            listener.bind(new InetSocketAddress("127.0.0.1", port), 4096);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            byte[] batch = Plaintext.answers(Plaintext.BATCH);
            answers = ByteBuffer.allocateDirect(batch.length).put(batch).flip();
        }

        void run() {
            try {
                while (true) {
                    selector.select(this::handle);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void handle(SelectionKey key) {
            try {
                if (key.isAcceptable()) {
                    acceptAll();
                } else {
                    serve(key, (Conn) key.attachment());
                }
            } catch (IOException e) {
                key.cancel();
                closeQuietly(key);
            }
        }

        private void acceptAll() throws IOException {
            SocketChannel ch;
            while ((ch = listener.accept()) != null) {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Conn c = new Conn(ch);
                ch.register(selector, SelectionKey.OP_READ, c);
            }
        }

        private void serve(SelectionKey key, Conn c) throws IOException {
            if (c.pending != null) {
                c.channel.write(c.pending);
                if (c.pending.hasRemaining()) {
                    return;
                }
                c.pending = null;
                key.interestOps(SelectionKey.OP_READ);
            }
            while (true) {
                in.clear();
                int n = c.channel.read(in);
                if (n < 0) {
                    key.cancel();
                    c.channel.close();
                    return;
                }
                int requests = c.ends.count(in, 0, n);
                if (requests > 0 && !answer(key, c, requests)) {
                    return;
                }
                if (n < READ_BUFFER) {
                    return;
                }
            }
        }

        /** Writes {@code requests} answers; false when the socket filled up and the rest waits. */
        private boolean answer(SelectionKey key, Conn c, int requests) throws IOException {
            int left = requests;
            while (left > 0) {
                int now = Math.min(left, Plaintext.BATCH);
                answers.clear().limit(now * Plaintext.ANSWER.length);
                c.channel.write(answers);
                left -= now;
                if (answers.hasRemaining()) {
                    keepPending(c, left);
                    key.interestOps(SelectionKey.OP_WRITE);
                    return false;
                }
            }
            return true;
        }

        /** Copies the unsent part of {@link #answers} plus {@code more} whole answers to the connection. */
        private void keepPending(Conn c, int more) {
            ByteBuffer p = ByteBuffer.allocate(answers.remaining() + more * Plaintext.ANSWER.length);
            p.put(answers);
            for (int k = 0; k < more; k++) {
                p.put(Plaintext.ANSWER);
            }
            c.pending = p.flip();
        }

        private static void closeQuietly(SelectionKey key) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing after an I/O error: nothing more to report
            }
        }
    }
}
