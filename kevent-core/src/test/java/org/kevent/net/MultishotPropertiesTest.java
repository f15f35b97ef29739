package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kevent.AioEngine;
import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.testing.PropertyChecks;
import org.kevent.testing.PropertyChecks.Choices;

/**
 * Multishot receive under random interleavings of sends, takes with and without giving buffers
 * back, a cancel and the end of the stream, on both engines, over real loopback sockets and a pool
 * of only four 512-byte buffers (so receiving pauses again and again). Whatever the interleaving:
 * the arrivals carry a prefix of the bytes sent, in order; every byte not received is still in the
 * socket; the request ends exactly once, last, with data2 = the bytes its arrivals carried; the
 * pool ends with nothing lent. QuickTheories, 80 scenarios of 1–25 steps from a fixed seed
 * ({@code -Dkevent.seed=N} for others, see {@link PropertyChecks}).
 */
class MultishotPropertiesTest {
    /** One step of a scenario. */
    sealed interface Step permits Send, Take, ReleaseAll, Cancel, Shutdown {
    }

    record Send(int bytes) implements Step {
    }

    /** Take the events ready now; give their buffers back at once, or hold them. */
    record Take(boolean release) implements Step {
    }

    record ReleaseAll() implements Step {
    }

    record Cancel() implements Step {
    }

    /** The peer ends its stream. */
    record Shutdown() implements Step {
    }

    private static Step step(Choices c) {
        return switch (c.weighted(5, 4, 2, 1, 1)) {
            case 0 -> new Send(c.between(1, 3000));
            case 1 -> new Take(c.bool());
            case 2 -> new ReleaseAll();
            case 3 -> new Cancel();
            default -> new Shutdown();
        };
    }

    /** One scenario: the engine and the steps. */
    record Scenario(String engine, PropertyChecks.Sequence<Step> steps) {
        @Override
        public String toString() {
            return "engine " + engine + ":\n" + steps;
        }
    }

    @Test
    void arrivalsArePrefixOfTheStreamAndTheRequestEndsOnceLast() {
        PropertyChecks.check(20261128L, 80,
                c -> new Scenario(c.pick("io_uring", "readiness"),
                        PropertyChecks.sequence(c, 1, 25, MultishotPropertiesTest::step)),
                scenario -> run(scenario.engine(), scenario.steps().steps()));
    }

    private static void run(String engine, List<Step> steps) {
        try (KeventQueue q = KeventQueue.builder().aioEngine(AioEngine.of(engine)).aioRecvBuffers(4, 512).open();
             Loopback pair = Loopback.open()) {
            Run run = new Run(q, pair);
            for (Step s : steps) {
                run.apply(s);
            }
            run.finish();
        }
    }

    /** One scenario's books. */
    private static final class Run {
        final KeventQueue q;
        final Loopback pair;
        final long id;
        final Random random = new Random(42);
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final ArrayDeque<Integer> held = new ArrayDeque<>();
        final EventBuffer events = new EventBuffer(16);
        boolean shutdown;
        boolean cancelled;
        /** The last event: its data and data2, once seen. */
        Long lastData;
        long lastData2;

        Run(KeventQueue q, Loopback pair) {
            this.q = q;
            this.pair = pair;
            this.id = q.aioRecvMultishot(pair.server, 5, null);
        }

        void apply(Step s) {
            switch (s) {
                case Send send -> {
                    if (!shutdown) {
                        byte[] b = new byte[send.bytes()];
                        random.nextBytes(b);
                        // Small next to the socket buffers: a nonblocking send takes it all.
                        Loopback.sendAll(pair.client, b);
                        sent.writeBytes(b);
                    }
                }
                case Take take -> take(take.release(), 0);
                case ReleaseAll r -> releaseAll();
                case Cancel c -> {
                    boolean underWay = q.aioCancel(id);
                    if (!cancelled && !shutdown) {
                        // Nothing else can have ended it.
                        assertThat(underWay).as("a cancel finds the request under way").isTrue();
                    }
                    cancelled |= underWay;
                }
                case Shutdown sh -> {
                    if (!shutdown) {
                        pair.client.shutdownOutput();
                        shutdown = true;
                    }
                }
            }
        }

        void take(boolean release, long timeoutMillis) {
            int n = q.getEvents(1, 16, timeoutMillis, TimeUnit.MILLISECONDS, events);
            for (int k = 0; k < n; k++) {
                assertThat(events.id(k)).isEqualTo(id);
                assertThat(events.cookie(k)).isEqualTo(5);
                assertThat(lastData).as("no event after the last one").isNull();
                if ((events.flags(k) & Kevent.RET_MORE) != 0) {
                    ByteBuffer view = events.buffer(k);
                    assertThat((long) view.remaining()).isEqualTo(events.data(k)).isBetween(1L, 512L);
                    byte[] b = new byte[view.remaining()];
                    view.get(b);
                    got.writeBytes(b);
                    held.add((int) events.data2(k));
                } else {
                    lastData = events.data(k);
                    lastData2 = events.data2(k);
                }
            }
            if (release) {
                releaseAll();
            }
        }

        void releaseAll() {
            while (!held.isEmpty()) {
                q.aioReleaseBuffer(held.poll());
            }
            assertThat(q.stats().aioBuffersLent()).isZero();
        }

        void finish() {
            if (!cancelled && !shutdown) {
                pair.client.shutdownOutput();
                shutdown = true;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lastData == null) {
                assertThat(System.nanoTime()).as("the request ends within 10 s").isLessThan(deadline);
                take(true, 50);
            }
            releaseAll();
            assertThat(q.poll(events)).as("nothing after the last event").isZero();
            byte[] all = sent.toByteArray();
            byte[] received = got.toByteArray();
            assertThat(lastData2).as("data2 of the last event = bytes its arrivals carried").isEqualTo(received.length);
            assertThat(received.length).isLessThanOrEqualTo(all.length);
            assertThat(received).as("arrivals are a prefix of the stream")
                    .isEqualTo(java.util.Arrays.copyOf(all, received.length));
            if (lastData == 0) {
                assertThat(received.length).as("end of stream after every byte").isEqualTo(all.length);
            } else {
                assertThat(lastData).as("only a cancel ends it early").isEqualTo(-125);
                assertThat(cancelled).isTrue();
                byte[] rest = Loopback.readExactly(pair.server, all.length - received.length);
                assertThat(rest).as("the bytes not received are still in the socket")
                        .isEqualTo(java.util.Arrays.copyOfRange(all, received.length, all.length));
            }
            assertThat(q.stats().aioEnded()).isEqualTo(1);
        }
    }
}
