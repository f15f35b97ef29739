package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link InodeTest}'s rules on the portable engine (docs/SEMANTICS.md §10), where the records come
 * from the JDK's {@code WatchService} through an emulated inotify instance. The WatchService hands
 * records over from its own thread, so a test may wait for an event to arrive (bounded) but never
 * rely on two changes being read in one harvest: the rules that depend on it are restated here
 * without that dependence. {@link InodeMergeTest} has no twin: every one of its cases rests on
 * that same-harvest determinism.
 */
class InodeOnPortableTest extends InodeTest implements OnPortableEngine {
    private static final String NO_RENAME_PAIRS = "portable engine: WatchService reports a rename as ENTRY_DELETE"
            + " and ENTRY_CREATE, without MOVED_FROM/MOVED_TO or a cookie pairing them";
    private static final String NO_CLOSE_WRITE = "portable engine: WatchService has no CLOSE_WRITE, and no ATTRIB"
            + " apart from MODIFY";
    private static final String LINUX_STAND_IN = "portable engine: the refusal is injected through a stand-in"
            + " for the kernel's inotify (KeventQueue.Builder.inodeBackend), which only the linux engine installs";
    private static final String SAME_HARVEST = "portable engine: records reach the queue from WatchService's"
            + " thread, so two changes are not sure to be read in one harvest; restated below without it";

    @Test
    @Disabled(NO_RENAME_PAIRS)
    @Override
    void aRenameInsideTheDirectoryPairsMovedFromAndMovedToByTheirCookie() {
    }

    @Test
    @Disabled(NO_RENAME_PAIRS)
    @Override
    void renamesIntoAndOutOfTheWatchedDirectoryAreMovedToAndMovedFromAlone(Path elsewhere) {
    }

    @Test
    @Disabled(NO_RENAME_PAIRS + "; restated below as CREATE and REMOVE")
    @Override
    void aDirectoryMovedIntoARecursiveTreeIsWatchedAndOneMovedOutIsNot(Path elsewhere) {
    }

    @Test
    @Disabled(NO_CLOSE_WRITE + "; MODIFY restated below")
    @Override
    void aWatchedFileReportsModifyAttribAndCloseWriteWithoutAName() {
    }

    @Test
    @Disabled(LINUX_STAND_IN)
    @Override
    void aRecursiveWatchLeavesOutADirectoryItCannotWatchAndReportsItOnce() {
    }

    @Test
    @Disabled(LINUX_STAND_IN)
    @Override
    void aDirectoryCreatedLaterThatCannotBeWatchedComesWithItsCreate() {
    }

    @Test
    @Disabled(LINUX_STAND_IN)
    @Override
    void theRootOrTheWatchLimitStillFailTheAdd() {
    }

    @Test
    @Disabled(SAME_HARVEST)
    @Override
    void createAndRemoveInAWatchedDirectoryAreDeliveredWithTheEntryName() {
    }

    @Test
    @Disabled(SAME_HARVEST + " (a second overflow may follow the first while the JDK still hands records over)")
    @Override
    void aKernelQueueOverflowReachesEveryInterestOnceAndARecursiveOneRelists(Path quiet) {
    }

    @Test
    @Disabled("portable engine: the JDK caps each directory's pending events at 512 and reports its own OVERFLOW"
            + " first, and there is no fs.inotify.max_queued_events to cap an interest by")
    @Override
    void anInterestWhoseOwnQueueIsFullReportsOverflowInsteadOfGrowingWithoutBound() {
    }

    // ------------------------------------------------------------------- the rules restated

    @Test
    void createAndRemoveAreDeliveredWithTheEntryNameMergedOrNot() throws IOException {
        List<Ev> seen = createRemoveThenMakeADirectory();

        assertThat(seen.getLast()).hasToString("1 CREATE|ISDIR DONE d data=0 data2=0");
        List<Ev> a = seen.stream().filter(e -> "a.txt".equals(e.name())).toList();
        assertThat(a).as("one event, or two if the JDK handed the removal over later").hasSizeBetween(1, 2)
                .allMatch(e -> e.data() == 0 && e.path().equals(dir.resolve("a.txt")));
        assertThat(a.stream().mapToInt(Ev::events).reduce(0, (x, y) -> x | y))
                .isEqualTo(Kevent.INODE_CREATE | Kevent.INODE_REMOVE);
    }

    @Test
    void aRenameIsARemoveOfTheOldNameAndACreateOfTheNewWithoutACookie() throws IOException {
        Files.createFile(dir.resolve("old"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_ALL));

        Files.move(dir.resolve("old"), dir.resolve("new"), StandardCopyOption.ATOMIC_MOVE);

        List<Ev> seen = new ArrayList<>(until(named(Kevent.INODE_CREATE, "new")));
        if (seen.stream().noneMatch(named(Kevent.INODE_REMOVE, "old"))) {
            seen.addAll(until(named(Kevent.INODE_REMOVE, "old")));
        }
        assertThat(seen).allMatch(e -> e.data() == 0 && !e.is(Kevent.INODE_MOVED_FROM) && !e.is(Kevent.INODE_MOVED_TO));
    }

    @Test
    void aWatchedFileReportsModifyWithoutANameAndItsRemovalBreaksTheInterest() throws IOException {
        Path file = dir.resolve("f");
        List<Ev> written = writeAWatchedFile(file, e -> e.is(Kevent.INODE_MODIFY));
        Files.writeString(dir.resolve("sibling"), "not the watched file");
        Files.delete(file);
        List<Ev> end = until(e -> e.is(Kevent.INODE_DELETE_SELF));

        assertThat(written).allMatch(e -> e.name() == null && file.equals(e.path()));
        assertThat(end.getLast()).hasToString("1 DELETE_SELF DONE|BROKEN null data=0 data2=0");
        assertThat(end).allMatch(e -> e.name() == null);
        assertThat(rest(queue)).isEmpty();
        assertThat(queue.stats().registered()).isZero();
    }

    @Test
    void aDirectoryMovedIntoARecursiveTreeIsAWalkedCreateAndOneMovedOutIsNotFollowed(@TempDir Path elsewhere)
            throws IOException {
        Files.createDirectories(elsewhere.resolve("m/inner"));
        Files.createFile(elsewhere.resolve("m/inner/already"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE | Kevent.INODE_REMOVE).withRecursive(true));

        Files.move(elsewhere.resolve("m"), dir.resolve("m"), StandardCopyOption.ATOMIC_MOVE);
        List<Ev> in = until(named(Kevent.INODE_CREATE, "m/inner/already"));
        assertThat(in.getFirst()).matches(named(Kevent.INODE_CREATE, "m")).matches(e -> e.is(Kevent.INODE_ISDIR));
        assertThat(in.getLast().data2()).as("found by the scan").isEqualTo(1);
        Files.createFile(dir.resolve("m/inner/new"));
        until(named(Kevent.INODE_CREATE, "m/inner/new"));

        Files.move(dir.resolve("m"), elsewhere.resolve("gone"), StandardCopyOption.ATOMIC_MOVE);
        assertThat(until(named(Kevent.INODE_REMOVE, "m")).getLast().is(Kevent.INODE_ISDIR)).isTrue();
        Files.createFile(elsewhere.resolve("gone/inner/later"));
        Files.createFile(dir.resolve("marker"));
        assertThat(until(named(Kevent.INODE_CREATE, "marker"))).as("nothing from the tree moved out")
                .noneMatch(e -> e.name().startsWith("m/"));
    }

    @Test
    void aRemovedSubdirectoryOfARecursiveTreeIsWatchedAgainWhenMadeAgainAndTheRootsRemovalBreaksIt()
            throws IOException {
        Path root = Files.createDirectories(dir.resolve("root/sub")).getParent();
        Files.createFile(root.resolve("sub/x"));
        queue.add(Ukevent.inode(1, root, Kevent.INODE_CREATE | Kevent.INODE_REMOVE).withRecursive(true));

        Files.delete(root.resolve("sub/x"));
        Files.delete(root.resolve("sub"));
        List<Ev> gone = until(named(Kevent.INODE_REMOVE, "sub"));
        assertThat(gone).anyMatch(named(Kevent.INODE_REMOVE, "sub/x"));
        assertThat(gone.getLast().is(Kevent.INODE_ISDIR)).isTrue();

        Files.createDirectory(root.resolve("sub"));
        until(named(Kevent.INODE_CREATE, "sub"));
        Files.createFile(root.resolve("sub/y"));
        until(named(Kevent.INODE_CREATE, "sub/y"));

        Files.delete(root.resolve("sub/y"));
        Files.delete(root.resolve("sub"));
        Files.delete(root);
        assertThat(until(e -> e.is(Kevent.INODE_DELETE_SELF)).getLast().flags() & Kevent.RET_BROKEN).isNotZero();
        assertThat(queue.stats().registered()).isZero();
    }

    @Test
    void anOverflowIsNeverSilentAndARecursiveInterestRelists(@TempDir Path quiet) throws IOException {
        // More changes than the JDK's inotify queue, its directory's event list (512) and its read
        // buffer hold together: some are lost whatever the timing.
        overflowWithNobodyReading(quiet, 1_000);

        List<Ev> all = new ArrayList<>(until(e -> e.id() == 1 && e.is(Kevent.INODE_OVERFLOW)));
        if (all.stream().noneMatch(e -> e.id() == 2 && e.is(Kevent.INODE_OVERFLOW))) {
            all.addAll(until(e -> e.id() == 2 && e.is(Kevent.INODE_OVERFLOW)));
        }
        all.addAll(until(named(Kevent.INODE_CREATE, "existing")));
        assertThat(all).filteredOn(e -> e.id() == 2 && !e.is(Kevent.INODE_OVERFLOW)).extracting(Ev::toString)
                .as("the re-listing after the OVERFLOW").contains("2 CREATE DONE existing data=0 data2=1");
        assertThat(queue.stats().overflows()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void badRecordsFailAloneWithTheirErrnoAndTheRestOfTheBatchApplies() throws IOException {
        Path file = Files.createFile(dir.resolve("plain"));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));

        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.inode(1, dir.resolve("missing"), Kevent.INODE_CREATE),
                Ukevent.inode(2, file, Kevent.INODE_CREATE).withRecursive(true),
                Ukevent.inode(3, dangling, Kevent.INODE_CREATE),
                Ukevent.inode(4, dir, Kevent.INODE_CREATE));

        assertThat(List.of(r.errorName(0), r.errorName(1), r.errorName(2))).containsExactly("ENOENT", "ENOTDIR",
                "ENOENT");
        assertThat(r.message(0)).contains("missing", "does not exist");
        assertThat(r.message(1)).contains("plain", "not a directory");
        assertThat(r.ok(3)).isTrue();
        Files.createFile(dir.resolve("after"));
        until(named(Kevent.INODE_CREATE, "after"));
    }

    @Test
    void closingTheQueueWithWatchesLiveEndsItsWatcherThreads() throws IOException {
        Files.createDirectories(dir.resolve("a/b"));
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        KeventQueue q = KeventQueue.open();
        q.add(Ukevent.inode(1, dir, Kevent.INODE_ALL).withRecursive(true));
        q.add(Ukevent.inode(2, dir.resolve("a"), Kevent.INODE_CREATE));
        Files.createFile(dir.resolve("a/b/live"));
        until(q, named(Kevent.INODE_CREATE, "a/b/live"));
        // Its own watcher, and the WatchService's thread (the JDK's, on Linux "FileSystemWatch...").
        List<Thread> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                .filter(t -> t.getName().startsWith("kevent-inode-watch-") || t.getName().startsWith("FileSystemWatch"))
                .toList();
        assertThat(started).extracting(Thread::getName).as("one watcher of its own per queue")
                .filteredOn(n -> n.startsWith("kevent-inode-watch-")).hasSize(1);

        q.close();

        assertThat(started).filteredOn(t -> t.getName().startsWith("kevent-inode-watch-"))
                .as("joined by close").noneMatch(Thread::isAlive);
        // The WatchService's own thread ends once it has answered the close: wait for that, bounded.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (started.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(started).as("no thread left behind").noneMatch(Thread::isAlive);
    }
}
