package org.kevent.internal.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.testing.ChildJvm;
import org.kevent.EventBuffer;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.internal.sys.Fd;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * When the shared watcher of virtual threads' waits stops (its {@code epoll_wait} fails), no
 * virtual thread is left parked for good (docs/SEMANTICS.md §5 and §9): one already parked on a
 * queue leaves with a {@link KeventException} naming the failed call, a later virtual wait on a
 * queue or a socket is refused the same way at once, and platform threads, which wait in the
 * kernel themselves, go on as before.
 *
 * <p>The failure is made real, not simulated: in a child JVM (the watcher is one per JVM and does
 * not come back), the watcher's epoll descriptor number is made a pipe with {@code dup3} while the
 * watcher sleeps in {@code epoll_wait} on it; a report from a socket it watches (through the idle
 * socket poller's epoll) wakes it, and its next {@code epoll_wait} fails with {@code EINVAL}; the
 * socket poller, woken too, finds the same when it re-arms there ({@code epoll_ctl}).
 */
@EnabledOnOs(OS.LINUX)
class WatcherStoppedTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void virtualWaitsEndWithAClearExceptionOnceTheWatcherStopped() {
        String[] lines = ChildJvm.runMain(WatcherStoppedTest.class, java.util.List.of());
        assertThat(lines).as("the child JVM ran and exited 0").isNotNull();
        // Two threads find the broken descriptor, in either order: the watcher in its next
        // epoll_wait, the socket poller when it re-arms its epoll there (epoll_ctl). Whichever
        // comes first is the failure every waiter is told about.
        assertThat(lines).hasSize(5);
        String failed = lines[1].substring(lines[1].lastIndexOf(' ') + 1);
        assertThat(failed).isIn("epoll_wait", "epoll_ctl");
        assertThat(lines).containsExactly(
                "reader: returned 1",
                "parked queue waiter: KeventException from " + failed,
                "new virtual queue wait: KeventException from " + failed,
                "new virtual socket read: KeventException from " + failed,
                "platform queue wait: 1 event");
    }

    /**
     * The child JVM's program.
     *
     * @param args none
     */
    public static void main(String[] args) throws Exception {
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
             TcpSocket client = TcpSocket.connect(listener.localAddress());
             TcpSocket server = listener.acceptBlocking(BOUND);
             KeventQueue parkedOn = KeventQueue.open();
             KeventQueue later = KeventQueue.open()) {
            // A reader whose socket the watcher holds, and a queue waiter it will unpark.
            AtomicReference<String> read = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> read.set(outcome(() -> server.read(new byte[1], 0, 1, BOUND))));
            AtomicReference<String> queueWait = new AtomicReference<>();
            Thread waiter = Thread.ofVirtual().start(() -> queueWait.set(
                    outcome(() -> parkedOn.getEvents(1, 1, BOUND.toSeconds(), TimeUnit.SECONDS, new EventBuffer(1)))));
            // The watcher must hold the socket before its descriptor goes: the byte's report is
            // what wakes it.
            await(() -> ParkedWaits.get().watchedSockets() == 1, "the reader's socket is never watched");
            // ... and the socket poller must have handed its wait to the watcher: then the byte's
            // report reaches the watcher (through the sockets' epoll) and not the poller alone.
            await(() -> ParkedWaits.get().socketPollerIdle(), "the socket poller never goes idle");
            await(() -> waiter.getState() == Thread.State.TIMED_WAITING, "the queue waiter never parks");

            int[] pipe = new int[2];
            check(Fd.pipe(pipe) == 0, "pipe");
            int epfd = ParkedWaits.get().epfd;
            check(Fd.dup3(pipe[0], epfd) == epfd, "dup3");
            client.write(new byte[] {1}, 0, 1, BOUND);

            reader.join(BOUND.toMillis());
            waiter.join(BOUND.toMillis());
            check(!reader.isAlive() && !waiter.isAlive(), "a virtual thread still parked after the watcher stopped");
            System.out.println("reader: " + read.get());
            System.out.println("parked queue waiter: " + queueWait.get());
            System.out.println("new virtual queue wait: " + onVirtualThread(
                    () -> later.getEvents(1, 1, BOUND.toSeconds(), TimeUnit.SECONDS, new EventBuffer(1))));
            System.out.println("new virtual socket read: " + onVirtualThread(
                    () -> server.read(new byte[1], 0, 1, BOUND)));
            later.add(Ukevent.user(1));
            later.trigger(1);
            System.out.println("platform queue wait: "
                    + later.getEvents(1, 1, BOUND.toSeconds(), TimeUnit.SECONDS, new EventBuffer(1)) + " event");
        }
    }

    /** A call that may throw. */
    private interface Call {
        Object run() throws Exception;
    }

    private static String outcome(Call call) {
        try {
            return "returned " + call.run();
        } catch (KeventException e) {
            return "KeventException from " + e.call();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String onVirtualThread(Call call) throws InterruptedException {
        AtomicReference<String> result = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> result.set(outcome(call)));
        t.join(BOUND.toMillis());
        return t.isAlive() ? "still waiting" : result.get();
    }

    private static void await(java.util.function.BooleanSupplier condition, String otherwise)
            throws InterruptedException {
        long bound = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            check(System.nanoTime() < bound, otherwise);
            Thread.sleep(1);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
