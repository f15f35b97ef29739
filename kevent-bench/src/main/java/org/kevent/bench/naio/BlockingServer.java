package org.kevent.bench.naio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The synchronous peers of {@code kevent bench naio}: blocking {@link SocketChannel}s, one thread
 * per connection, the code a JDK user writes without a framework.
 *
 * <h2>Semantics</h2>
 * {@code java -cp BENCH_JAR org.kevent.bench.naio.BlockingServer platform|virtual sendfile|echo PORT [FILE]}
 * listens on 127.0.0.1:PORT and serves the {@link Part} protocol:
 * <ul>
 *   <li>sendfile: read the request byte, then {@link FileChannel#transferTo} of the whole file to
 *       the socket (the JDK's {@code sendfile} path), looping over its partial counts;</li>
 *   <li>echo: read whatever arrived into a direct buffer and write it all back (the usual
 *       blocking echo; it does not wait for a whole message).</li>
 * </ul>
 * Runs until killed.
 *
 * <h2>Caveats</h2>
 * On a virtual thread the JDK (25) makes the socket nonblocking underneath, and
 * {@code transferTo} does not park when {@code sendfile} meets a full socket buffer: it returns 0.
 * The obvious loop around it then spins on the carrier (a whole core in a first run). When a
 * {@code transferTo} makes no progress this server therefore writes one {@link #CHUNK_BYTES}
 * chunk with {@code write}, which parks until the socket drains, and goes back to
 * {@code transferTo}: the careful version of the code, so the comparison is not against a spin.
 * On a platform thread the socket stays blocking and {@code transferTo} never returns 0 here.
 *
 * <h2>Threading</h2>
 * {@code platform}: one platform thread per connection, the accept loop on the main thread.
 * {@code virtual}: one virtual thread per connection and for the accept loop; the runner sets the
 * scheduler to one carrier thread ({@code jdk.virtualThreadScheduler.parallelism=1},
 * {@code maxPoolSize=1}), so "one server thread" holds as for the other servers. One
 * {@link FileChannel} serves every connection: {@code transferTo} takes its own position.
 */
public final class BlockingServer {
    /** One {@code write} when {@code transferTo} made no progress: small next to the file. */
    private static final int CHUNK_BYTES = 64 << 10;

    private BlockingServer() {
    }

    /** @param args see the class documentation */
    public static void main(String[] args) throws Exception {
        boolean virtual = switch (args[0]) {
            case "virtual" -> true;
            case "platform" -> false;
            default -> throw new IllegalArgumentException("threads must be platform or virtual, got " + args[0]);
        };
        Part part = Part.valueOf(args[1].toUpperCase(Locale.ROOT));
        int port = Integer.parseInt(args[2]);
        FileChannel file = part == Part.SENDFILE ? FileChannel.open(Path.of(args[3]), StandardOpenOption.READ) : null;
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        System.out.println("blocking " + part.key + " on 127.0.0.1:" + port + ", a " + args[0] + " thread per connection");
        Thread.Builder threads = virtual ? Thread.ofVirtual().name("conn-", 0) : Thread.ofPlatform().name("conn-", 0);
        Runnable accept = () -> acceptLoop(listener, threads, file);
        if (virtual) {
            Thread.ofVirtual().name("acceptor").start(accept).join();
        } else {
            accept.run();
        }
    }

    private static void acceptLoop(ServerSocketChannel listener, Thread.Builder threads, FileChannel file) {
        while (true) {
            try {
                SocketChannel s = listener.accept();
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                threads.start(() -> serve(s, file));
            } catch (IOException e) {
                System.err.println("accept: " + e); // EMFILE and the like: keep serving the others
            }
        }
    }

    private static void serve(SocketChannel s, FileChannel file) {
        try (s) {
            if (file != null) {
                sendfile(s, file);
            } else {
                echo(s);
            }
        } catch (IOException e) {
            // a reset by the client, when it leaves at the end of a measurement, ends it like a close
        }
    }

    private static void sendfile(SocketChannel s, FileChannel file) throws IOException {
        ByteBuffer request = ByteBuffer.allocateDirect(1);
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
        long size = file.size();
        while (true) {
            request.clear();
            if (s.read(request) < 0) {
                return;
            }
            for (long sent = 0; sent < size; ) {
                long n = file.transferTo(sent, size - sent, s);
                sent += n > 0 ? n : writeChunk(s, file, sent, size, chunk);
            }
        }
    }

    /**
     * Sends one chunk of the file with a plain {@code write}, which parks a virtual thread until
     * the socket takes it: see the class documentation for why {@code transferTo} cannot.
     *
     * @return the bytes sent
     */
    private static long writeChunk(SocketChannel s, FileChannel file, long at, long size, ByteBuffer chunk)
            throws IOException {
        chunk.clear().limit((int) Math.min(chunk.capacity(), size - at));
        while (chunk.hasRemaining()) {
            if (file.read(chunk, at + chunk.position()) < 0) {
                throw new IOException("the file ended at " + (at + chunk.position()) + " of " + size + " bytes");
            }
        }
        chunk.flip();
        while (chunk.hasRemaining()) {
            s.write(chunk);
        }
        return chunk.limit();
    }

    private static void echo(SocketChannel s) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(Part.MESSAGE_BYTES);
        while (s.read(buffer) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                s.write(buffer);
            }
            buffer.clear();
        }
    }
}
