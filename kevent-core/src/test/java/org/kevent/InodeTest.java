package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.source.inode.InodeErrors;
import org.kevent.testing.RefusingInotify;

/** INODE interests on real temporary directories (docs/SEMANTICS.md §2, issue 4). */
class InodeTest {
    private static final long WAIT_MILLIS = 5_000;

    @TempDir
    Path dir;
    KeventQueue queue;
    private final EventBuffer out = new EventBuffer(64);

    /** One delivered INODE event, copied out of the buffer. */
    record Ev(long id, int events, int flags, long data, long data2, String name, Path path) {
        boolean is(int bit) {
            return (events & bit) != 0;
        }

        @Override
        public String toString() {
            return id + " " + EventType.INODE.eventNames(events) + " " + Kevent.returnFlagNames(flags) + " " + name
                    + " data=" + data + " data2=" + data2;
        }
    }

    /**
     * docs/SEMANTICS.md §4: a failed record leaves its interest as it was. A MODIFY that would
     * change the watched path is refused (EINVAL), and the interest keeps its mask and cookie.
     */
    @Test
    void aModifyThatFailsLeavesTheInterestAsItWas() throws IOException {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        queue.add(Ukevent.inode(1, a, Kevent.INODE_CREATE).withCookie(1));

        CtlResults r = queue.ctl(CtlOp.MODIFY, Ukevent.inode(1, b, Kevent.INODE_ALL).withCookie(0));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        Files.writeString(a.resolve("f"), "x");                    // CREATE, MODIFY, CLOSE_WRITE of one name
        assertThat(queue.getEvents(1, 8, WAIT_MILLIS, TimeUnit.MILLISECONDS, out)).isEqualTo(1);
        assertThat(out.events(0)).as("the old mask").isEqualTo(Kevent.INODE_CREATE);
        assertThat(out.cookie(0)).as("the old cookie").isEqualTo(1);
    }

    @BeforeEach
    void open() {
        queue = KeventQueue.open();
    }

    @AfterEach
    void close() {
        queue.close();
    }

    /** Events taken from the queue but not yet looked at by the test (after a match in a batch). */
    private final java.util.Map<KeventQueue, java.util.ArrayDeque<Ev>> carried = new java.util.HashMap<>();

    /** Takes up to a buffer's worth of events: carried ones first. */
    private List<Ev> take(KeventQueue q, long timeoutMillis) {
        java.util.ArrayDeque<Ev> c = carried.computeIfAbsent(q, k -> new java.util.ArrayDeque<>());
        List<Ev> batch = new ArrayList<>(c);
        c.clear();
        if (batch.isEmpty()) {
            int n = q.getEvents(1, out.capacity(), timeoutMillis, TimeUnit.MILLISECONDS, out);
            for (int k = 0; k < n; k++) {
                batch.add(new Ev(out.id(k), out.events(k), out.flags(k), out.data(k), out.data2(k), out.name(k),
                        out.path(k)));
                readsTheSameByName(out, k);
            }
        }
        return batch;
    }

    /** Every INODE event reads the same through the typed accessors as through the raw words. */
    private static void readsTheSameByName(EventBuffer out, int k) {
        int ev = out.events(k);
        assertThat(out.renameCookie(k)).as("rename cookie")
                .isEqualTo((ev & (Kevent.INODE_MOVED_FROM | Kevent.INODE_MOVED_TO)) != 0 ? out.data(k) : 0);
        assertThat((long) out.unwatchedErrno(k)).as("unwatched errno")
                .isEqualTo((ev & Kevent.INODE_UNWATCHED) != 0 ? out.data(k) : 0);
        assertThat(out.foundByScan(k)).as("found by scan").isEqualTo(out.data2(k) == 1);
    }

    /** Takes events until one matches {@code last} (included), failing after 5 s without it. */
    List<Ev> until(KeventQueue q, Predicate<Ev> last) {
        List<Ev> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (System.nanoTime() < deadline) {
            List<Ev> batch = take(q, 50);
            for (int k = 0; k < batch.size(); k++) {
                Ev e = batch.get(k);
                seen.add(e);
                if (last.test(e)) {
                    carried.get(q).addAll(batch.subList(k + 1, batch.size()));
                    return seen;
                }
            }
        }
        throw new AssertionError("no matching event within " + WAIT_MILLIS + " ms; seen " + seen);
    }

    List<Ev> until(Predicate<Ev> last) {
        return until(queue, last);
    }

    /** Takes whatever arrives until 200 ms pass without an event (for "nothing more" checks). */
    List<Ev> rest(KeventQueue q) {
        List<Ev> seen = new ArrayList<>();
        List<Ev> batch;
        while (!(batch = take(q, 200)).isEmpty()) {
            seen.addAll(batch);
        }
        return seen;
    }

    static Predicate<Ev> named(int bit, String name) {
        return e -> e.is(bit) && name.equals(e.name());
    }

    /**
     * INODE 1 (CREATE, REMOVE) on {@link #dir}, in which a.txt is made and removed, then d made.
     *
     * @return the events up to d's CREATE
     */
    List<Ev> createRemoveThenMakeADirectory() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE | Kevent.INODE_REMOVE).withCookie(77));
        Files.createFile(dir.resolve("a.txt"));
        Files.delete(dir.resolve("a.txt"));
        Files.createDirectory(dir.resolve("d"));
        return until(named(Kevent.INODE_CREATE, "d"));
    }

    @Test
    void createAndRemoveInAWatchedDirectoryAreDeliveredWithTheEntryName() throws IOException {
        // Both changes of a.txt are read before the first delivery: they merge (InodeMergeTest).
        List<Ev> seen = createRemoveThenMakeADirectory();
        assertThat(seen).extracting(Ev::toString).containsExactly(
                "1 CREATE|REMOVE DONE a.txt data=0 data2=0",
                "1 CREATE|ISDIR DONE d data=0 data2=0");
        assertThat(seen.getFirst().path()).isEqualTo(dir.resolve("a.txt"));
    }

    @Test
    void eventsOutsideTheMaskAreNotDelivered() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_REMOVE));

        Files.writeString(dir.resolve("f"), "x");
        Files.delete(dir.resolve("f"));

        assertThat(until(named(Kevent.INODE_REMOVE, "f"))).hasSize(1);
    }

    @Test
    void namesAreCopiedIntoACallerArrayWithoutAllocatingAndOtherTypesHaveNone() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE));
        queue.add(Ukevent.user(5));
        queue.trigger(5);
        Files.createFile(dir.resolve("héllo"));

        byte[] dst = new byte[64];
        String found = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (found == null && System.nanoTime() < deadline) {
            int n = queue.getEvents(1, 64, 50, TimeUnit.MILLISECONDS, out);
            for (int k = 0; k < n; k++) {
                if (out.type(k) == EventType.USER) {
                    assertThat(out.nameLength(k)).isEqualTo(-1);
                    assertThat(out.copyName(k, dst, 0)).isEqualTo(-1);
                    assertThat(out.name(k)).isNull();
                    assertThat(out.path(k)).isNull();
                } else {
                    int len = out.copyName(k, dst, 3);
                    assertThat(len).isEqualTo(out.nameLength(k));
                    found = new String(dst, 3, len, StandardCharsets.UTF_8);
                }
            }
        }
        assertThat(found).isEqualTo("héllo");
    }

    @Test
    void aRenameInsideTheDirectoryPairsMovedFromAndMovedToByTheirCookie() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_MOVED_FROM | Kevent.INODE_MOVED_TO));
        Files.createFile(dir.resolve("old"));

        Files.move(dir.resolve("old"), dir.resolve("new"));

        List<Ev> seen = until(named(Kevent.INODE_MOVED_TO, "new"));
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).matches(named(Kevent.INODE_MOVED_FROM, "old"));
        assertThat(seen.get(0).data()).isNotZero().isEqualTo(seen.get(1).data());
    }

    @Test
    void renamesIntoAndOutOfTheWatchedDirectoryAreMovedToAndMovedFromAlone(@TempDir Path elsewhere) throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_ALL));
        Files.createFile(elsewhere.resolve("in"));
        List<Ev> settle = rest(queue);
        assertThat(settle).isEmpty();

        Files.move(elsewhere.resolve("in"), dir.resolve("in"));
        List<Ev> in = until(named(Kevent.INODE_MOVED_TO, "in"));
        Files.move(dir.resolve("in"), elsewhere.resolve("out"));
        List<Ev> outward = until(named(Kevent.INODE_MOVED_FROM, "in"));

        assertThat(in).hasSize(1);
        assertThat(in.getFirst().data()).isNotZero();
        assertThat(outward).hasSize(1);
        assertThat(outward.getFirst().data()).isNotEqualTo(in.getFirst().data());
        assertThat(rest(queue)).as("no MOVED_TO for a rename out").isEmpty();
    }

    /**
     * INODE 1 (MODIFY, ATTRIB, CLOSE_WRITE) on {@code file}, made empty, then "data" written into it.
     *
     * @return the events up to {@code last}
     */
    List<Ev> writeAWatchedFile(Path file, Predicate<Ev> last) throws IOException {
        Files.createFile(file);
        queue.add(Ukevent.inode(1, file, Kevent.INODE_MODIFY | Kevent.INODE_ATTRIB | Kevent.INODE_CLOSE_WRITE));
        Files.writeString(file, "data");
        return until(last);
    }

    @Test
    void aWatchedFileReportsModifyAttribAndCloseWriteWithoutAName() throws IOException {
        Path file = dir.resolve("f");
        List<Ev> written = writeAWatchedFile(file, e -> e.is(Kevent.INODE_CLOSE_WRITE));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        List<Ev> chmod = until(e -> e.is(Kevent.INODE_ATTRIB));

        assertThat(written).anyMatch(e -> e.is(Kevent.INODE_MODIFY));
        assertThat(written).allMatch(e -> e.name() == null && file.equals(e.path()));
        assertThat(chmod).isNotEmpty();
    }

    @Test
    void aRecursiveInterestWatchesSubdirectoriesCreatedLaterWithNamesRelativeToTheRoot() throws IOException {
        Files.createDirectories(dir.resolve("old/deeper"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE | Kevent.INODE_REMOVE).withRecursive(true));

        Files.createFile(dir.resolve("old/deeper/x"));
        assertThat(until(named(Kevent.INODE_CREATE, "old/deeper/x"))).hasSize(1);

        Files.createDirectory(dir.resolve("sub"));
        until(named(Kevent.INODE_CREATE, "sub"));
        Files.createFile(dir.resolve("sub/file"));
        Files.delete(dir.resolve("sub/file"));

        List<Ev> seen = until(named(Kevent.INODE_REMOVE, "sub/file"));
        assertThat(seen).anyMatch(named(Kevent.INODE_CREATE, "sub/file"));
        assertThat(seen.getLast().path()).isEqualTo(dir.resolve("sub/file"));
    }

    @Test
    void nothingCreatedInsideABrandNewSubdirectoryIsMissed() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE).withRecursive(true));

        // Created faster than the queue can add watches: the scan after each watch must find them.
        for (int k = 0; k < 20; k++) {
            Path leaf = Files.createDirectories(dir.resolve("a" + k + "/b/c"));
            Files.createFile(leaf.resolve("f"));
        }

        List<String> names = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            String want = "a" + k + "/b/c/f";
            if (!names.contains(want)) {
                until(e -> {
                    names.add(e.name());
                    return want.equals(e.name());
                });
            }
        }
        for (int k = 0; k < 20; k++) {
            assertThat(names).contains("a" + k, "a" + k + "/b", "a" + k + "/b/c", "a" + k + "/b/c/f");
        }
    }

    @Test
    void aDirectoryMovedIntoARecursiveTreeIsWatchedAndOneMovedOutIsNot(@TempDir Path elsewhere) throws IOException {
        Files.createDirectories(elsewhere.resolve("m/inner"));
        Files.createFile(elsewhere.resolve("m/inner/already"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE | Kevent.INODE_MOVED_TO | Kevent.INODE_MOVED_FROM)
                .withRecursive(true));

        Files.move(elsewhere.resolve("m"), dir.resolve("m"), StandardCopyOption.ATOMIC_MOVE);
        List<Ev> in = until(named(Kevent.INODE_CREATE, "m/inner/already"));
        assertThat(in.getFirst()).matches(named(Kevent.INODE_MOVED_TO, "m"));
        assertThat(in.getLast().data2()).as("found by the scan").isEqualTo(1);
        Files.createFile(dir.resolve("m/inner/new"));
        until(named(Kevent.INODE_CREATE, "m/inner/new"));

        Files.move(dir.resolve("m"), elsewhere.resolve("gone"), StandardCopyOption.ATOMIC_MOVE);
        until(named(Kevent.INODE_MOVED_FROM, "m"));
        Files.createFile(elsewhere.resolve("gone/inner/later"));
        assertThat(rest(queue)).isEmpty();
    }

    @Test
    void missingPathIsENOENT() {
        assertThatThrownBy(() -> queue.add(Ukevent.inode(1, dir.resolve("nope"), Kevent.INODE_CREATE)))
                .isInstanceOf(KeventException.class)
                .hasMessageContaining("ENOENT").hasMessageContaining("nope").hasMessageContaining("does not exist");
    }

    @Test
    void aRecursiveInterestOnAFileIsENOTDIR() throws IOException {
        Path file = Files.createFile(dir.resolve("plain"));
        assertThatThrownBy(() -> queue.add(Ukevent.inode(1, file, Kevent.INODE_CREATE).withRecursive(true)))
                .isInstanceOf(KeventException.class)
                .hasMessageContaining("ENOTDIR").hasMessageContaining("not a directory");
        assertThat(queue.stats().registered()).isZero();
    }

    @Test
    void anUnreadableDirectoryIsEACCES() throws IOException {
        assumeThat(System.getProperty("user.name")).as("root reads everything").isNotEqualTo("root");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Path inner = Files.createDirectory(locked.resolve("inner"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            assertThatThrownBy(() -> queue.add(Ukevent.inode(1, inner, Kevent.INODE_CREATE)))
                    .hasMessageContaining("EACCES").hasMessageContaining("permission denied");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void anEmptyPathIsEinvalNamingTheFieldNotAnEmptyEnoent() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.inode(1, Path.of(""), Kevent.INODE_CREATE),
                Ukevent.inode(2, Path.of(""), Kevent.INODE_CREATE).withRecursive(true),
                Ukevent.inode(3, dir, Kevent.INODE_CREATE));

        for (int k = 0; k < 2; k++) {
            assertThat(r.errorName(k)).isEqualTo("EINVAL");
            assertThat(r.message(k)).contains("INODE " + (k + 1)).contains("empty path").contains("(field path)")
                    .contains("\".\"").doesNotContain("( ");
        }
        assertThat(r.ok(2)).as("the rest of the batch applies").isTrue();
    }

    /**
     * Issue 12, point 10: a recursive watch over a tree with a directory the kernel refuses
     * watches the rest, reports that directory once (UNWATCHED, data = the errno), and fails only
     * for the root. The refusal is injected ({@link RefusingInotify}): as root, permission bits
     * never refuse.
     */
    @Test
    void aRecursiveWatchLeavesOutADirectoryItCannotWatchAndReportsItOnce() throws IOException {
        Files.createDirectories(dir.resolve("locked/inner"));
        Files.createDirectories(dir.resolve("b/c"));
        RefusingInotify inotify = new RefusingInotify().refuse(dir.resolve("locked"), Errno.EACCES);
        try (KeventQueue q = KeventQueue.builder().inodeBackend(inotify).open()) {
            q.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE).withRecursive(true));

            List<Ev> first = until(q, named(Kevent.INODE_UNWATCHED, "locked"));
            Ev skipped = first.getLast();
            assertThat(skipped.events()).isEqualTo(Kevent.INODE_UNWATCHED | Kevent.INODE_ISDIR);
            assertThat(skipped.data()).as("the errno").isEqualTo(Errno.EACCES);
            assertThat(skipped.path()).isEqualTo(dir.resolve("locked"));
            assertThat(EventType.INODE.eventNames(skipped.events())).isEqualTo("ISDIR|UNWATCHED");

            Files.createFile(dir.resolve("locked/inner/unseen"));
            Files.createFile(dir.resolve("b/c/seen"));
            List<Ev> later = until(q, named(Kevent.INODE_CREATE, "b/c/seen"));
            later.addAll(rest(q));
            assertThat(later).noneMatch(e -> e.name() != null && e.name().startsWith("locked"));
        }
    }

    @Test
    void aDirectoryCreatedLaterThatCannotBeWatchedComesWithItsCreate() throws IOException {
        RefusingInotify inotify = new RefusingInotify().refuse(dir.resolve("late"), Errno.ENAMETOOLONG);
        try (KeventQueue q = KeventQueue.builder().inodeBackend(inotify).open()) {
            q.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE).withRecursive(true));

            Files.createDirectory(dir.resolve("late"));

            Ev late = until(q, named(Kevent.INODE_CREATE, "late")).getLast();
            assertThat(late.events()).as("one event for the name")
                    .isEqualTo(Kevent.INODE_CREATE | Kevent.INODE_UNWATCHED | Kevent.INODE_ISDIR);
            assertThat(late.data()).isEqualTo(Errno.ENAMETOOLONG);
            Files.createFile(dir.resolve("late/inside"));
            assertThat(rest(q)).as("nothing from inside it").isEmpty();
        }
    }

    @Test
    void theRootOrTheWatchLimitStillFailTheAdd() throws IOException {
        Files.createDirectories(dir.resolve("b/c"));
        RefusingInotify root = new RefusingInotify().refuse(dir, Errno.EACCES);
        RefusingInotify limit = new RefusingInotify().refuse(dir.resolve("b/c"), Errno.ENOSPC);
        try (KeventQueue q = KeventQueue.builder().inodeBackend(root).open();
             KeventQueue r = KeventQueue.builder().inodeBackend(limit).open()) {
            assertThatThrownBy(() -> q.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE).withRecursive(true)))
                    .hasMessageContaining("EACCES");
            // A tree cut short for lack of watches is not what was asked: the error names the sysctl.
            assertThatThrownBy(() -> r.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE).withRecursive(true)))
                    .hasMessageContaining("ENOSPC").hasMessageContaining("fs.inotify.max_user_watches");
            assertThat(q.stats().registered() + r.stats().registered()).isZero();
        }
    }

    @Test
    void theWatchLimitErrorNamesTheSysctlAndItsValue() {
        CtlError e = InodeErrors.addWatch(28, dir, true, 8192);
        assertThat(e.errorName()).isEqualTo("ENOSPC");
        assertThat(e.message()).contains("fs.inotify.max_user_watches = 8192").contains(dir.toString());
        assertThat(InodeErrors.init(24, 128).message()).contains("fs.inotify.max_user_instances = 128");
        assertThat(InodeErrors.addWatch(13, dir, false, -1).errorName()).isEqualTo("EACCES");
    }

    /**
     * The errnos the watch calls document are named by INODE's own table (it may not load the
     * bindings on the portable engine): the same names and messages as the C library's.
     */
    @Test
    void theOtherErrnosAreNamedAsTheBindingsNameThem() {
        for (int errno : new int[] {Errno.EPERM, Errno.ENOENT, Errno.EIO, Errno.EBADF, Errno.ENOMEM, Errno.EFAULT,
                Errno.EEXIST, Errno.EINVAL, Errno.ENFILE, Errno.ENAMETOOLONG, Errno.ELOOP, Errno.EOPNOTSUPP}) {
            CtlError e = InodeErrors.init(errno, -1);
            assertThat(e.errorName()).isEqualTo(Errno.name(errno));
            assertThat(e.message()).isEqualTo(Errno.message(errno) + " (inotify_init1)");
            assertThat(InodeErrors.watchInstance(errno).message()).startsWith(Errno.message(errno) + " (");
        }
        assertThat(InodeErrors.addWatch(Errno.ELOOP, dir, false, -1).message())
                .isEqualTo("Too many levels of symbolic links (inotify_add_watch on " + dir + ")");
        assertThat(InodeErrors.init(4095, -1).errorName()).as("one no call documents").isEqualTo("errno 4095");
    }

    @Test
    void theSameDirectoryAddedTwiceToOneQueueIsEEXISTEvenUnderAnotherSpelling() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE));
        Path link = Files.createSymbolicLink(dir.resolveSibling(dir.getFileName() + "-link"), dir);
        try {
            CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.inode(2, dir, Kevent.INODE_CREATE),
                    Ukevent.inode(3, link, Kevent.INODE_REMOVE), Ukevent.inode(1, dir, Kevent.INODE_CREATE));
            assertThat(r.failures()).isEqualTo(3);
            assertThat(List.of(r.errorName(0), r.errorName(1), r.errorName(2))).containsOnly("EEXIST");
            assertThat(r.message(1)).contains("already watched by INODE 1");
            Files.createFile(dir.resolve("still"));
            assertThat(until(named(Kevent.INODE_CREATE, "still"))).extracting(Ev::id).containsOnly(1L);
        } finally {
            Files.delete(link);
        }
    }

    @Test
    void theSameDirectoryThroughTwoQueuesReachesBoth() throws IOException {
        try (KeventQueue other = KeventQueue.open()) {
            queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE));
            other.add(Ukevent.inode(2, dir, Kevent.INODE_CREATE));

            Files.createFile(dir.resolve("both"));

            assertThat(until(queue, named(Kevent.INODE_CREATE, "both"))).extracting(Ev::id).containsOnly(1L);
            assertThat(until(other, named(Kevent.INODE_CREATE, "both"))).extracting(Ev::id).containsOnly(2L);
        }
    }

    @Test
    void aDeletedWatchedDirectoryIsDeliveredOnceWithDeleteSelfAndBrokenThenRemoved() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("doomed"));
        queue.add(Ukevent.inode(9, sub, Kevent.INODE_REMOVE));
        Files.createFile(sub.resolve("f"));

        Files.delete(sub.resolve("f"));
        Files.delete(sub);

        List<Ev> seen = until(e -> e.is(Kevent.INODE_DELETE_SELF));
        assertThat(seen).extracting(Ev::toString).containsExactly(
                "9 REMOVE DONE f data=0 data2=0",
                "9 DELETE_SELF DONE|BROKEN null data=0 data2=0");
        assertThat(rest(queue)).isEmpty();
        assertThat(queue.stats().registered()).isZero();
        assertThatThrownBy(() -> queue.remove(EventType.INODE, 9)).as("removed by its BROKEN delivery")
                .isInstanceOf(KeventException.class).hasMessageContaining("ENOENT");
    }

    @Test
    void aWatchRemovedWhileItsEventsAreQueuedDeliversNoneAfterwards() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE));
        for (int k = 0; k < 50; k++) {
            Files.createFile(dir.resolve("f" + k));
        }
        // Take one so the kernel records have surely been read into the interest's queue.
        assertThat(queue.getEvents(1, 1, 5, TimeUnit.SECONDS, out)).isEqualTo(1);

        queue.remove(EventType.INODE, 1);
        Files.createFile(dir.resolve("after"));

        assertThat(rest(queue)).isEmpty();
    }

    @Test
    void oneshotDeliversOneEventAndDispatchOnePerEnable() throws IOException {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        queue.add(Ukevent.inode(1, a, Kevent.INODE_CREATE).withFlags(Kevent.REQ_ONESHOT));
        queue.add(Ukevent.inode(2, b, Kevent.INODE_CREATE).withFlags(Kevent.REQ_DISPATCH));
        for (String n : List.of("x", "y")) {
            Files.createFile(a.resolve(n));
            Files.createFile(b.resolve(n));
        }

        assertThat(rest(queue)).extracting(Ev::toString).containsExactly(
                "1 CREATE DONE x data=0 data2=0", "2 CREATE DONE x data=0 data2=0");
        queue.enable(EventType.INODE, 2);
        assertThat(rest(queue)).extracting(Ev::toString).containsExactly("2 CREATE DONE y data=0 data2=0");
        assertThat(queue.stats().registered()).isEqualTo(1);
    }

    @Test
    void modifyDropsQueuedRecordsTheNewMaskNoLongerWantsAndRejectsAnotherPath() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE | Kevent.INODE_REMOVE));
        Files.createFile(dir.resolve("c"));
        Files.createFile(dir.resolve("d"));
        Files.delete(dir.resolve("d"));
        Files.createFile(dir.resolve("e"));
        // The kernel queued all four records before this harvest: three events (d's two merged);
        // one is taken, two stay queued.
        assertThat(queue.getEvents(1, 1, 5, TimeUnit.SECONDS, out)).isEqualTo(1);
        assertThat(out.name(0)).isEqualTo("c");

        queue.modify(Ukevent.inode(1, dir, Kevent.INODE_REMOVE));

        assertThat(rest(queue)).extracting(Ev::toString).containsExactly("1 REMOVE DONE d data=0 data2=0");
        assertThatThrownBy(() -> queue.modify(Ukevent.inode(1, dir.resolve(".."), Kevent.INODE_REMOVE)))
                .hasMessageContaining("EINVAL").hasMessageContaining("remove it and add it again");
    }

    @Test
    void modifyThatDropsEveryQueuedRecordTakesTheInterestOffTheReadyList() throws IOException {
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE | Kevent.INODE_REMOVE));
        Files.createFile(dir.resolve("c"));
        Files.createFile(dir.resolve("d"));
        // Both records are read in this wait; "d" waits on the ready list as the pending event.
        assertThat(queue.getEvents(1, 1, 5, TimeUnit.SECONDS, out)).isEqualTo(1);
        assertThat(out.name(0)).isEqualTo("c");

        queue.modify(Ukevent.inode(1, dir, Kevent.INODE_REMOVE));

        assertThat(queue.stats().ready()).as("nothing left to deliver").isZero();
        assertThat(queue.poll(out)).as("no empty event").isZero();
        Files.delete(dir.resolve("d"));
        assertThat(until(named(Kevent.INODE_REMOVE, "d"))).extracting(Ev::toString)
                .containsExactly("1 REMOVE DONE d data=0 data2=0");
    }

    /**
     * Watches {@link #dir} (INODE 1, CREATE) and {@code quiet} (INODE 2, recursive, holding the file
     * "existing"), then makes {@code beyond} files more in {@link #dir} than the kernel's inotify
     * queue holds, taking no event meanwhile.
     *
     * @return {@code fs.inotify.max_queued_events}
     */
    int overflowWithNobodyReading(Path quiet, int beyond) throws IOException {
        int queued = maxQueuedEvents();
        assumeThat(queued).as("a kernel queue small enough to overflow in a test").isLessThanOrEqualTo(65_536);
        Files.createFile(quiet.resolve("existing"));
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE));
        queue.add(Ukevent.inode(2, quiet, Kevent.INODE_CREATE).withRecursive(true));
        for (int k = 0; k < queued + beyond; k++) {
            Files.createFile(dir.resolve("f" + k));
        }
        return queued;
    }

    @Test
    void aKernelQueueOverflowReachesEveryInterestOnceAndARecursiveOneRelists(@TempDir Path quiet) throws IOException {
        // Nobody takes events meanwhile, so the kernel queue overflows.
        int queued = overflowWithNobodyReading(quiet, 100);

        List<Ev> first = until(e -> e.id() == 1 && e.is(Kevent.INODE_OVERFLOW));
        assertThat(first).filteredOn(e -> e.id() == 1).hasSizeLessThanOrEqualTo(queued + 1);
        List<Ev> all = new ArrayList<>(first);
        all.addAll(rest(queue));
        assertThat(all).filteredOn(e -> e.is(Kevent.INODE_OVERFLOW)).extracting(Ev::id).containsExactlyInAnyOrder(1L, 2L);
        assertThat(all).filteredOn(e -> e.id() == 2 && !e.is(Kevent.INODE_OVERFLOW)).extracting(Ev::toString)
                .containsExactly("2 CREATE DONE existing data=0 data2=1");
        assertThat(queue.stats().overflows()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anInterestWhoseOwnQueueIsFullReportsOverflowInsteadOfGrowingWithoutBound() throws IOException {
        int queued = maxQueuedEvents();
        assumeThat(queued).isLessThanOrEqualTo(65_536);
        queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE));
        // Room for 2 with one interest: every poll harvests the kernel queue but takes one event.
        EventBuffer two = new EventBuffer(2);
        List<String> before = new ArrayList<>();
        int total = queued + 2_000;
        for (int k = 0; k < total; k++) {
            Files.createFile(dir.resolve("f" + k));
            if (k % 1000 == 999) {
                // An interest with more records goes back on the ready list at once: up to 2 here.
                int n = queue.poll(two);
                assertThat(n).isPositive();
                for (int e = 0; e < n; e++) {
                    before.add(two.name(e));
                }
            }
        }
        List<Ev> seen = until(e -> e.is(Kevent.INODE_OVERFLOW));
        seen.subList(0, seen.size() - 1).forEach(e -> before.add(e.name()));

        assertThat(rest(queue)).as("records after the loss are dropped until the OVERFLOW is delivered").isEmpty();
        assertThat(queue.stats().overflows()).as("the interest's queue, not the kernel's").isEqualTo(1);
        assertThat(before.size()).isBetween(queued, total - 1);
        for (int k = 0; k < before.size(); k++) {
            assertThat(before.get(k)).as("no gap before the OVERFLOW").isEqualTo("f" + k);
        }
    }

    @Test
    void twoThousandAddRemoveCyclesLeakNoWatchAndNoDescriptor() throws IOException {
        queue.add(Ukevent.inode(0, dir.resolve("."), Kevent.INODE_CREATE)); // opens the instance
        Files.createDirectories(dir.resolve("t/u"));
        long fds = TestQueues.openFds();
        long watches = inotifyWatches();
        for (int k = 0; k < 2000; k++) {
            queue.add(Ukevent.inode(1, dir.resolve("t"), Kevent.INODE_ALL).withRecursive(k % 2 == 0));
            queue.remove(EventType.INODE, 1);
        }
        assertThat(TestQueues.openFds()).isEqualTo(fds);
        assertThat(inotifyWatches()).isEqualTo(watches);
    }

    @Test
    void closingTheQueueClosesItsInotifyDescriptor() throws IOException {
        long fds = TestQueues.openFds();
        KeventQueue q = KeventQueue.open();
        q.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE));
        q.close();
        assertThat(TestQueues.openFds()).isEqualTo(fds);
    }

    @Test
    void eventNamesIncludeIsdirAndRecursiveIsOnlyForInode() {
        assertThat(EventType.INODE.eventNames(Kevent.INODE_CREATE | Kevent.INODE_ISDIR)).isEqualTo("CREATE|ISDIR");
        CtlResults notInode = queue.ctl(CtlOp.ADD, Ukevent.user(1).withRecursive(true));
        assertThat(notInode.errorName(0)).isEqualTo("EINVAL");
        assertThat(notInode.message(0)).contains("(field recursive)");
        assertThat(queue.ctl(CtlOp.ADD, Ukevent.inode(1, dir, Kevent.INODE_ISDIR)).errorName(0)).isEqualTo("EINVAL");
    }

    /** One read: a sysctl file is at end-of-file for a read at a non-zero offset (Files.readString sees "1"). */
    static int maxQueuedEvents() throws IOException {
        try (var in = Files.newInputStream(Path.of("/proc/sys/fs/inotify/max_queued_events"))) {
            byte[] buf = new byte[32];
            int n = in.read(buf);
            return Integer.parseInt(new String(buf, 0, n, StandardCharsets.US_ASCII).trim());
        }
    }

    /** Watches held by this process's inotify instances, from /proc/self/fdinfo. */
    private static long inotifyWatches() throws IOException {
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().contains("inotify")) {
                        n += Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString())).stream()
                                .filter(l -> l.startsWith("inotify wd:")).count();
                    }
                } catch (IOException closedMeanwhile) {
                    // the directory stream's own fd, or one closed since the listing
                }
            }
        }
        return n;
    }
}
