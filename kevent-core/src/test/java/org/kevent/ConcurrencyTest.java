package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** KEVENT.md §5: exactly once, also with many threads calling ctl, trigger and getEvents at once. */
class ConcurrencyTest {

    @Test
    void everyTriggerIsDeliveredExactlyOnceAcrossWaitersAndTriggerers() throws Exception {
        int ids = 64;
        int triggerers = 3;
        int waiters = 3;
        int perTriggerer = 20_000;
        try (KeventQueue queue = KeventQueue.open()) {
            for (long id = 0; id < ids; id++) {
                queue.add(Ukevent.user(id).withFlags(id % 2 == 0 ? Kevent.REQ_ET : 0));
            }
            AtomicLong deliveredTriggers = new AtomicLong();
            long[] perId = new long[ids];
            CountDownLatch triggersDone = new CountDownLatch(triggerers);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < waiters; w++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    EventBuffer out = new EventBuffer(16);
                    try {
                        while (true) {
                            int n = queue.getEvents(1, 16, -1, TimeUnit.SECONDS, out);
                            for (int i = 0; i < n; i++) {
                                deliveredTriggers.addAndGet(out.data(i));
                                synchronized (perId) {
                                    perId[(int) out.id(i)] += out.data(i);
                                }
                            }
                        }
                    } catch (QueueClosedException closed) {
                        // the end of the test
                    }
                }));
            }
            for (int t = 0; t < triggerers; t++) {
                int seed = t;
                Thread.ofPlatform().start(() -> {
                    for (int k = 0; k < perTriggerer; k++) {
                        queue.trigger((k * 7L + seed) % ids);
                    }
                    triggersDone.countDown();
                });
            }
            // Meanwhile another thread adds and removes interests the triggerers never name.
            Thread churn = Thread.ofPlatform().start(() -> {
                for (int k = 0; k < 5_000; k++) {
                    queue.add(Ukevent.user(1_000 + k % 50).withFlags(Kevent.REQ_ONESHOT));
                    queue.remove(EventType.USER, 1_000 + k % 50);
                }
            });
            assertThat(triggersDone.await(60, TimeUnit.SECONDS)).isTrue();
            churn.join(60_000);
            long expected = (long) triggerers * perTriggerer;
            TestQueues.await("all triggers delivered", () -> deliveredTriggers.get() == expected);
            Thread.sleep(20);
            assertThat(deliveredTriggers.get()).as("no duplicate").isEqualTo(expected);
            queue.close();
            for (Thread t : threads) {
                t.join(10_000);
                assertThat(t.isAlive()).as("close wakes every waiter").isFalse();
            }
            long[] expectedPerId = new long[ids];
            for (int t = 0; t < triggerers; t++) {
                for (int k = 0; k < perTriggerer; k++) {
                    expectedPerId[(int) ((k * 7L + t) % ids)]++;
                }
            }
            assertThat(perId).isEqualTo(expectedPerId);
        }
    }
}
