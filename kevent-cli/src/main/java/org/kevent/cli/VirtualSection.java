package org.kevent.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.QueueClosedException;
import org.kevent.Ukevent;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * Virtual threads waiting on a queue of their own: one on a periodic timer, one on a user event,
 * one on a socket that a peer writes to, all in {@code getEvents} at once, while a heartbeat
 * virtual thread ticks every 10 ms. A virtual waiter parks (docs/SEMANTICS.md §5), so the
 * heartbeat keeps its pace: the summary prints its longest gap next to the waiters' counts. It
 * registers nothing on the demo's queue.
 */
final class VirtualSection implements DemoSection {
    private static final long TIMER_ID = 1;
    private static final long USER_ID = 2;
    private static final long BEAT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private KeventQueue own;
    private TcpListener listener;
    private TcpSocket client;
    private TcpSocket served;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private final AtomicLong timerEvents = new AtomicLong();
    private final AtomicLong userEvents = new AtomicLong();
    private final AtomicLong socketEvents = new AtomicLong();
    private final AtomicLong beats = new AtomicLong();
    private final AtomicLong longestGapNanos = new AtomicLong();

    @Override
    public String name() {
        return "virtual";
    }

    @Override
    public Set<EventType> types() {
        return EnumSet.of(EventType.TIMER, EventType.USER, EventType.SOCKET);
    }

    @Override
    public List<Ukevent> interests(long originNanos) {
        return List.of();
    }

    @Override
    public void start(KeventQueue demoQueue) {
        own = KeventQueue.builder().engine(demoQueue.engine()).open();
        listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
        client = TcpSocket.connect(listener.localAddress());
        served = acceptWithin(listener);
        own.add(Ukevent.timerNanos(TIMER_ID, 100_000_000L).withPeriodNanos(100_000_000L));
        own.add(Ukevent.user(USER_ID));
        own.add(Ukevent.socket(served, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
        for (int k = 0; k < 3; k++) {
            threads.add(waiter());
        }
        threads.add(Thread.ofVirtual().name("kevent-demo-heartbeat").start(this::heartbeat));
    }

    /** A virtual thread that takes one event at a time from the section's queue and counts it by type. */
    private Thread waiter() {
        return Thread.ofVirtual().name("kevent-demo-virtual-waiter").start(() -> {
            EventBuffer events = new EventBuffer(1);
            byte[] sink = new byte[64];
            try {
                while (!stopping) {
                    if (own.getEvents(1, 1, 50, TimeUnit.MILLISECONDS, events) == 0) {
                        continue;
                    }
                    switch (events.type(0)) {
                        case TIMER -> timerEvents.incrementAndGet();
                        case USER -> userEvents.incrementAndGet();
                        case SOCKET -> {
                            socketEvents.incrementAndGet();
                            while (served.recv(sink, 0, sink.length) > 0) {
                                // drained: ET reports the next write again
                            }
                        }
                        default -> {
                        }
                    }
                }
            } catch (QueueClosedException closed) {
                // stop() closed the queue
            }
        });
    }

    /** Ticks every 10 ms; every third tick triggers the user event and writes to the socket. */
    private void heartbeat() {
        long last = System.nanoTime();
        byte[] one = {'.'};
        try {
            while (!stopping) {
                TimeUnit.NANOSECONDS.sleep(BEAT_NANOS);
                long now = System.nanoTime();
                longestGapNanos.accumulateAndGet(now - last, Math::max);
                last = now;
                long n = beats.incrementAndGet();
                if (n % 3 == 0) {
                    own.trigger(USER_ID);
                    client.send(one, 0, 1);
                }
            }
        } catch (InterruptedException | QueueClosedException stopped) {
            // stop()
        }
    }

    private static TcpSocket acceptWithin(TcpListener l) {
        for (int tries = 0; tries < 1000; tries++) {
            TcpSocket s = l.accept();
            if (s != null) {
                return s;
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("the loopback connection was not accepted");
    }

    @Override
    public void stop() {
        stopping = true;
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (own != null) {
            own.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {served, client, listener}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing on the way out
            }
        }
    }

    @Override
    public String note(EventType type, long id) {
        return "virtual";
    }

    @Override
    public String data2(EventBuffer events, int i) {
        return Long.toString(events.data2(i));
    }

    @Override
    public List<String> summary() {
        return List.of(String.format("3 virtual threads waited on a queue: %d timer, %d user, %d socket events;"
                        + " heartbeat %d beats of 10 ms, longest gap %d ms", timerEvents.get(), userEvents.get(),
                socketEvents.get(), beats.get(), TimeUnit.NANOSECONDS.toMillis(longestGapNanos.get())));
    }
}
