package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merging of INODE activity into the pending event (docs/SEMANTICS.md §1, issue 11): records of one
 * interest and one name merge into one event with the bits OR'ed, at the queue position of the
 * first of them; different names stay separate; a rename keeps the cookie that pairs it.
 *
 * <p>Deterministic without sleeping: inotify queues a record inside the system call that causes
 * it, and the queue reads the kernel's records only inside a wait. So every change a test makes
 * before its first wait is read in that wait's one harvest, and the merging it sees does not
 * depend on timing. {@link #takeAll} then takes whatever else is ready without blocking.
 */
@EnabledOnOs(OS.LINUX)
class InodeMergeTest {
    private static final long WAIT_SECONDS = 5;

    @TempDir
    Path dir;
    private KeventQueue queue;
    private final EventBuffer out = new EventBuffer(64);

    /** One delivered INODE event, copied out of the buffer. */
    record Ev(long id, int events, int flags, long data, long data2, String name) {
        boolean is(int bit) {
            return (events & bit) != 0;
        }

        @Override
        public String toString() {
            return EventType.INODE.eventNames(events) + " " + name;
        }
    }

    @BeforeEach
    void open() {
        queue = KeventQueue.open();
    }

    @AfterEach
    void close() {
        queue.close();
    }

    /**
     * One bounded wait for the first event (which harvests everything the kernel queued so far),
     * then non-blocking polls until nothing is left.
     */
    private List<Ev> takeAll() {
        List<Ev> seen = new ArrayList<>();
        int n = queue.getEvents(1, out.capacity(), WAIT_SECONDS, TimeUnit.SECONDS, out);
        for (int k = 0; k < n; k++) {
            seen.add(new Ev(out.id(k), out.events(k), out.flags(k), out.data(k), out.data2(k), out.name(k)));
        }
        seen.addAll(pollAll());
        return seen;
    }

    /** Non-blocking: what is ready now (the poll reads the kernel's records first). */
    private List<Ev> pollAll() {
        List<Ev> seen = new ArrayList<>();
        for (int n = queue.poll(out); n > 0; n = queue.poll(out)) {
            for (int k = 0; k < n; k++) {
                seen.add(new Ev(out.id(k), out.events(k), out.flags(k), out.data(k), out.data2(k), out.name(k)));
            }
        }
        return seen;
    }

    private static void chmod(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    @Test
    void writeThenChmodBeforeAWaitComeAsOneEventWithBothBits() throws IOException {
        Path f = Files.createFile(dir.resolve("f"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_MODIFY | Kevent.INODE_ATTRIB));

        Files.writeString(f, "data");
        chmod(f, "rw-------");

        assertThat(takeAll()).extracting(Ev::toString).containsExactly("MODIFY|ATTRIB f");
    }

    @Test
    void aWatchedFileMergesItsOwnChangesIntoOneEventWithoutAName() throws IOException {
        Path f = Files.createFile(dir.resolve("f"));
        queue.add(Ukevent.inode(1, f, Kevent.INODE_MODIFY | Kevent.INODE_ATTRIB | Kevent.INODE_CLOSE_WRITE));

        Files.writeString(f, "data");
        chmod(f, "rw-------");

        assertThat(takeAll()).extracting(Ev::toString).containsExactly("MODIFY|ATTRIB|CLOSE_WRITE null");
    }

    @Test
    void oneshotInterestGetsTheMergedEventAndLosesNothing() throws IOException {
        Path f = Files.createFile(dir.resolve("f"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_MODIFY | Kevent.INODE_ATTRIB | Kevent.INODE_CLOSE_WRITE)
                .withFlags(Kevent.REQ_ONESHOT));

        Files.writeString(f, "data");
        chmod(f, "rw-------");

        assertThat(takeAll()).extracting(Ev::toString).containsExactly("MODIFY|ATTRIB|CLOSE_WRITE f");
        assertThat(queue.stats().registered()).as("ONESHOT: removed after its one event").isZero();
    }

    @Test
    void differentNamesStaySeparateEvents() throws IOException {
        Path a = Files.createFile(dir.resolve("a"));
        Path b = Files.createFile(dir.resolve("b"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_MODIFY | Kevent.INODE_ATTRIB));

        Files.writeString(a, "1");
        Files.writeString(b, "2");
        chmod(a, "rw-------");
        chmod(b, "rw-------");

        assertThat(takeAll()).extracting(Ev::toString).containsExactly("MODIFY|ATTRIB a", "MODIFY|ATTRIB b");
    }

    @Test
    void mergedEventKeepsTheQueuePositionOfItsFirstChange() throws IOException {
        Path a = Files.createFile(dir.resolve("a"));
        Path b = Files.createFile(dir.resolve("b"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_MODIFY | Kevent.INODE_ATTRIB));

        Files.writeString(a, "1");
        Files.writeString(b, "2");
        chmod(a, "rw-------");

        assertThat(takeAll()).extracting(Ev::toString).containsExactly("MODIFY|ATTRIB a", "MODIFY b");
    }

    @Test
    void changesAfterADeliveryStartANewEvent() throws IOException {
        Path a = Files.createFile(dir.resolve("a"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_MODIFY | Kevent.INODE_ATTRIB));

        Files.writeString(a, "1");
        chmod(a, "rw-------");
        List<Ev> first = takeAll();
        Files.writeString(a, "2");
        List<Ev> second = takeAll();

        assertThat(first).extracting(Ev::toString).containsExactly("MODIFY|ATTRIB a");
        assertThat(second).extracting(Ev::toString).containsExactly("MODIFY a");
    }

    @Test
    void aDispatchInterestsDeliveredEventTakesNoChangeWhileItIsDisabled() throws IOException {
        Path a = Files.createFile(dir.resolve("a"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_MODIFY | Kevent.INODE_ATTRIB).withFlags(Kevent.REQ_DISPATCH));

        Files.writeString(a, "1");
        chmod(a, "rw-------");
        List<Ev> first = takeAll();
        Files.writeString(a, "2");
        chmod(a, "rw-r-----");
        List<Ev> whileDisabled = pollAll();
        queue.enable(EventType.INODE, 1);
        List<Ev> afterEnable = takeAll();

        assertThat(first).extracting(Ev::toString).containsExactly("MODIFY|ATTRIB a");
        assertThat(whileDisabled).isEmpty();
        assertThat(afterEnable).extracting(Ev::toString).containsExactly("MODIFY|ATTRIB a");
    }

    @Test
    void createThenRemoveOfOneNameBeforeAWaitIsOneEventWithBothBits() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE | Kevent.INODE_REMOVE));

        Files.createFile(dir.resolve("brief"));
        Files.delete(dir.resolve("brief"));

        assertThat(takeAll()).extracting(Ev::toString).containsExactly("CREATE|REMOVE brief");
    }

    @Test
    void aRenamePairKeepsItsCookie() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_ALL));

        Files.writeString(dir.resolve("old"), "x");
        Files.move(dir.resolve("old"), dir.resolve("new"));
        chmod(dir.resolve("new"), "rw-------");

        List<Ev> seen = takeAll();
        assertThat(seen).extracting(Ev::toString).containsExactly(
                "CREATE|MODIFY|MOVED_FROM|CLOSE_WRITE old", "ATTRIB|MOVED_TO new");
        assertThat(seen.get(0).data()).as("the cookie pairing the rename").isNotZero().isEqualTo(seen.get(1).data());
    }

    @Test
    void aMovedToNeverComesBeforeItsMovedFrom() throws IOException {
        Path target = Files.createFile(dir.resolve("target"));
        Files.createFile(dir.resolve("source"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_ALL));

        // "target" has a pending event queued before the rename's MOVED_FROM: the MOVED_TO must not
        // join it, or the consumer would see the rename's second half first.
        chmod(target, "rw-------");
        // ATOMIC_MOVE is one rename(2) over the target; REPLACE_EXISTING would unlink it first.
        Files.move(dir.resolve("source"), target, StandardCopyOption.ATOMIC_MOVE);

        List<Ev> seen = takeAll();
        assertThat(seen).extracting(Ev::toString).containsExactly("ATTRIB target", "MOVED_FROM source",
                "MOVED_TO target");
        assertThat(seen.get(0).data()).isZero();
        assertThat(seen.get(1).data()).isNotZero().isEqualTo(seen.get(2).data());
    }

    @Test
    void twoRenamesOfOneNameKeepBothCookies(@TempDir Path elsewhere) throws IOException {
        Files.createFile(dir.resolve("n"));
        Files.createFile(elsewhere.resolve("other"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_MOVED_FROM | Kevent.INODE_MOVED_TO));

        Files.move(dir.resolve("n"), elsewhere.resolve("n"));
        Files.move(elsewhere.resolve("other"), dir.resolve("n"));

        List<Ev> seen = takeAll();
        assertThat(seen).extracting(Ev::toString).containsExactly("MOVED_FROM n", "MOVED_TO n");
        assertThat(seen.get(0).data()).isNotZero().isNotEqualTo(seen.get(1).data());
        assertThat(seen.get(1).data()).isNotZero();
    }

    @Test
    void aFileReplacedByADirectoryOfTheSameNameStaysTwoEvents() throws IOException {
        Files.createFile(dir.resolve("x"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE | Kevent.INODE_REMOVE));

        Files.delete(dir.resolve("x"));
        Files.createDirectory(dir.resolve("x"));
        Files.delete(dir.resolve("x"));

        assertThat(takeAll()).extracting(Ev::toString).containsExactly("REMOVE x", "CREATE|REMOVE|ISDIR x");
    }

    @Test
    void aRecursiveInterestMergesOnTheNameRelativeToItsRoot() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path f = Files.createFile(sub.resolve("f"));
        Path top = Files.createFile(dir.resolve("f"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_MODIFY | Kevent.INODE_ATTRIB).withRecursive(true));

        Files.writeString(f, "1");
        Files.writeString(top, "2");
        chmod(f, "rw-------");

        assertThat(takeAll()).extracting(Ev::toString).containsExactly("MODIFY|ATTRIB sub/f", "MODIFY f");
    }
}
