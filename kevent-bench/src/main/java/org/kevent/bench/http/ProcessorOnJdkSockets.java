package org.kevent.bench.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;

import org.kevent.cli.http.FileBody;
import org.kevent.cli.http.HttpConnection;
import org.kevent.cli.http.HttpIo;
import org.kevent.cli.http.HttpProcessor;
import org.kevent.cli.http.HttpProcessorPool;

/**
 * The peer issue 14 names for {@code evserver --vthreads}: evserver's own {@link HttpProcessor}
 * with one virtual thread per connection, on plain {@code java.net} sockets. Only the sockets
 * differ from {@code serve --vthreads}: the parser, the answers and the processor pool are the
 * same code, so the ratio is what kevent's blocking sockets cost against the JDK's.
 *
 * <h2>Semantics</h2>
 * {@code java -Djdk.virtualThreadScheduler.parallelism=N -cp BENCH_JAR
 * org.kevent.bench.http.ProcessorOnJdkSockets PORT} listens on 127.0.0.1:PORT and serves
 * {@code /plaintext} until killed. A connection's thread blocks in one read of up to 16 KiB (the
 * JDK parks it on its poller), then lets the processor take those bytes: the processor reads
 * through {@link JdkIo}, which hands out what the blocking read got and then says "would block",
 * so all requests one read completes are answered in one {@code serve}, with one write, as on
 * kevent's sockets. Writes block until the kernel took every byte (the JDK's socket has no
 * nonblocking write), so the processor never waits to send.
 *
 * <h2>Threading</h2>
 * As {@link VirtualThreadServer}: the carriers are the scheduler's parallelism.
 */
public final class ProcessorOnJdkSockets {
    private static final int READ_SIZE = 16 * 1024;

    private ProcessorOnJdkSockets() {
    }

    /**
     * @param args the port
     * @throws Exception if the listener cannot be bound
     */
    public static void main(String[] args) throws Exception {
        ServerSocket listener = VirtualThreadServer.listen(args[0], "HttpProcessor on JDK sockets, virtual threads");
        HttpProcessorPool processors = new HttpProcessorPool(null);
        Thread acceptor = Thread.ofVirtual().name("acceptor").start(() -> acceptLoop(listener, processors));
        acceptor.join();
    }

    private static void acceptLoop(ServerSocket listener, HttpProcessorPool processors) {
        Thread.Builder connections = Thread.ofVirtual().name("conn-", 0);
        while (true) {
            try {
                Socket s = listener.accept();
                s.setTcpNoDelay(true);
                connections.start(() -> serve(s, processors));
            } catch (IOException e) {
                System.err.println("accept: " + e); // EMFILE and the like: keep serving the others
            }
        }
    }

    private static void serve(Socket s, HttpProcessorPool processors) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            JdkIo io = new JdkIo(out);
            HttpConnection c = new HttpConnection(io);
            try {
                while ((io.length = in.read(io.read)) > 0) {
                    io.taken = 0;
                    HttpProcessor p = processors.take();
                    int r;
                    try {
                        r = p.serve(c);
                    } finally {
                        processors.give(p);
                    }
                    if (r == HttpProcessor.CLOSE) {
                        return;
                    }
                }
            } finally {
                c.release();
            }
        } catch (IOException | RuntimeException e) {
            // a reset by the peer ends the connection like a close
        }
    }

    /**
     * {@link HttpIo} over a blocking JDK socket: receives what the last blocking read got, then
     * "would block"; sends by blocking until every byte is taken.
     */
    private static final class JdkIo implements HttpIo {
        final byte[] read = new byte[READ_SIZE];
        int length;
        int taken;
        private final OutputStream out;

        JdkIo(OutputStream out) {
            this.out = out;
        }

        @Override
        public int recv(byte[] buf, int off, int len) {
            int n = Math.min(len, length - taken);
            if (n <= 0) {
                return 0;
            }
            System.arraycopy(read, taken, buf, off, n);
            taken += n;
            return n;
        }

        @Override
        public int send(byte[] buf, int off, int len) {
            try {
                out.write(buf, off, len);
                return len;
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public long sendFile(FileBody file, long offset, long count) {
            return -1;   // /plaintext only: no files
        }
    }
}
