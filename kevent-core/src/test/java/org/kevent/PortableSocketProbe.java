package org.kevent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * Run in a child JVM by {@link NativeAccessDeniedTest}: sockets where native access is refused.
 * A listener, a connect, a SOCKET interest on a queue, an echo and a network AIO receive, one line
 * per step (an exception's class and message in place of a result).
 */
public final class PortableSocketProbe {
    private PortableSocketProbe() {
    }

    /**
     * @param args {@code listener-first} to bind the listener before any queue is opened, so that
     *             the socket's own first call meets the refusal of native access
     */
    public static void main(String[] args) {
        Duration wait = Duration.ofSeconds(10);
        boolean listenerFirst = args.length > 0 && args[0].equals("listener-first");
        TcpListener first = listenerFirst
                ? TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false) : null;
        try (KeventQueue queue = KeventQueue.open();
             TcpListener listener = first != null ? first
                     : TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false)) {
            System.out.println("engine " + queue.engineName());
            queue.add(Ukevent.socket(listener, Kevent.SOCKET_ACCEPT));
            try (TcpSocket client = TcpSocket.connect(listener.localAddress())) {
                EventBuffer out = new EventBuffer(4);
                int n = queue.getEvents(1, 4, 10, TimeUnit.SECONDS, out);
                System.out.println("accept event " + (n == 1 && out.events(0) == Kevent.SOCKET_ACCEPT));
                try (TcpSocket server = listener.acceptBlocking(wait)) {
                    queue.add(Ukevent.socket(server, Kevent.SOCKET_RECV));
                    client.writeAll(new byte[] {'p', 'i', 'n', 'g'}, 0, 4, wait);
                    n = queue.getEvents(1, 4, 10, TimeUnit.SECONDS, out);
                    System.out.println("recv event " + (n == 1 && out.events(0) == Kevent.SOCKET_RECV));
                    byte[] got = new byte[4];
                    server.readFully(got, 0, 4, wait);
                    server.writeAll(got, 0, 4, wait);
                    byte[] echo = new byte[4];
                    client.readFully(echo, 0, 4, wait);
                    System.out.println("echo " + new String(echo, java.nio.charset.StandardCharsets.US_ASCII));
                    queue.remove(EventType.SOCKET, server.id());
                    long id = queue.aioRecv(server, java.nio.ByteBuffer.allocate(3));   // a receive fills its buffer
                    client.writeAll(new byte[] {1, 2, 3}, 0, 3, wait);
                    n = queue.getEvents(1, 4, 10, TimeUnit.SECONDS, out);
                    System.out.println("naio " + (n == 1 && out.id(0) == id ? out.data(0) : -1));
                }
            }
        } catch (RuntimeException | LinkageError | java.io.IOException e) {
            System.out.println("failed " + e);
        }
    }
}
