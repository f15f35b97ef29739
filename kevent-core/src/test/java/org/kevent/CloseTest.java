package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.kevent.testing.FakePoller;
import org.kevent.testing.ManualClock;

/** docs/SEMANTICS.md §1: closing a queue. */
class CloseTest {

    @Test
    void everyMethodOfAClosedQueueThrowsQueueClosed() {
        KeventQueue queue = KeventQueue.open();
        EventRing ring = queue.openRing(4);
        queue.close();
        EventBuffer out = new EventBuffer(4);
        List<Executable> calls = List.of(
                () -> queue.ctl(CtlOp.ADD, Ukevent.user(1)),
                () -> queue.add(Ukevent.user(1)),
                () -> queue.modify(Ukevent.user(1)),
                () -> queue.remove(EventType.USER, 1),
                () -> queue.trigger(1),
                () -> queue.trigger(new long[] {1}, 0, 1),
                () -> queue.enable(EventType.USER, 1),
                () -> queue.wakeup(),
                () -> queue.getEvents(0, 4, 0, TimeUnit.SECONDS, out),
                () -> queue.poll(out),
                () -> queue.readinessFd(),
                () -> ring.await(0, 0, TimeUnit.SECONDS),
                () -> ring.commit(0));
        for (Executable call : calls) {
            assertThatThrownBy(call::execute).isInstanceOf(QueueClosedException.class).hasMessageContaining("closed");
        }
        assertThat(queue.isOpen()).isFalse();
    }

    @Test
    void closeIsIdempotent() {
        KeventQueue queue = KeventQueue.open();
        queue.close();
        queue.close();
        assertThat(queue.toString()).contains("closed");
    }

    @Test
    void closeWakesEveryWaitingThreadWithAClearException() throws Exception {
        KeventQueue queue = KeventQueue.open();
        queue.add(Ukevent.user(1));
        List<CompletableFuture<Integer>> waiters = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            EventBuffer out = new EventBuffer(1);
            waiters.add(TestQueues.async(() -> queue.getEvents(1, 1, -1, TimeUnit.SECONDS, out)));
        }
        TestQueues.await("three waiters block", () -> queue.waitingThreads() == 3);
        queue.close();
        for (CompletableFuture<Integer> w : waiters) {
            assertThatThrownBy(() -> w.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(QueueClosedException.class);
        }
    }

    @Test
    void closeRemovesEveryInterestAndReleasesTheFakeKernelOnce() {
        ManualClock clock = new ManualClock(TestQueues.START);
        FakePoller poller = new FakePoller(clock);
        KeventQueue queue = KeventQueue.builder().clock(clock).poller(poller).open();
        queue.add(Ukevent.timer(1, Duration.ofSeconds(1)));
        queue.add(Ukevent.user(2));
        queue.close();
        queue.close();
        assertThat(poller.closeCalls).isEqualTo(1);
        assertThat(queue.stats().registered()).isZero();
    }

    @Test
    void twoThousandOpenCloseCyclesLeakNoFileDescriptor() {
        for (int i = 0; i < 50; i++) {
            KeventQueue.open().close();
        }
        long before = TestQueues.openFds();
        for (int i = 0; i < 2000; i++) {
            KeventQueue queue = KeventQueue.open();
            queue.add(Ukevent.timer(1, Duration.ofMillis(1)));
            if (i % 2 == 0) {
                queue.readinessFd();
            }
            queue.close();
        }
        assertThat(TestQueues.openFds()).isEqualTo(before);
    }
}
