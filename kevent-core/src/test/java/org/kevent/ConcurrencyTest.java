package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** docs/SEMANTICS.md §5: exactly once, also with many threads calling ctl, trigger and getEvents at once. */
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
                threads.add(TestQueues.startThread(() -> {
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
                TestQueues.startThread(() -> {
                    for (int k = 0; k < perTriggerer; k++) {
                        queue.trigger((k * 7L + seed) % ids);
                    }
                    triggersDone.countDown();
                });
            }
            // Meanwhile two threads add, modify and remove interests the triggerers never name.
            List<Thread> churn = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                long base = 1_000 + c * 100;
                churn.add(TestQueues.startThread(() -> {
                    for (int k = 0; k < 5_000; k++) {
                        long id = base + k % 50;
                        queue.add(Ukevent.user(id).withFlags(Kevent.REQ_ONESHOT));
                        queue.modify(Ukevent.user(id).withCookie(k));
                        queue.remove(EventType.USER, id);
                    }
                }));
            }
            assertThat(triggersDone.await(60, TimeUnit.SECONDS)).isTrue();
            for (Thread c : churn) {
                c.join(60_000);
            }
            assertThat(queue.stats().registered()).isEqualTo(ids);
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
