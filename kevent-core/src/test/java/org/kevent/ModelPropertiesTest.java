package org.kevent;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kevent.PropertyChecks.Choices;
import org.kevent.PropertyChecks.Sequence;

/**
 * Random sequences of control batches (ADD, MODIFY, REMOVE, TRIGGER, ENABLE), triggers (one id
 * through {@code trigger(id)}, several through the batch form), enables, removals, wake-ups, clock advances,
 * {@code getEvents} and ring await/commit, run against a real queue (fake kernel, manual clock)
 * and {@link ModelQueue} at once; every result and every delivered event must agree
 * (type, id, events, flags, data, data2, cookie), as must the registered and ready counts and the
 * readable ring slots after every step.
 *
 * <h2>Reproducing</h2>
 * The sequences come from QuickTheories with a fixed seed ({@link #SEED}), printed when each
 * property starts, so every run tries the same 10,000 sequences; {@code -Dkevent.seed=N} tries
 * others ({@code -Dkevent.seed=random} draws a seed), see {@link PropertyChecks}. A failure names
 * its seed and prints the shrunk sequence, one action per line, in the form {@code getEvents(min=1,
 * max=2, timeout=3ms)}: each line is one {@link ModelHarness} call, so it replays by hand.
 *
 * <p>Actions are records drawn from {@link Choices} and interpreted by {@link Act#run}; shrinking
 * works on the numbers drawn, so it turns off the actions a failure does not need and moves the
 * numbers of the others towards 0 (see {@link PropertyChecks#sequence}).
 *
 * <p>Ids are few (0–3) so that records collide; times are whole milliseconds so that two timers
 * never share a timer-wheel tick unless their deadlines are equal (the wheel orders ties by arming
 * order, and so does the model).
 */
class ModelPropertiesTest {
    /** The fixed seed of both properties; see the class comment. */
    static final long SEED = 20260611L;
    /** Actions per sequence, before shrinking turns some off. */
    static final int STEPS = 30;

    @Test
    void getEventsAgreesWithTheModel() {
        PropertyChecks.check(SEED, 6000, c -> PropertyChecks.sequence(c, STEPS, STEPS, ModelPropertiesTest::waitAction),
                ModelPropertiesTest::run);
    }

    @Test
    void ringAwaitAndCommitAgreeWithTheModel() {
        PropertyChecks.check(SEED, 4000, c -> PropertyChecks.sequence(c, STEPS, STEPS, ModelPropertiesTest::ringAction),
                ModelPropertiesTest::run);
    }

    /** Runs one sequence on a fresh queue and model; the harness asserts after every action. */
    static void run(Sequence<Act> actions) {
        try (ModelHarness h = new ModelHarness()) {
            for (Act a : actions.steps()) {
                a.run(h);
            }
        }
    }

    // ---------------------------------------------------------------------------------- generators

    static Act waitAction(Choices c) {
        return switch (c.weighted(6, 5, 2, 1, 3, 5)) {
            case 0 -> ctl(c);
            case 1 -> trigger(c);
            case 2 -> enableOrRemove(c);
            case 3 -> new Wakeup();
            case 4 -> advance(c);
            default -> getEvents(c);
        };
    }

    static Act ringAction(Choices c) {
        return switch (c.weighted(6, 5, 2, 1, 3, 1, 4, 3)) {
            case 0 -> ctl(c);
            case 1 -> trigger(c);
            case 2 -> enableOrRemove(c);
            case 3 -> new Wakeup();
            case 4 -> advance(c);
            case 5 -> getEvents(c);
            case 6 -> new RingAwait(c.between(0, ModelHarness.RING), c.between(0, 4));
            default -> new RingCommit(c.between(0, ModelHarness.RING));
        };
    }

    // Each kind of action draws the same count of numbers whatever they are (see PropertyChecks).

    private static long id(Choices c) {
        return c.between(0L, 3L);
    }

    private static Rec record(Choices c) {
        EventType type = c.pick(EventType.USER, EventType.TIMER);
        long id = id(c);
        int flagsKind = c.weighted(4, 3, 3, 3, 1, 1);
        int flagsPick = c.between(0, 2);
        int flags = switch (flagsKind) {
            case 0 -> 0;
            case 1 -> Kevent.REQ_ET;
            case 2 -> Kevent.REQ_ONESHOT;
            case 3 -> Kevent.REQ_DISPATCH;
            case 4 -> List.of(Kevent.REQ_WAKEUP_ALL, Kevent.REQ_ET | Kevent.REQ_DISPATCH,
                    Kevent.REQ_ONESHOT | Kevent.REQ_WAKEUP_ALL).get(flagsPick);
            default -> List.of(Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH, 1 << 7).get(flagsPick % 2);
        };
        boolean oddEvents = c.weighted(12, 1) == 1;
        int oddMask = c.pick(0, 2);
        int events = oddEvents ? oddMask : 1;
        long cookie = c.between(0L, 99L);
        // Relative delays from 2 ms past to 6 ms ahead; absolute deadlines from the start of the
        // clock to 24 ms after it, often already past.
        int delayMs = c.between(-2, 6);
        int atMs = 3 * c.between(0, 8);
        boolean absolute = c.between(0, 3) == 3;
        // Single expiry, periodic, or, rarely, a negative period: a per-record EINVAL that must
        // leave the rest of the batch applied.
        int periodKind = c.weighted(12, 8, 1);
        int periodMs = c.between(1, 4);
        int period = switch (periodKind) {
            case 0 -> 0;
            case 1 -> periodMs;
            default -> -1;
        };
        return new Rec(type, id, flags, events, cookie, absolute ? atMs : delayMs, absolute, period);
    }

    private static Act ctl(Choices c) {
        CtlOp op = c.pick(CtlOp.ADD, CtlOp.ADD, CtlOp.ADD, CtlOp.ADD, CtlOp.MODIFY, CtlOp.MODIFY, CtlOp.REMOVE,
                CtlOp.REMOVE, CtlOp.TRIGGER, CtlOp.ENABLE);
        List<Rec> records = PropertyChecks.some(c, 1, 3, ModelPropertiesTest::record);
        return records.isEmpty() ? null : new Ctl(op, records);
    }

    private static Act trigger(Choices c) {
        List<Long> ids = PropertyChecks.some(c, 1, 3, ModelPropertiesTest::id);
        return ids.isEmpty() ? null : new Trigger(ids.stream().mapToLong(Long::longValue).toArray());
    }

    private static Act enableOrRemove(Choices c) {
        boolean enable = c.bool();
        EventType type = c.pick(EventType.USER, EventType.TIMER);
        long id = id(c);
        return enable ? new Enable(type, id) : new Remove(type, id);
    }

    private static Act advance(Choices c) {
        return new Advance(c.between(0, 5));
    }

    private static Act getEvents(Choices c) {
        int min = c.between(0, 3);
        int max = c.between(1, 4);
        return new GetEvents(Math.min(min, max), max, c.between(0, 6));
    }

    // ---------------------------------------------------------------------------------- actions

    /** One action: a record whose {@code toString} reads like the harness call it makes. */
    sealed interface Act permits Ctl, Trigger, Enable, Remove, Wakeup, Advance, GetEvents, RingAwait, RingCommit {
        void run(ModelHarness h);
    }

    /**
     * One control record, described so that a failure reads like the code that would build it;
     * {@code ms} is the delay of a relative timer, or the deadline of an absolute one (after START).
     */
    record Rec(EventType type, long id, int flags, int events, long cookie, int ms, boolean absolute, int periodMs) {
        Ukevent toUkevent() {
            Ukevent r;
            if (type == EventType.USER) {
                r = Ukevent.user(id);
            } else {
                r = absolute ? Ukevent.timerAt(id, TestQueues.START + ms * ModelHarness.MS)
                        : Ukevent.timerNanos(id, ms * ModelHarness.MS);
                if (periodMs != 0) {
                    r = r.withPeriodNanos(periodMs * ModelHarness.MS);
                }
            }
            return r.withFlags(flags).withEvents(events).withCookie(cookie);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            if (type == EventType.USER) {
                sb.append("user(").append(id).append(')');
            } else if (absolute) {
                sb.append("timerAt(").append(id).append(", START+").append(ms).append("ms)");
            } else {
                sb.append("timer(").append(id).append(", ").append(ms).append("ms)");
            }
            if (type == EventType.TIMER && periodMs != 0) {
                sb.append(".period(").append(periodMs).append("ms)");
            }
            if (flags != 0) {
                sb.append(".flags(").append(Kevent.requestFlagNames(flags)).append(')');
            }
            if (events != 1) {
                sb.append(".events(").append(events).append(')');
            }
            return sb.append(".cookie(").append(cookie).append(')').toString();
        }
    }

    record Ctl(CtlOp op, List<Rec> records) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.ctl(op, records.stream().map(Rec::toUkevent).toArray(Ukevent[]::new));
        }

        @Override
        public String toString() {
            return "ctl(" + op + ", " + records + ")";
        }
    }

    /** One id goes through the single-record {@code trigger(id)}, several through the batch form. */
    record Trigger(long[] ids) implements Act {
        @Override
        public void run(ModelHarness h) {
            if (ids.length == 1) {
                h.triggerOne(ids[0]);
            } else {
                h.trigger(ids);
            }
        }

        @Override
        public String toString() {
            return "trigger" + Arrays.toString(ids);
        }
    }

    record Enable(EventType type, long id) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.enable(type, id);
        }

        @Override
        public String toString() {
            return "enable(" + type + ", " + id + ")";
        }
    }

    record Remove(EventType type, long id) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.remove(type, id);
        }

        @Override
        public String toString() {
            return "remove(" + type + ", " + id + ")";
        }
    }

    record Wakeup() implements Act {
        @Override
        public void run(ModelHarness h) {
            h.wakeup();
        }

        @Override
        public String toString() {
            return "wakeup()";
        }
    }

    record Advance(int ms) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.advance(ms * ModelHarness.MS);
        }

        @Override
        public String toString() {
            return "advanceClock(" + ms + "ms)";
        }
    }

    record GetEvents(int min, int max, int timeoutMs) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.getEvents(min, max, timeoutMs * ModelHarness.MS);
        }

        @Override
        public String toString() {
            return "getEvents(min=" + min + ", max=" + max + ", timeout=" + timeoutMs + "ms)";
        }
    }

    record RingAwait(int min, int timeoutMs) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.ringAwait(min, timeoutMs * ModelHarness.MS);
        }

        @Override
        public String toString() {
            return "ring.await(min=" + min + ", timeout=" + timeoutMs + "ms)";
        }
    }

    record RingCommit(int slots) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.ringCommit(slots);
        }

        @Override
        public String toString() {
            return "ring.commit(+" + slots + ")";
        }
    }
}
