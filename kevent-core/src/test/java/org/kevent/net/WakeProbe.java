package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import org.kevent.CtlOp;
import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * Issue 12, point 4: does a completion wake the thread that sleeps for it, by itself? A
 * single-issuer io_uring queue once announced completions through an eventfd that Linux 6.18
 * signals only after an RCU grace period (about 15 ms), so one request at a time crawled.
 *
 * <p>The check is causal, not timed. A waiter thread makes one receive and sleeps in
 * {@code getEvents}; once {@code /proc} shows it asleep in the queue's kernel wait (epoll, or the
 * ring itself for a single-issuer queue's owner, docs/DESIGN.md §4), the peer sends a byte and
 * then shuts its side down. TCP hands the socket the byte before the end of stream, so once
 * another queue watching the socket for that end (POLLRDHUP stays true, where POLLIN would be gone
 * once the receive took the byte) has seen it, the byte's arrival is past, and the waiter must
 * no longer be asleep in the queue's kernel wait.
 */
final class WakeProbe {
    /**
     * What the waiter's one wait took.
     *
     * @param id      the request id
     * @param taken   how many events the wait returned
     * @param eventId the first event's id
     * @param data    the first event's data
     * @param first   the first byte received
     */
    record Woken(long id, int taken, long eventId, long data, byte first) {
    }

    private WakeProbe() {
    }

    /**
     * Runs the scenario on {@code queue} (the waiter thread becomes its issuer) and asserts the
     * waiter was awake once the data had arrived. A lent multishot buffer is given back by the waiter.
     *
     * @param request makes the receive on {@code pair.server}, on the waiter thread
     * @return what the waiter's wait took
     */
    static Woken completionWakesItsWaiter(KeventQueue queue, Loopback pair, ToLongFunction<KeventQueue> request)
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (KeventQueue watcher = KeventQueue.open()) {
            assertThat(watcher.ctl(CtlOp.ADD, Ukevent.poll(pair.server.id(), Kevent.POLLRDHUP)).ok(0)).isTrue();
            CompletableFuture<String> tid = new CompletableFuture<>();
            CompletableFuture<Woken> waiter = new CompletableFuture<>();
            Thread.ofPlatform().name("naio-waiter").start(() -> {
                try {
                    tid.complete(ownTid());
                    long id = request.applyAsLong(queue);
                    EventBuffer events = new EventBuffer(1);
                    int n = queue.getEvents(1, 1, 30, TimeUnit.SECONDS, events);
                    if (n == 0) {
                        waiter.complete(new Woken(id, 0, -1, 0, (byte) 0));
                    } else {
                        byte first = events.buffer(0).get(0);
                        if ((events.flags(0) & Kevent.RET_MORE) != 0) {
                            queue.aioReleaseBuffer((int) events.data2(0));
                        }
                        waiter.complete(new Woken(id, n, events.id(0), events.data(0), first));
                    }
                    // Stays until the test is done: a thread that exits cannot be looked at.
                    release.await(30, TimeUnit.SECONDS);
                } catch (Throwable t) {
                    tid.completeExceptionally(t);
                    waiter.completeExceptionally(t);
                }
            });
            Path task = Path.of("/proc/self/task", tid.get(10, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!asleepInKernelWait(task)) {
                assertThat(waiter).as("the waiter returned before anything was sent").isNotDone();
                assertThat(System.nanoTime()).as("the waiter never went to sleep in the queue's kernel wait")
                        .isLessThan(deadline);
                Thread.sleep(1);
            }

            Loopback.sendAll(pair.client, new byte[] {42});
            pair.client.shutdownOutput();
            EventBuffer seen = new EventBuffer(1);
            assertThat(watcher.getEvents(1, 1, 10, TimeUnit.SECONDS, seen)).as("the watcher saw the end of stream")
                    .isEqualTo(1);
            assertThat(waiter.isDone() || !asleepInKernelWait(task))
                    .as("the waiter is still asleep in the queue's kernel wait although its receive completed")
                    .isTrue();
            Woken w = waiter.get(10, TimeUnit.SECONDS);
            assertThat(w.taken()).as("events taken").isEqualTo(1);
            assertThat(w.eventId()).as("the event is the receive's").isEqualTo(w.id());
            assertThat(w.data()).as("bytes received").isEqualTo(1);
            assertThat(w.first()).isEqualTo((byte) 42);
            return w;
        } finally {
            release.countDown();
        }
    }

    /** @return the calling thread's kernel task id ({@code /proc/thread-self} names it) */
    private static String ownTid() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param task a live thread's {@code /proc/self/task/TID}
     * @return whether it sleeps, interruptibly, in an epoll wait or an io_uring completion wait
     */
    static boolean asleepInKernelWait(Path task) throws IOException {
        String stat = Files.readString(task.resolve("stat"));
        // The state follows the command name, which ends with the last ')'.
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        String wchan = Files.readString(task.resolve("wchan"));
        return state == 'S' && (wchan.contains("epoll") || wchan.startsWith("ep_poll") || wchan.startsWith("io_cqring"));
    }
}
