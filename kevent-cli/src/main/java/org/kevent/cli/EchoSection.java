package org.kevent.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.QueueClosedException;
import org.kevent.Ukevent;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * A loopback echo exchange on the same queue as everything else: a listener (ACCEPT), a client
 * whose connect completes as a CONNECT event, and a periodic timer that makes the client send a
 * ping; the server side echoes what it receives and the client counts what comes back. Every
 * socket call happens on the demo's thread, in reaction to an event.
 */
final class EchoSection implements DemoSection {
    private static final long PING_TIMER = 900;
    private static final long PING_EVERY_NANOS = 300_000_000L;

    private TcpListener listener;
    private TcpSocket client;
    private TcpSocket served;
    private KeventQueue queue;
    private final byte[] buffer = new byte[512];
    private int pingsSent;
    private int echoesReceived;
    private long bytesEchoed;
    private boolean connected;

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public Set<EventType> types() {
        return EnumSet.of(EventType.SOCKET, EventType.TIMER);
    }

    @Override
    public List<Ukevent> interests(long originNanos) {
        listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false);
        client = TcpSocket.connect(listener.localAddress());
        return List.of(
                Ukevent.socket(listener, Kevent.SOCKET_ACCEPT),
                Ukevent.socket(client, Kevent.SOCKET_CONNECT | Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET),
                Ukevent.timerAt(PING_TIMER, originNanos + PING_EVERY_NANOS).withPeriodNanos(PING_EVERY_NANOS));
    }

    @Override
    public void start(KeventQueue q) {
        this.queue = q;
    }

    @Override
    public void stop() {
        // Closing through the library delivers each socket's interests once more, BROKEN.
        if (client != null) {
            client.close();
        }
        if (served != null) {
            served.close();
        }
        if (listener != null) {
            listener.close();
        }
        try {
            if (queue != null) {
                queue.remove(EventType.TIMER, PING_TIMER);
            }
        } catch (QueueClosedException closed) {
            // the demo is over either way
        }
    }

    @Override
    public String note(EventType type, long id) {
        if (type == EventType.TIMER) {
            return "echo: ping every 300 ms";
        }
        if (listener != null && id == listener.id()) {
            return "echo: listener " + listener.localAddress().getPort();
        }
        if (client != null && id == client.id()) {
            return "echo: client, ET";
        }
        return "echo: served connection";
    }

    @Override
    public String data2(EventBuffer events, int i) {
        if ((events.flags(i) & Kevent.RET_BROKEN) != 0) {
            return "closed";
        }
        if (events.type(i) == EventType.TIMER) {
            return ping();
        }
        long id = events.id(i);
        int bits = events.events(i);
        if (id == listener.id()) {
            return accept();
        }
        if (id == client.id()) {
            StringBuilder what = new StringBuilder();
            if ((bits & Kevent.SOCKET_CONNECT) != 0) {
                connected = true;
                what.append("connected ");
            }
            if ((bits & Kevent.SOCKET_RECV) != 0) {
                what.append(receiveEchoes());
            }
            return what.toString().trim();
        }
        if (served != null && id == served.id() && (bits & Kevent.SOCKET_RECV) != 0) {
            return echo();
        }
        return Long.toString(events.data2(i));
    }

    private String ping() {
        if (!connected || !client.isOpen()) {
            return "not connected yet";
        }
        byte[] msg = ("ping " + (pingsSent + 1)).getBytes(StandardCharsets.US_ASCII);
        if (client.send(msg, 0, msg.length) == msg.length) {
            pingsSent++;
            return "sent ping " + pingsSent;
        }
        return "send would block";
    }

    private String accept() {
        TcpSocket s = listener.accept();
        if (s == null) {
            return "nothing to accept";
        }
        served = s;
        queue.add(Ukevent.socket(s, Kevent.SOCKET_RECV | Kevent.SOCKET_RDHUP).withFlags(Kevent.REQ_ET).withAttachment(this));
        return "accepted fd " + s.id();
    }

    /** Server side: read until the socket is drained (ET) and send every byte back. */
    private String echo() {
        int total = 0;
        int n;
        while ((n = served.recv(buffer, 0, buffer.length)) > 0) {
            served.send(buffer, 0, n);
            total += n;
        }
        bytesEchoed += total;
        return "echoed " + total + " B";
    }

    /** Client side: read until drained and count the pings that came back. */
    private String receiveEchoes() {
        StringBuilder got = new StringBuilder();
        int n;
        while ((n = client.recv(buffer, 0, buffer.length)) > 0) {
            String text = new String(buffer, 0, n, StandardCharsets.US_ASCII);
            echoesReceived += text.split("(?=ping )").length;
            got.append(text);
        }
        return got.isEmpty() ? "" : "got '" + got + "' back";
    }

    @Override
    public List<String> summary() {
        return List.of(pingsSent + " pings sent, " + echoesReceived + " echoed back, " + bytesEchoed
                + " bytes through the server side" + (pingsSent - echoesReceived > 1 ? " (MISSING ECHOES)" : ""));
    }
}
