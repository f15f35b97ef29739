package org.kevent.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
 * Network AIO on the same queue: a loopback connection, and a periodic timer that starts an
 * {@code aioRecv} on one end and an {@code aioSend} of a short message on the other; both
 * completions arrive as NAIO events among the timers, user events, file events and sockets. A
 * second connection has one {@code aioRecvMultishot} for the whole demo: each tick writes a short
 * message into it with a plain send, and each arrival comes as an event lending a queue buffer,
 * given back at once.
 */
final class AioSection implements DemoSection {
    private static final long TIMER = 910;
    private static final long EVERY_NANOS = 400_000_000L;
    /** Cookies of this section's requests, shown in the demo's rows; the section is their attachment. */
    private static final long COOKIE_BASE = 0xA10_0000L;
    /** Cookie of the multishot request (inside the section's cookie range). */
    private static final long MULTISHOT_COOKIE = COOKIE_BASE + 999_999;

    private TcpListener listener;
    private TcpSocket client;
    private TcpSocket server;
    private TcpSocket client2;
    private TcpSocket server2;
    private int arrivals;
    private KeventQueue queue;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64);
    private int started;
    private int completed;
    private long bytes;
    private boolean receiving;

    @Override
    public String name() {
        return "aio";
    }

    @Override
    public Set<EventType> types() {
        return EnumSet.of(EventType.NAIO, EventType.SOCKET, EventType.TIMER);
    }

    @Override
    public List<Ukevent> interests(long originNanos) {
        listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
        client = TcpSocket.connect(listener.localAddress());
        server = acceptWithin5s();
        client2 = TcpSocket.connect(listener.localAddress());
        server2 = acceptWithin5s();
        return List.of(Ukevent.timerAt(TIMER, originNanos + EVERY_NANOS).withPeriodNanos(EVERY_NANOS));
    }

    private TcpSocket acceptWithin5s() {
        TcpSocket s;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((s = listener.accept()) == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return s;
    }

    @Override
    public void start(KeventQueue q) {
        this.queue = q;
        if (server2 != null) {
            q.aioRecvMultishot(server2, MULTISHOT_COOKIE, this);
        }
    }

    @Override
    public void stop() {
        for (TcpSocket s : new TcpSocket[] {client, server, client2, server2}) {
            if (s != null) {
                s.close();   // ends a request still under way as cancelled
            }
        }
        if (listener != null) {
            listener.close();
        }
        try {
            if (queue != null) {
                queue.remove(EventType.TIMER, TIMER);
            }
        } catch (QueueClosedException closed) {
            // the demo is over either way
        }
    }

    @Override
    public String note(EventType type, long id) {
        return type == EventType.TIMER ? "aio: every 400 ms, a send and a receive"
                : "aio: request, engine " + queue.aioEngine();
    }

    @Override
    public String data2(EventBuffer events, int i) {
        if (events.type(i) == EventType.TIMER) {
            return startPair();
        }
        if (events.cookie(i) == MULTISHOT_COOKIE) {
            return multishot(events, i);
        }
        completed++;
        long result = events.data(i);
        if (result < 0) {
            return (events.events(i) == Kevent.NAIO_RECV ? "receive" : "send") + " ended: errno " + -result;
        }
        bytes += result;
        if (events.events(i) == Kevent.NAIO_RECV) {
            receiving = false;
            byte[] got = new byte[(int) result];
            in.flip().get(got);
            return "received '" + new String(got, StandardCharsets.US_ASCII) + "'";
        }
        return "sent " + result + " B";
    }

    private String multishot(EventBuffer events, int i) {
        if ((events.flags(i) & Kevent.RET_MORE) == 0) {
            return "multishot ended: " + (events.data(i) < 0 ? "errno " + -events.data(i) : "end of stream");
        }
        arrivals++;
        ByteBuffer lent = events.buffer(i);
        String text = StandardCharsets.US_ASCII.decode(lent).toString();
        int bufferId = (int) events.data2(i);
        queue.aioReleaseBuffer(bufferId);
        return "arrival '" + text + "' in lent buffer " + bufferId;
    }

    private String startPair() {
        if (receiving || server == null || !client.isOpen()) {
            return "previous exchange under way";
        }
        byte[] msg = ("aio " + (started / 2 + 1)).getBytes(StandardCharsets.US_ASCII);
        in.clear().limit(msg.length);
        queue.aioRecv(server, in, COOKIE_BASE + started++, this, 0);
        receiving = true;
        queue.aioSend(client, ByteBuffer.wrap(msg), COOKIE_BASE + started++, this, 0);
        if (client2 != null && client2.isOpen()) {
            byte[] m = ("ms " + (started / 2)).getBytes(StandardCharsets.US_ASCII);
            client2.send(m, 0, m.length);
        }
        return "started aioRecv + aioSend of " + msg.length + " B, sent 'ms " + (started / 2) + "' to the multishot";
    }

    @Override
    public List<String> summary() {
        return List.of(started + " requests, " + completed + " completions, " + bytes + " bytes, engine "
                + (queue == null ? "?" : queue.aioEngine())
                + (started - completed > 2 ? " (MISSING COMPLETIONS)" : ""),
                arrivals + " multishot arrivals in lent buffers"
                + (started / 2 - arrivals > 1 ? " (MISSING ARRIVALS)" : ""));
    }
}
