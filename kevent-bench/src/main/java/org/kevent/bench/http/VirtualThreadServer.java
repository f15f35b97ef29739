package org.kevent.bench.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The blocking peer of {@code kevent bench http}: one virtual thread per connection, plain
 * {@code java.net} sockets, the code a JDK 25 user writes without any framework.
 *
 * <h2>Semantics</h2>
 * {@code java -Djdk.virtualThreadScheduler.parallelism=N -cp BENCH_JAR
 * org.kevent.bench.http.VirtualThreadServer PORT} listens on 127.0.0.1:PORT and answers every
 * request with {@link Plaintext#ANSWER}; all requests one read completes get one write. Runs until
 * killed.
 *
 * <h2>Threading</h2>
 * "N server threads" is the virtual-thread scheduler's parallelism, set by the runner with
 * {@code jdk.virtualThreadScheduler.parallelism} and {@code maxPoolSize}: that many carrier threads
 * run the accept loop and every connection. The JDK's own poller wakes a blocked read.
 */
public final class VirtualThreadServer {
    private VirtualThreadServer() {
    }

    public static void main(String[] args) throws Exception {
        ServerSocket listener = listen(args[0], "virtual threads");
        Thread acceptor = Thread.ofVirtual().name("acceptor").start(() -> acceptLoop(listener));
        acceptor.join();
    }

    /**
     * Binds 127.0.0.1:PORT (backlog 4096) and prints where it listens, with the carriers.
     *
     * @param port the port, as given on the command line
     * @param what the server's name, for the line printed
     * @return the bound listener
     * @throws IOException if it cannot be bound
     */
    static ServerSocket listen(String port, String what) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)), 4096);
        System.out.println(what + ": http://127.0.0.1:" + port + "/plaintext, parallelism "
                + System.getProperty("jdk.virtualThreadScheduler.parallelism", "default"));
        return listener;
    }

    private static void acceptLoop(ServerSocket listener) {
        Thread.Builder connections = Thread.ofVirtual().name("conn-", 0);
        while (true) {
            try {
                Socket s = listener.accept();
                s.setTcpNoDelay(true);
                connections.start(() -> serve(s));
            } catch (IOException e) {
                System.err.println("accept: " + e); // EMFILE and the like: keep serving the others
            }
        }
    }

    private static final byte[] ANSWERS = Plaintext.answers(Plaintext.BATCH);

    private static void serve(Socket s) {
        byte[] buffer = new byte[16 * 1024];
        Plaintext.RequestEnds ends = new Plaintext.RequestEnds();
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int requests = ends.count(buffer, 0, n);
                while (requests > 0) {
                    int now = Math.min(requests, Plaintext.BATCH);
                    out.write(ANSWERS, 0, now * Plaintext.ANSWER.length);
                    requests -= now;
                }
            }
        } catch (IOException e) {
            // a reset by the peer ends the connection like a close
        }
    }
}
