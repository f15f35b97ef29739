package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.internal.sys.Fd;

/** POLL interests on real pipes (docs/SEMANTICS.md §2–3). */
class PollTest {
    private KeventQueue queue;
    private final int[] pipe = new int[2];
    private final EventBuffer out = new EventBuffer(8);

    @BeforeEach
    void open() {
        queue = KeventQueue.open();
        assertThat(Fd.pipe(pipe)).isZero();
    }

    @AfterEach
    void close() {
        queue.close();
        Fd.close(pipe[0]);
        Fd.close(pipe[1]);
    }

    private void write(int n) {
        assertThat(Fd.write(pipe[1], new byte[n], 0, n)).isEqualTo(n);
    }

    private void drain() {
        byte[] buf = new byte[4096];
        while (Fd.read(pipe[0], buf, 0, buf.length) > 0) {
            // until EAGAIN
        }
    }

    @Test
    void levelInterestStaysReadyUntilDrained() {
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN).withCookie(3));
        assertThat(queue.poll(out)).isZero();
        write(10);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.type(0)).isEqualTo(EventType.POLL);
        assertThat(out.id(0)).isEqualTo(pipe[0]);
        assertThat(out.events(0)).isEqualTo(Kevent.POLLIN);
        assertThat(out.data(0)).isEqualTo(Kevent.POLLIN);
        assertThat(out.cookie(0)).isEqualTo(3);
        assertThat(queue.poll(out)).as("not drained: still ready").isEqualTo(1);
        drain();
        assertThat(queue.poll(out)).isZero();
    }

    @Test
    void edgeTriggeredInterestFiresOncePerArrival() {
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN).withFlags(Kevent.REQ_ET));
        write(10);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(queue.poll(out)).as("no new data, no event").isZero();
        write(1);
        assertThat(queue.poll(out)).isEqualTo(1);
    }

    @Test
    void oneshotInterestIsRemovedAfterDelivery() {
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN).withFlags(Kevent.REQ_ONESHOT));
        write(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(queue.stats().registered()).isZero();
        assertThat(queue.poll(out)).isZero();
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN));
        assertThat(queue.poll(out)).as("re-added, data still there").isEqualTo(1);
    }

    @Test
    void dispatchInterestIsReArmedByEnableOrModify() {
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN).withFlags(Kevent.REQ_DISPATCH));
        write(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        write(1);
        assertThat(queue.poll(out)).as("disabled").isZero();
        queue.enable(EventType.POLL, pipe[0]);
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(queue.poll(out)).isZero();
        queue.modify(Ukevent.poll(pipe[0], Kevent.POLLIN).withFlags(Kevent.REQ_DISPATCH).withCookie(9));
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.cookie(0)).isEqualTo(9);
    }

    @Test
    void writableEndReportsPollout() {
        queue.add(Ukevent.poll(pipe[1], Kevent.POLLOUT));
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.events(0)).isEqualTo(Kevent.POLLOUT);
    }

    @Test
    void hangUpIsReportedEvenIfNotAskedFor() {
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN));
        Fd.close(pipe[1]);
        pipe[1] = Fd.dup(pipe[0]); // keep close() in tearDown harmless
        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.events(0) & Kevent.POLLHUP).isEqualTo(Kevent.POLLHUP);
    }

    @Test
    void aBlockedWaiterWakesWhenTheFdBecomesReady() throws Exception {
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN));
        CompletableFuture<Integer> waiter = TestQueues.async(() -> queue.getEvents(1, 8, -1, TimeUnit.SECONDS, out));
        TestQueues.await("waiter blocks", () -> queue.waitingThreads() == 1);
        write(1);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void anotherQueueCanBeNestedThroughItsReadinessFd() {
        try (KeventQueue inner = KeventQueue.open()) {
            inner.add(Ukevent.user(1));
            queue.add(Ukevent.poll(inner.readinessFd(), Kevent.POLLIN));
            assertThat(queue.poll(out)).isZero();
            inner.trigger(1);
            assertThat(queue.poll(out)).isEqualTo(1);
            assertThat(inner.poll(out)).isEqualTo(1);
            assertThat(queue.poll(out)).isZero();
        }
    }

    @Test
    void aClosedFdIsRejectedWithEbadf() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.poll(1_000_000, Kevent.POLLIN), Ukevent.poll(-1, Kevent.POLLIN));
        assertThat(r.errorName(0)).isEqualTo("EBADF");
        assertThat(r.message(0)).contains("1000000");
        assertThat(r.errorName(1)).isEqualTo("EBADF");
        assertThat(queue.stats().registered()).isZero();
    }

    /**
     * docs/SEMANTICS.md §4, MODIFY replaces the mask and re-evaluates readiness at once: a queued
     * interest whose pending bits the new mask drops leaves the ready list, instead of coming out
     * later with no bits.
     */
    @Test
    void aModifyThatDropsEveryPendingBitTakesTheInterestOffTheReadyList() {
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN));
        write(1);
        queue.add(Ukevent.timer(9, java.time.Duration.ZERO));      // due at once: queued ahead
        assertThat(queue.getEvents(0, 1, 0, TimeUnit.NANOSECONDS, out)).isEqualTo(1);
        assertThat(out.type(0)).as("the timer first; the readable pipe is queued behind it").isEqualTo(EventType.TIMER);
        assertThat(queue.stats().ready()).isEqualTo(1);

        queue.modify(Ukevent.poll(pipe[0], Kevent.POLLOUT));       // a read end is never writable

        assertThat(queue.stats().ready()).isZero();
        assertThat(queue.poll(out)).as("nothing to hand out, not an event without bits").isZero();
    }

    /** An event held while a DISPATCH interest was disabled is queued by MODIFY, as by enable. */
    @Test
    void modifyQueuesTheEventHeldWhileADispatchInterestWasDisabled() {
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN).withFlags(Kevent.REQ_ET | Kevent.REQ_DISPATCH));
        write(1);
        assertThat(queue.poll(out)).isEqualTo(1);
        write(1);                                                  // a new edge while disabled
        assertThat(queue.poll(out)).as("disabled").isZero();

        queue.modify(Ukevent.poll(pipe[0], Kevent.POLLIN).withFlags(Kevent.REQ_ET | Kevent.REQ_DISPATCH).withCookie(5));

        assertThat(queue.poll(out)).isEqualTo(1);
        assertThat(out.cookie(0)).isEqualTo(5);
    }

    @Test
    void aRegularFileIsRejectedWithEperm(@TempDir Path dir) throws IOException {
        Path file = Files.createFile(dir.resolve("f"));
        try (var stream = new java.io.FileInputStream(file.toFile())) {
            CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.poll(descriptorOf(file), Kevent.POLLIN));
            assertThat(r.errorName(0)).isEqualTo("EPERM");
            assertThat(r.message(0)).contains("does not support poll");
        }
    }

    /** The JVM's raw descriptor of an open file, found through /proc/self/fd. */
    private static int descriptorOf(Path file) throws IOException {
        Path real = file.toRealPath();
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).equals(real);
                } catch (IOException e) {
                    return false;
                }
            }).mapToInt(p -> Integer.parseInt(p.getFileName().toString())).findFirst().orElseThrow();
        }
    }

    @Test
    void theSameFdTwiceInOneQueueIsRejected() {
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN));
        assertThat(queue.ctl(CtlOp.ADD, Ukevent.poll(pipe[0], Kevent.POLLIN)).errorName(0)).isEqualTo("EEXIST");
    }

    @Test
    void aRemovedInterestIsNeverDeliveredEvenIfTheKernelReportedIt() {
        queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN));
        queue.add(Ukevent.user(1));
        write(1);
        queue.trigger(1);
        assertThat(queue.getEvents(1, 1, 0, TimeUnit.SECONDS, out)).isEqualTo(1);
        queue.remove(EventType.POLL, pipe[0]);
        assertThat(queue.poll(out)).isEqualTo(0);
    }

    @Test
    void twoThousandAddRemoveCyclesLeakNoFd() {
        long before = TestQueues.openFds();
        for (int k = 0; k < 2000; k++) {
            queue.add(Ukevent.poll(pipe[0], Kevent.POLLIN));
            queue.remove(EventType.POLL, pipe[0]);
        }
        assertThat(TestQueues.openFds()).isEqualTo(before);
    }
}
