package org.kevent;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kevent.testing.FakeEpoll;
import org.kevent.testing.FakeInotify;
import org.kevent.testing.PropertyChecks;
import org.kevent.testing.PropertyChecks.Choices;
import org.kevent.testing.PropertyChecks.Sequence;

/**
 * Random sequences of control batches (ADD, MODIFY, REMOVE, TRIGGER, ENABLE of USER, TIMER, POLL
 * and INODE records), triggers (one id through {@code trigger(id)}, several through the batch
 * form), enables, removals, wake-ups, clock advances, {@code getEvents} and ring await/commit, and
 * changes on the kernel's side (a descriptor becomes ready or is drained; inotify records, a
 * directory's deletion, the kernel's inotify overflow), run against a real queue (manual clock,
 * {@link FakeEpoll}, {@link FakeInotify}) and {@link ModelQueue} at once; every result and every
 * delivered event must agree (type, id, events, flags, data, data2, cookie, INODE name), as must
 * the registered and ready counts, the overflow counter and the readable ring slots after every
 * step.
 *
 * <h2>Reproducing</h2>
 * The sequences come from QuickTheories with a fixed seed ({@link #SEED}), printed when each
 * property starts, so every run tries the same 10,000 sequences; {@code -Dkevent.seed=N} tries
 * others ({@code -Dkevent.seed=random} draws a seed), see {@link PropertyChecks}. A failure names
 * its seed and prints the shrunk sequence, one action per line, in the form {@code getEvents(min=1,
 * max=2, timeout=3ms)}, {@code pollReady(fd=1, IN)} or {@code inotify(d0, "a" MODIFY, "a"
 * ATTRIB)}: each line is one {@link ModelHarness} call (an inotify line one per record), so it
 * replays by hand. The model states the rules only: it never follows the engine where they
 * disagree, so a disagreement fails the property (docs/RELIABILITY.md §1 lists those found).
 *
 * <p>Actions are records drawn from {@link Choices} and interpreted by {@link Act#run}; shrinking
 * works on the numbers drawn, so it turns off the actions a failure does not need and moves the
 * numbers of the others towards 0 (see {@link PropertyChecks#sequence}). Each sequence starts with
 * a setup ADD of up to one interest of each type (two POLL) so that most sequences act on every
 * kind of source; {@link Coverage} prints how many exercised each rule.
 *
 * <p>Ids are few (0–1, descriptors 0–1 and 2 that does not exist, directories d0 and d1) so that
 * records collide and actions meet registered interests; times are whole milliseconds so that two
 * timers never share a timer-wheel tick unless their deadlines are equal (the wheel orders ties by
 * arming order, and so does the model).
 */
class ModelPropertiesTest {
    /** The fixed seed of both properties; see the class comment. */
    static final long SEED = 20260611L;
    /** Actions per sequence, before shrinking turns some off. */
    static final int STEPS = 30;

    @Test
    void getEventsAgreesWithTheModel() {
        Coverage coverage = new Coverage();
        PropertyChecks.check(SEED, 6000, c -> withSetup(c, ModelPropertiesTest::waitAction), s -> run(s, coverage));
        coverage.check("getEventsAgreesWithTheModel");
    }

    @Test
    void ringAwaitAndCommitAgreeWithTheModel() {
        Coverage coverage = new Coverage();
        PropertyChecks.check(SEED, 4000, c -> withSetup(c, ModelPropertiesTest::ringAction), s -> run(s, coverage));
        coverage.check("ringAwaitAndCommitAgreeWithTheModel");
    }

    /** Runs one sequence on a fresh queue and model; the harness asserts after every action. */
    static void run(Sequence<Act> actions, Coverage coverage) {
        try (ModelHarness h = new ModelHarness()) {
            for (Act a : actions.steps()) {
                a.run(h);
            }
            coverage.add(h.seen());
        }
    }

    /**
     * How many sequences exercised each rule the model notes ({@link ModelQueue#seen}); printed
     * when a property passes, and each rule must be exercised by at least 0.5% of the sequences, so
     * that a change of the generator cannot silently stop testing one.
     */
    static final class Coverage {
        static final List<String> RULES = List.of("USER delivered", "TIMER delivered", "POLL delivered",
                "INODE delivered", "level POLL delivered again", "POLL report merged", "drained descriptor not reported",
                "inotify record merged", "inotify record kept apart", "OVERFLOW delivered", "BROKEN delivered",
                "fired single-expiry timer modified", "fired single-expiry timer removed", "ENOSPC",
                "record held while disabled", "deleted directory modified", "deleted directory's watch widened");
        private final java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        private int sequences;

        void add(java.util.Set<String> seen) {
            sequences++;
            seen.forEach(rule -> counts.merge(rule, 1, Integer::sum));
        }

        void check(String property) {
            StringBuilder sb = new StringBuilder();
            for (String rule : RULES) {
                int n = counts.getOrDefault(rule, 0);
                sb.append(sb.isEmpty() ? "" : ", ").append(rule).append(' ')
                        .append(String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * n / sequences));
            }
            System.out.printf("[property] ModelPropertiesTest.%s: sequences exercising %s%n", property, sb);
            for (String rule : RULES) {
                org.assertj.core.api.Assertions.assertThat(counts.getOrDefault(rule, 0) * 100)
                        .as("sequences exercising \"%s\" (of %d)", rule, sequences).isGreaterThanOrEqualTo(sequences / 2);
            }
        }
    }

    // ---------------------------------------------------------------------------------- generators

    /**
     * A setup action, then {@link #STEPS} actions drawn by {@code step}. The setup adds up to one
     * interest of each type, two of POLL (each record can be shrunk away like any other), so that
     * most sequences have every kind of source to act on.
     */
    static Sequence<Act> withSetup(Choices c, java.util.function.Function<Choices, Act> step) {
        List<Rec> setup = new java.util.ArrayList<>();
        for (EventType type : List.of(EventType.USER, EventType.TIMER, EventType.POLL, EventType.POLL, EventType.INODE)) {
            setup.addAll(PropertyChecks.some(c, 1, 1, x -> record(x, type)));
        }
        List<Act> steps = new java.util.ArrayList<>();
        if (!setup.isEmpty()) {
            steps.add(new Ctl(CtlOp.ADD, setup));
        }
        steps.addAll(PropertyChecks.sequence(c, STEPS, STEPS, step).steps());
        return new Sequence<>(steps);
    }

    static Act waitAction(Choices c) {
        return switch (c.weighted(5, 3, 2, 1, 3, 5, 6, 6, 2)) {
            case 0 -> ctl(c);
            case 1 -> trigger(c);
            case 2 -> enableOrRemove(c);
            case 3 -> new Wakeup();
            case 4 -> advance(c);
            case 5 -> getEvents(c);
            case 6 -> descriptor(c);
            case 7 -> inotify(c);
            default -> modifyInode(c);
        };
    }

    static Act ringAction(Choices c) {
        return switch (c.weighted(5, 3, 2, 1, 3, 1, 4, 3, 6, 6, 2)) {
            case 0 -> ctl(c);
            case 1 -> trigger(c);
            case 2 -> enableOrRemove(c);
            case 3 -> new Wakeup();
            case 4 -> advance(c);
            case 5 -> getEvents(c);
            case 6 -> new RingAwait(c.between(0, ModelHarness.RING), c.between(0, 4));
            case 7 -> new RingCommit(c.between(0, ModelHarness.RING));
            case 8 -> descriptor(c);
            case 9 -> inotify(c);
            default -> modifyInode(c);
        };
    }

    // Each kind of action draws the same count of numbers whatever they are (see PropertyChecks).

    private static long id(Choices c) {
        return c.between(0L, 1L);
    }

    private static EventType type(Choices c) {
        return c.pick(EventType.USER, EventType.TIMER, EventType.POLL, EventType.INODE);
    }

    private static Rec record(Choices c) {
        return record(c, type(c));
    }

    private static Rec record(Choices c, EventType type) {
        long anyId = id(c);
        // POLL ids are descriptors: mostly ones that exist (0 to FDS - 1), rarely one that does not.
        int fd = c.weighted(6, 6, 1);
        long id = type == EventType.POLL ? fd : anyId;
        int flagsKind = c.weighted(5, 4, 3, 3, 1, 1);
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
        // Masks: the usual ones of each type, or rarely an odd one (empty, ISDIR, or POLLPRI:
        // valid for POLL only, another family's bit for the other types).
        boolean oddEvents = c.weighted(12, 1) == 1;
        int oddMask = c.pick(0, Kevent.POLLPRI, Kevent.INODE_ISDIR);
        int pollMask = c.pick(Kevent.POLLIN, Kevent.POLLIN | Kevent.POLLOUT, Kevent.POLLOUT);
        int inodeMask = c.pick(Kevent.INODE_ALL, Kevent.INODE_ALL, Kevent.INODE_MODIFY | Kevent.INODE_ATTRIB,
                Kevent.INODE_CREATE | Kevent.INODE_REMOVE, Kevent.INODE_MOVED_FROM | Kevent.INODE_MOVED_TO,
                Kevent.INODE_MODIFY);
        int events = oddEvents ? oddMask : switch (type) {
            case POLL -> pollMask;
            case INODE -> inodeMask;
            case TIMER -> Kevent.TIMER_FIRED;
            default -> Kevent.USER_TRIGGER;
        };
        int dir = c.between(0, ModelHarness.DIRS.size() - 1);
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
        return new Rec(type, id, flags, events, cookie, absolute ? atMs : delayMs, absolute, period, dir);
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
        EventType type = type(c);
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

    /** MODIFY of the INODE interest at its own directory: mask, flags and cookie change. */
    private static Act modifyInode(Choices c) {
        Rec r = record(c, EventType.INODE);
        return new ModifyInode(r.id(), r.events(), r.flags(), r.cookie());
    }

    /** A descriptor becomes ready (for ET: a new arrival if it already was), or is drained. */
    private static Act descriptor(Choices c) {
        boolean ready = c.weighted(3, 1) == 0;
        int fd = c.between(0, ModelQueue.FDS - 1);
        int bits = c.pick(Kevent.POLLIN, Kevent.POLLIN, Kevent.POLLOUT, Kevent.POLLIN | Kevent.POLLOUT, Kevent.POLLHUP);
        return ready ? new PollReady(fd, bits) : new PollNotReady(fd, bits);
    }

    /** Mostly 1 to 3 inotify records in one directory; rarely the directory's deletion or a kernel overflow. */
    private static Act inotify(Choices c) {
        int kind = c.weighted(22, 3, 1);
        int dir = c.between(0, ModelHarness.DIRS.size() - 1);
        List<Change> changes = PropertyChecks.some(c, 1, 3, ModelPropertiesTest::change);
        return switch (kind) {
            case 0 -> changes.isEmpty() ? null : new Inotify(dir, changes);
            case 1 -> new InotifyDeleteSelf(dir);
            default -> new InotifyOverflow();
        };
    }

    private static Change change(Choices c) {
        String name = c.pick("a", "b", "a", null);
        int event = c.pick(Kevent.INODE_MODIFY, Kevent.INODE_ATTRIB, Kevent.INODE_CREATE, Kevent.INODE_REMOVE,
                Kevent.INODE_MOVED_FROM, Kevent.INODE_MOVED_TO, Kevent.INODE_CLOSE_WRITE);
        boolean isDir = c.weighted(6, 1) == 1;
        long cookie = c.between(1, 2);
        return new Change(name, event, isDir, (event & MOVED) != 0 ? cookie : 0);
    }

    private static final int MOVED = Kevent.INODE_MOVED_FROM | Kevent.INODE_MOVED_TO;

    // ---------------------------------------------------------------------------------- actions

    /** One action: a record whose {@code toString} reads like the harness call it makes. */
    sealed interface Act permits Ctl, ModifyInode, Trigger, Enable, Remove, Wakeup, Advance, GetEvents, RingAwait, RingCommit,
            PollReady, PollNotReady, Inotify, InotifyDeleteSelf, InotifyOverflow {
        void run(ModelHarness h);
    }

    /**
     * One control record, described so that a failure reads like the code that would build it;
     * {@code ms} is the delay of a relative timer, or the deadline of an absolute one (after START);
     * {@code dir} the directory of an INODE record ({@link ModelHarness#DIRS}).
     */
    record Rec(EventType type, long id, int flags, int events, long cookie, int ms, boolean absolute, int periodMs,
               int dir) {
        Ukevent toUkevent() {
            Ukevent r = switch (type) {
                case USER -> Ukevent.user(id);
                case POLL -> Ukevent.poll((int) id, events);
                case INODE -> Ukevent.inode(id, ModelHarness.DIRS.get(dir), events);
                default -> {
                    Ukevent t = absolute ? Ukevent.timerAt(id, TestQueues.START + ms * ModelHarness.MS)
                            : Ukevent.timerNanos(id, ms * ModelHarness.MS);
                    yield periodMs != 0 ? t.withPeriodNanos(periodMs * ModelHarness.MS) : t;
                }
            };
            return r.withFlags(flags).withEvents(events).withCookie(cookie);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            switch (type) {
                case USER -> sb.append("user(").append(id).append(')');
                case POLL -> sb.append("poll(").append(id).append(", ").append(type.eventNames(events)).append(')');
                case INODE -> sb.append("inode(").append(id).append(", ").append(ModelHarness.DIRS.get(dir))
                        .append(", ").append(events == Kevent.INODE_ALL ? "ALL" : type.eventNames(events)).append(')');
                default -> {
                    if (absolute) {
                        sb.append("timerAt(").append(id).append(", START+").append(ms).append("ms)");
                    } else {
                        sb.append("timer(").append(id).append(", ").append(ms).append("ms)");
                    }
                    if (periodMs != 0) {
                        sb.append(".period(").append(periodMs).append("ms)");
                    }
                }
            }
            if (flags != 0) {
                sb.append(".flags(").append(Kevent.requestFlagNames(flags)).append(')');
            }
            if ((type == EventType.USER || type == EventType.TIMER) && events != 1) {
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

    /** MODIFY of INODE interest {@code id} at the directory it watches ({@link ModelHarness#modifyInode}). */
    record ModifyInode(long id, int events, int flags, long cookie) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.modifyInode(id, events, flags, cookie);
        }

        @Override
        public String toString() {
            return "modifyInode(" + id + ", " + (events == Kevent.INODE_ALL ? "ALL" : EventType.INODE.eventNames(events))
                    + (flags != 0 ? ", " + Kevent.requestFlagNames(flags) : "") + ", cookie=" + cookie + ")";
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

    record PollReady(int fd, int bits) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.pollReady(fd, bits);
        }

        @Override
        public String toString() {
            return "pollReady(fd=" + fd + ", " + EventType.POLL.eventNames(bits) + ")";
        }
    }

    record PollNotReady(int fd, int bits) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.pollNotReady(fd, bits);
        }

        @Override
        public String toString() {
            return "pollNotReady(fd=" + fd + ", " + EventType.POLL.eventNames(bits) + ")";
        }
    }

    /** One inotify record: about {@code name}, or about the directory itself (null). */
    record Change(String name, int event, boolean isDir, long cookie) {
        @Override
        public String toString() {
            return (name == null ? "-" : "\"" + name + "\"") + " "
                    + EventType.INODE.eventNames(event | (isDir ? Kevent.INODE_ISDIR : 0))
                    + (cookie != 0 ? " cookie=" + cookie : "");
        }
    }

    /** Records queued in one directory, in order (a write then a chmod, say). */
    record Inotify(int dir, List<Change> changes) implements Act {
        @Override
        public void run(ModelHarness h) {
            for (Change x : changes) {
                h.inotify(ModelHarness.DIRS.get(dir), x.name(), x.event(), x.isDir(), x.cookie());
            }
        }

        @Override
        public String toString() {
            return "inotify(" + ModelHarness.DIRS.get(dir) + ", "
                    + changes.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ")";
        }
    }

    record InotifyDeleteSelf(int dir) implements Act {
        @Override
        public void run(ModelHarness h) {
            h.inotifyDeleteSelf(ModelHarness.DIRS.get(dir));
        }

        @Override
        public String toString() {
            return "inotifyDeleteSelf(" + ModelHarness.DIRS.get(dir) + ")";
        }
    }

    record InotifyOverflow() implements Act {
        @Override
        public void run(ModelHarness h) {
            h.inotifyOverflow();
        }

        @Override
        public String toString() {
            return "inotifyOverflow()";
        }
    }
}
