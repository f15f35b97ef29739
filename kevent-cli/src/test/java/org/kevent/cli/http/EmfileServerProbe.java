package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * Run in a child JVM by {@link AcceptBackoffTest}: starts evserver, fills the process's fd table,
 * lets connections wait in the backlog while accept4 fails with EMFILE, and prints one line per
 * finding. Only this throwaway JVM runs out of descriptors: a class first loaded meanwhile would
 * stay unloadable for good in a shared test JVM.
 */
public final class EmfileServerProbe {
    private static final String GET_PLAIN = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n";

    private EmfileServerProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (EvServer server = EvServer.start(new InetSocketAddress("127.0.0.1", 0), 1, null);
             SocketChannel existing = SocketChannel.open(server.localAddress())) {
            System.out.println("warm " + exchange(existing));
            preloadWhatTheFullTableNeeds();
            List<SocketChannel> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiting.add(SocketChannel.open());   // the descriptor now, the connection later
            }
            List<FileChannel> fillers = new ArrayList<>();
            try {
                while (fillers.size() < 100_000) {
                    fillers.add(FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ));
                }
            } catch (IOException full) {
                // The table is full: every open from now on fails with EMFILE.
            }
            for (SocketChannel c : waiting) {
                c.connect(server.localAddress());    // completes in the backlog; accept4 gets EMFILE
            }
            Thread.sleep(500);
            String existingAnswer = exchange(existing);
            long backoffs = server.acceptBackoffs();
            for (FileChannel f : fillers) {
                f.close();
            }
            System.out.println("filled " + fillers.size());
            System.out.println("existing " + existingAnswer);
            System.out.println("backoffs " + backoffs);
            int answered = 0;
            for (SocketChannel c : waiting) {
                if (exchange(c).equals("ok")) {
                    answered++;
                }
                c.close();
            }
            System.out.println("waiting answered " + answered);
        }
    }

    private static void preloadWhatTheFullTableNeeds() {
        try (KeventQueue q = KeventQueue.open()) {
            // A blocking wait that a timer ends arms the timerfd and reads it when it fires, as the
            // server's accept back-off will, so those classes load while descriptors are left.
            q.add(Ukevent.timerNanos(1, 1_000_000L));
            q.getEvents(1, 1, 10, TimeUnit.SECONDS, new EventBuffer(1));
            q.remove(EventType.TIMER, 1);
        }
        new KeventException("accept4", "EMFILE", "preload").errorName().hashCode();
    }

    /** @return "ok" if the plaintext answer arrived whole, else what did */
    private static String exchange(SocketChannel c) throws IOException {
        c.write(ByteBuffer.wrap(GET_PLAIN.getBytes(ISO_8859_1)));
        ByteBuffer b = ByteBuffer.allocate(4096);
        StringBuilder got = new StringBuilder();
        while (!got.toString().endsWith("Hello, World!")) {
            b.clear();
            if (c.read(b) < 0) {
                return "eof after [" + got + "]";
            }
            got.append(new String(b.array(), 0, b.position(), ISO_8859_1));
        }
        return got.toString().startsWith("HTTP/1.1 200 OK\r\n") ? "ok" : got.toString();
    }
}
