package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kevent.internal.sys.Inotify;
import org.kevent.testing.FakeEpoll;
import org.kevent.testing.FakeInotify;
import org.kevent.testing.ManualClock;

/**
 * A real queue (manual clock, {@link FakeEpoll} with descriptors 0 to {@link ModelQueue#FDS}{@code - 1},
 * {@link FakeInotify}) and a {@link ModelQueue} driven side by side: every method does one
 * operation on both (a control call, a wait, or a change on the kernel's side) and asserts that
 * they agree, then checks the invariants (registered and ready counts, the overflow counter, the
 * kernel's inotify watches, the readable ring slots).
 */
final class ModelHarness implements AutoCloseable {
    static final long MS = 1_000_000L;
    static final int CAP = 6;
    static final int RING = 4;
    /** Undelivered events one INODE interest may hold ({@code fs.inotify.max_queued_events} of the fake). */
    static final int RECORDS = 3;
    /** The directories INODE interests watch. */
    static final List<Path> DIRS = List.of(Path.of("d0"), Path.of("d1"));

    private final ManualClock clock = new ManualClock(TestQueues.START);
    private final FakeEpoll epoll = new FakeEpoll(clock);
    private final FakeInotify inotify = new FakeInotify(epoll, RECORDS);
    private final KeventQueue queue;
    private final EventRing ring;
    private final ModelQueue model = new ModelQueue(TestQueues.START, CAP, RING, RECORDS);
    private final EventBuffer out = new EventBuffer(8);

    ModelHarness() {
        for (int fd = 0; fd < ModelQueue.FDS; fd++) {
            epoll.open(fd);
        }
        queue = KeventQueue.builder().clock(clock).poller(epoll).inodeBackend(inotify).maxInterests(CAP).open();
        ring = queue.openRing(RING);
    }

    void ctl(CtlOp op, Ukevent... records) {
        CtlResults results = queue.ctl(op, records);
        for (int k = 0; k < records.length; k++) {
            String expected = model.ctl(op, records[k]);
            assertThat(results.errorName(k)).as("result of %s %s (record %d)", op, records[k], k).isEqualTo(expected);
            assertThat(results.flags(k)).as("return flags of record %d", k)
                    .isEqualTo(expected == null ? Kevent.RET_DONE : Kevent.RET_DONE | Kevent.RET_BROKEN);
        }
        check();
    }

    /**
     * MODIFY of INODE interest {@code id} at the directory it watches (the first one when none is
     * registered): a random record names the right directory only half the time.
     */
    void modifyInode(long id, int events, int flags, long cookie) {
        Path root = model.inodeRoot(id);
        ctl(CtlOp.MODIFY, Ukevent.inode(id, root == null ? DIRS.getFirst() : root, events).withFlags(flags)
                .withCookie(cookie));
    }

    /** The batch form: it counts the registered ids and skips the others. */
    void trigger(long... ids) {
        int found = queue.trigger(ids, 0, ids.length);
        int expected = 0;
        for (long id : ids) {
            expected += model.trigger(id) == null ? 1 : 0;
        }
        assertThat(found).as("registered user ids among %s", java.util.Arrays.toString(ids)).isEqualTo(expected);
        check();
    }

    /** The single-record form: it throws the errno the model names. */
    void triggerOne(long id) {
        assertThat(errorOf(CtlOp.TRIGGER, () -> queue.trigger(id))).as("trigger %d", id).isEqualTo(model.trigger(id));
        check();
    }

    void enable(EventType type, long id) {
        assertThat(errorOf(CtlOp.ENABLE, () -> queue.enable(type, id))).as("enable %s/%d", type, id)
                .isEqualTo(model.enable(type, id));
        check();
    }

    void remove(EventType type, long id) {
        assertThat(errorOf(CtlOp.REMOVE, () -> queue.remove(type, id))).as("remove %s/%d", type, id)
                .isEqualTo(model.remove(type, id));
        check();
    }

    /** @return null if the call returned, else the errno of the {@link KeventException} it threw for {@code op} */
    private static String errorOf(CtlOp op, Runnable call) {
        try {
            call.run();
            return null;
        } catch (KeventException e) {
            assertThat(e.call()).as("the failed call names its operation").isEqualTo("kevent_ctl " + op);
            return e.errorName();
        }
    }

    void wakeup() {
        queue.wakeup();
        model.wakeup();
        check();
    }

    void advance(long nanos) {
        clock.advance(nanos);
        model.advance(nanos);
        check();
    }

    /** Activity on descriptor {@code fd}: it becomes ready for {@code bits} (again, for ET a new arrival). */
    void pollReady(int fd, int bits) {
        epoll.arrive(fd, bits);
        model.fdArrive(fd, bits);
        check();
    }

    /** Descriptor {@code fd} is drained of {@code bits}. */
    void pollNotReady(int fd, int bits) {
        epoll.clear(fd, bits);
        model.fdClear(fd, bits);
        check();
    }

    /**
     * A change in directory {@code dir}: one inotify record for {@code name} (null: the directory
     * itself) with the {@code IN_*} bit of {@code event} (one {@code Kevent.INODE_*} bit), ISDIR
     * if {@code isDir}, and {@code cookie}.
     */
    void inotify(Path dir, String name, int event, boolean isDir, long cookie) {
        inotify.change(dir.toString(), name, inotifyBit(event) | (isDir ? Inotify.IN_ISDIR : 0), cookie);
        model.inotify(dir, name, event, isDir, cookie);
        check();
    }

    /** Directory {@code dir} is deleted, and another made under its path. */
    void inotifyDeleteSelf(Path dir) {
        inotify.deleteSelf(dir.toString());
        model.inotifyDeleteSelf(dir);
        check();
    }

    /** The kernel's inotify queue overflows. */
    void inotifyOverflow() {
        inotify.overflow();
        model.inotifyOverflow();
        check();
    }

    private static int inotifyBit(int event) {
        return switch (event) {
            case Kevent.INODE_CREATE -> Inotify.IN_CREATE;
            case Kevent.INODE_REMOVE -> Inotify.IN_DELETE;
            case Kevent.INODE_MODIFY -> Inotify.IN_MODIFY;
            case Kevent.INODE_ATTRIB -> Inotify.IN_ATTRIB;
            case Kevent.INODE_MOVED_FROM -> Inotify.IN_MOVED_FROM;
            case Kevent.INODE_MOVED_TO -> Inotify.IN_MOVED_TO;
            case Kevent.INODE_CLOSE_WRITE -> Inotify.IN_CLOSE_WRITE;
            default -> throw new IllegalArgumentException("one INODE event bit, not " + event);
        };
    }

    void getEvents(int min, int max, long timeoutNanos) {
        int n = queue.getEvents(min, max, timeoutNanos, TimeUnit.NANOSECONDS, out);
        List<ModelQueue.Ev> real = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            real.add(new ModelQueue.Ev(out.type(k), out.id(k), out.events(k), out.flags(k), out.data(k),
                    out.data2(k), out.cookie(k), out.name(k)));
        }
        List<ModelQueue.Ev> expected = model.getEvents(min, max, timeoutNanos);
        assertThat(real).as("events of getEvents(%d, %d, %d ns)", min, max, timeoutNanos)
                .containsExactlyElementsOf(expected);
        check();
    }

    void ringAwait(int min, long timeoutNanos) {
        long end = ring.await(min, timeoutNanos, TimeUnit.NANOSECONDS);
        assertThat(end).as("end of ring.await(%d, %d ns)", min, timeoutNanos).isEqualTo(model.ringAwait(min, timeoutNanos));
        check();
    }

    /** Commits {@code slots} of the readable ones (fewer if fewer are readable). */
    void ringCommit(int slots) {
        long upTo = Math.min(ring.readPosition() + slots, model.ringEnd());
        ring.commit(upTo);
        model.ringCommit(upTo);
        check();
    }

    private void check() {
        assertThat(clock.nanoTime()).as("clock").isEqualTo(model.now());
        QueueStats stats = queue.stats();
        assertThat(stats.registered()).as("registered").isEqualTo(model.registered());
        assertThat(stats.ready()).as("ready").isEqualTo(model.readyCount());
        assertThat(stats.overflows()).as("overflows").isEqualTo(model.overflows());
        assertThat(inotify.watches()).as("kernel inotify watches").isEqualTo(model.watchCount());
        assertThat(ring.readPosition()).as("ring read position").isEqualTo(model.ringCommitted());
        List<ModelQueue.Slot> slots = new ArrayList<>();
        for (long seq = ring.readPosition(); seq < model.ringEnd(); seq++) {
            slots.add(new ModelQueue.Slot(new ModelQueue.Ev(ring.type(seq), ring.id(seq), ring.events(seq),
                    ring.flags(seq), ring.data(seq), ring.data2(seq), ring.cookie(seq), null), ring.isRemoved(seq)));
        }
        assertThat(slots).as("readable ring slots").containsExactlyElementsOf(model.readableSlots());
    }

    /** @return the rules of the model this run exercised */
    java.util.Set<String> seen() {
        return model.seen();
    }

    @Override
    public void close() {
        queue.close();
    }
}
