package org.kevent.internal.source.inode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.kevent.Kevent;

/**
 * {@link InodeRecords} against a model of the merge rules (docs/SEMANTICS.md §1) written as a plain
 * list with linear scans, on seeded random sequences of records, deliveries, narrowing and
 * overflow: the real FIFO (name index, compaction, arena growth) must hand out exactly the
 * model's events in the model's order.
 */
class InodeRecordsTest {
    private static final int FROM = Kevent.INODE_MOVED_FROM;
    private static final int TO = Kevent.INODE_MOVED_TO;
    private static final int ISDIR = Kevent.INODE_ISDIR;
    private static final int[] BITS = {Kevent.INODE_CREATE, Kevent.INODE_REMOVE, Kevent.INODE_MODIFY,
        Kevent.INODE_ATTRIB, FROM, TO, Kevent.INODE_CLOSE_WRITE};
    /** Relative names; null is "no name" (the watched inode itself). One is long, to grow the arena. */
    private static final String[] NAMES = {null, "a", "b", "sub/a", "sub/b", "é", "x".repeat(300)};

    /** One pending event of the model. */
    private static final class Ev {
        int events;
        long data;
        byte flags;
        final String name;
        final boolean mergeable;

        Ev(int events, long data, byte flags, String name, boolean mergeable) {
            this.events = events;
            this.data = data;
            this.flags = flags;
            this.name = name;
            this.mergeable = mergeable;
        }
    }

    /** The rules, literally: join the newest open event of the name if ISDIR, cookie and order allow. */
    private static final class Model {
        final List<Ev> pending = new ArrayList<>();

        boolean add(int ev, long word, byte flag, String name, int cap) {
            Ev target = null;
            int at = -1;
            for (int k = pending.size() - 1; k >= 0; k--) {
                Ev e = pending.get(k);
                if (e.mergeable && Objects.equals(e.name, name)) {
                    target = e;
                    at = k;
                    break;
                }
            }
            if (target != null && joins(target, at, ev, word)) {
                target.events |= ev;
                target.flags |= flag;
                if ((ev & (FROM | TO)) != 0) {
                    target.data = word;
                }
                return true;
            }
            if (pending.size() >= cap) {
                return false;
            }
            pending.add(new Ev(ev, word, flag, name, true));
            return true;
        }

        private boolean joins(Ev target, int at, int ev, long word) {
            if (((target.events ^ ev) & ISDIR) != 0) {
                return false;
            }
            if ((target.events & (FROM | TO)) != 0 && (ev & (FROM | TO)) != 0 && target.data != word) {
                return false;
            }
            if ((ev & TO) != 0) {
                for (int k = at + 1; k < pending.size(); k++) {
                    if ((pending.get(k).events & FROM) != 0) {
                        return false; // its MOVED_FROM might be that one: it must come out first
                    }
                }
            }
            return true;
        }

        void retain(int keep) {
            List<Ev> kept = new ArrayList<>();
            for (Ev e : pending) {
                int ev = (e.flags & InodeRecords.BROKEN) != 0 ? e.events : e.events & keep;
                if ((ev & ~ISDIR) != 0) {
                    e.events = ev;
                    if ((ev & (FROM | TO)) == 0 && (e.flags & InodeRecords.BROKEN) == 0) {
                        e.data = 0;
                    }
                    kept.add(e);
                }
            }
            pending.clear();
            pending.addAll(kept);
        }
    }

    @Test
    void theFifoHandsOutExactlyTheModelsMergedEventsInTheModelsOrder() {
        for (long seed = 1; seed <= 300; seed++) {
            run(seed, 400);
        }
    }

    private static void run(long seed, int steps) {
        Random rnd = new Random(seed);
        InodeRecords real = new InodeRecords();
        Model model = new Model();
        int cap = 1 + rnd.nextInt(12);
        String where = "seed " + seed;
        for (int step = 0; step < steps; step++) {
            int op = rnd.nextInt(100);
            String at = where + " step " + step;
            if (op < 70) {
                int ev = BITS[rnd.nextInt(BITS.length)];
                if (rnd.nextInt(4) == 0) {
                    ev |= BITS[rnd.nextInt(BITS.length)];
                }
                if (rnd.nextInt(5) == 0) {
                    ev |= ISDIR;
                }
                long word = (ev & (FROM | TO)) != 0 ? 1 + rnd.nextInt(3) : 0;
                byte flag = rnd.nextInt(6) == 0 ? InodeRecords.SCANNED : 0;
                String name = NAMES[rnd.nextInt(NAMES.length)];
                boolean added = addReal(real, rnd, ev, word, flag, name, cap);
                assertThat(added).as(at).isEqualTo(model.add(ev, word, flag, name, cap));
            } else if (op < 73) {
                real.addUnmerged(Kevent.INODE_OVERFLOW, (byte) 0);
                model.pending.add(new Ev(Kevent.INODE_OVERFLOW, 0, (byte) 0, null, false));
            } else if (op < 97) {
                // A delivery: the head is handed out and leaves.
                if (!model.pending.isEmpty()) {
                    assertHead(real, model, at);
                    real.pop();
                    model.pending.removeFirst();
                }
            } else {
                int keep = rnd.nextInt(1 << 10) | Kevent.INODE_OVERFLOW | ISDIR;
                real.retain(keep);
                model.retain(keep);
            }
            assertThat(real.size()).as(at).isEqualTo(model.pending.size());
            assertThat(real.indexedNames()).as(at + " index bounded by the pending events").isLessThanOrEqualTo(real.size());
        }
        // Everything left comes out in the model's order.
        while (!model.pending.isEmpty()) {
            assertHead(real, model, where + " drain");
            real.pop();
            model.pending.removeFirst();
        }
        assertThat(real.isEmpty()).as(where).isTrue();
    }

    /** Adds through a random split of the name into prefix and leaf, as watches of a tree do. */
    private static boolean addReal(InodeRecords real, Random rnd, int ev, long word, byte flag, String name, int cap) {
        if (name == null) {
            return real.add(ev, word, flag, rnd.nextBoolean() ? "sub/".getBytes(StandardCharsets.UTF_8) : null,
                    null, 0, 0, cap);
        }
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int slash = name.lastIndexOf('/');
        byte[] prefix = slash < 0 ? null : name.substring(0, slash + 1).getBytes(StandardCharsets.UTF_8);
        int leafOff = prefix == null ? 0 : prefix.length;
        // The leaf sits at an offset in a larger buffer, as a name copied out of a kernel record does.
        byte[] buf = new byte[bytes.length + 7];
        System.arraycopy(bytes, leafOff, buf, 3, bytes.length - leafOff);
        return real.add(ev, word, flag, prefix, buf, 3, bytes.length - leafOff, cap);
    }

    private static void assertHead(InodeRecords real, Model model, String at) {
        Ev e = model.pending.getFirst();
        assertThat(real.headEvents()).as(at + " events").isEqualTo(e.events);
        assertThat(real.headData()).as(at + " data").isEqualTo(e.data);
        assertThat(real.headFlags()).as(at + " flags").isEqualTo(e.flags);
        byte[] want = e.name == null ? null : e.name.getBytes(StandardCharsets.UTF_8);
        assertThat(real.headNameLength()).as(at + " name length").isEqualTo(want == null ? -1 : want.length);
        if (want != null) {
            byte[] got = new byte[want.length];
            real.copyHeadName(got, 0);
            assertThat(got).as(at + " name").isEqualTo(want);
        }
    }

    @Test
    void aMovedFromJoinsAnOlderEventButAMovedToOnlyOneQueuedAfterEveryMovedFrom() {
        InodeRecords r = new InodeRecords();
        add(r, Kevent.INODE_MODIFY, 0, "b");
        add(r, Kevent.INODE_MODIFY, 0, "a");
        add(r, FROM, 7, "a"); // joins "a": its MOVED_TO comes later anyway
        add(r, TO, 7, "b");   // "b" was queued before that MOVED_FROM: a new event

        assertThat(drain(r)).containsExactly("MODIFY b 0", "MODIFY|MOVED_FROM a 7", "MOVED_TO b 7");
    }

    @Test
    void aLongStreamOfDistinctNamesLeavesNothingInTheNameIndex() {
        InodeRecords r = new InodeRecords();
        // A steady stream of distinct names, one delivered per record: nothing accumulates.
        for (int k = 0; k < 100_000; k++) {
            add(r, Kevent.INODE_CREATE, 0, "f" + k);
            add(r, Kevent.INODE_MODIFY, 0, "f" + k);
            r.pop();
        }
        assertThat(r.isEmpty()).isTrue();
        assertThat(r.indexedNames()).isZero();
        add(r, Kevent.INODE_CREATE, 0, "again");
        add(r, Kevent.INODE_ATTRIB, 0, "again");
        assertThat(drain(r)).containsExactly("CREATE|ATTRIB again 0");
    }

    private static void add(InodeRecords r, int ev, long word, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        assertThat(r.add(ev, word, (byte) 0, null, b, 0, b.length, Integer.MAX_VALUE)).isTrue();
    }

    private static List<String> drain(InodeRecords r) {
        List<String> out = new ArrayList<>();
        while (!r.isEmpty()) {
            byte[] name = new byte[r.headNameLength()];
            r.copyHeadName(name, 0);
            out.add(org.kevent.EventType.INODE.eventNames(r.headEvents()) + " " + new String(name, StandardCharsets.UTF_8)
                    + " " + r.headData());
            r.pop();
        }
        return out;
    }
}
