package org.kevent.internal.portable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Inotify;

/**
 * {@link PortableInotify} on its own, read as {@code InodeKind} reads it: the WatchService's
 * events become inotify-layout records (docs/SEMANTICS.md §10). Every wait is bounded and waits
 * for a record to arrive, never for time to pass.
 */
class PortableInotifyTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    @TempDir
    Path dir;
    private final PortableInotify inotify = new PortableInotify();
    private int fd;

    /** One record of a read. */
    record Rec(int wd, int mask, String name) {
        @Override
        public String toString() {
            return wd + " " + Integer.toHexString(mask) + " " + name;
        }
    }

    @BeforeEach
    void open() {
        fd = inotify.open();
        assertThat(fd).isNotNegative();
    }

    @AfterEach
    void close() {
        inotify.close(fd);
    }

    /** Records read but not yet looked at (after a match inside a read). */
    private final java.util.ArrayDeque<Rec> carried = new java.util.ArrayDeque<>();

    /** Reads records until one matches {@code last}; fails after 10 s without it. */
    private List<Rec> until(Predicate<Rec> last) {
        List<Rec> seen = new ArrayList<>();
        while (!carried.isEmpty()) {
            Rec r = carried.poll();
            seen.add(r);
            if (last.test(r)) {
                return seen;
            }
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            int n = inotify.read(fd);
            if (n == -Errno.EAGAIN) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // the record is on its way
                continue;
            }
            assertThat(n).isPositive();
            for (int at = 0; at < n; at = inotify.next(at)) {
                byte[] name = new byte[inotify.nameLength(at)];
                inotify.copyName(at, name.length, name, 0);
                assertThat(inotify.cookie(at)).isZero();
                Rec r = new Rec(inotify.wd(at), inotify.mask(at),
                        name.length == 0 ? null : new String(name, StandardCharsets.UTF_8));
                if (!seen.isEmpty() && last.test(seen.getLast())) {
                    carried.add(r);
                } else {
                    seen.add(r);
                }
            }
            if (!seen.isEmpty() && last.test(seen.getLast())) {
                return seen;
            }
        }
        throw new AssertionError("no matching record within 10 s; seen " + seen);
    }

    private static Predicate<Rec> is(int wd, int mask, String name) {
        return r -> r.wd == wd && r.mask == mask && java.util.Objects.equals(name, r.name);
    }

    @Test
    void entriesCreatedModifiedAndDeletedAreRecordsOfTheDirectorysWatchWithTheirNames() throws IOException {
        int wd = inotify.addWatch(fd, dir.toString(), Inotify.IN_CREATE | Inotify.IN_DELETE | Inotify.IN_MODIFY);
        assertThat(wd).isEqualTo(1);
        assertThat(inotify.read(fd)).as("nothing yet").isEqualTo(-Errno.EAGAIN);

        Files.createDirectory(dir.resolve("sub"));
        until(is(wd, Inotify.IN_CREATE | Inotify.IN_ISDIR, "sub"));
        Files.writeString(dir.resolve("f"), "x");
        until(is(wd, Inotify.IN_CREATE, "f"));
        until(is(wd, Inotify.IN_MODIFY, "f"));
        Files.delete(dir.resolve("f"));
        until(is(wd, Inotify.IN_DELETE, "f"));
    }

    @Test
    void aWatchOnAFileReportsItsModifyWithoutANameAndEndsWithIgnoredWhenItIsDeleted() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        int wd = inotify.addWatch(fd, file.toString(), Inotify.IN_MODIFY | Inotify.IN_DELETE_SELF);
        assertThat(inotify.addWatch(fd, file.toString(), Inotify.IN_MODIFY)).as("the same file, the same wd")
                .isEqualTo(wd);
        int dirWd = inotify.addWatch(fd, dir.toString(), Inotify.IN_DELETE);
        assertThat(dirWd).isNotEqualTo(wd);

        Files.writeString(file, "more");
        until(is(wd, Inotify.IN_MODIFY, null));
        Files.writeString(dir.resolve("other"), "x");
        Files.delete(file);
        List<Rec> seen = until(is(wd, Inotify.IN_IGNORED, null));
        assertThat(seen).noneMatch(r -> r.wd == wd && "other".equals(r.name));
        assertThat(until(is(dirWd, Inotify.IN_DELETE, "f"))).as("the directory's own watch goes on").isNotEmpty();
        assertThat(inotify.removeWatch(fd, wd)).as("ended").isEqualTo(-Errno.EINVAL);
    }

    @Test
    void aDeletedDirectoryEndsItsWatchWithIgnored() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        int wd = inotify.addWatch(fd, sub.toString(), Inotify.IN_DELETE);

        Files.delete(sub);

        until(is(wd, Inotify.IN_IGNORED, null));
        assertThat(inotify.removeWatch(fd, wd)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void aSubdirectoryMovedAwayEndsItsWatchAndTheOnesBelowItAfterTheirPendingRecords(@TempDir Path elsewhere)
            throws IOException {
        Files.createDirectories(dir.resolve("m/inner"));
        int root = inotify.addWatch(fd, dir.toString(), Inotify.IN_CREATE | Inotify.IN_DELETE);
        int m = inotify.addWatch(fd, dir.resolve("m").toString(), Inotify.IN_CREATE | Inotify.IN_DELETE);
        int inner = inotify.addWatch(fd, dir.resolve("m/inner").toString(), Inotify.IN_CREATE | Inotify.IN_DELETE);
        Files.createFile(dir.resolve("m/inner/x"));
        until(is(inner, Inotify.IN_CREATE, "x"));

        Files.move(dir.resolve("m"), elsewhere.resolve("m"));
        List<Rec> seen = until(is(root, Inotify.IN_DELETE | Inotify.IN_ISDIR, "m"));

        assertThat(seen).filteredOn(r -> r.mask == Inotify.IN_IGNORED).extracting(Rec::wd).containsExactly(inner, m);
        Files.createFile(elsewhere.resolve("m/inner/later"));
        Files.createFile(dir.resolve("marker"));
        assertThat(until(is(root, Inotify.IN_CREATE, "marker"))).as("nothing from the moved tree")
                .noneMatch(r -> r.wd == m || r.wd == inner);
    }

    @Test
    void oneDirectoryUnderTwoSpellingsIsOneWatch() throws IOException {
        Files.createDirectory(dir.resolve("d"));
        int wd = inotify.addWatch(fd, dir.resolve("d").toString(), Inotify.IN_CREATE);
        assertThat(inotify.addWatch(fd, dir.resolve("d/../d/.").toString(), Inotify.IN_DELETE)).isEqualTo(wd);
        Files.createFile(dir.resolve("d/a"));
        Files.delete(dir.resolve("d/a"));
        until(is(wd, Inotify.IN_DELETE, "a"));
    }

    @Test
    void badInputIsTheErrnoInotifyGives() throws IOException {
        Path file = Files.createFile(dir.resolve("plain"));
        assertThat(inotify.addWatch(fd, dir.resolve("missing").toString(), Inotify.IN_CREATE)).isEqualTo(-Errno.ENOENT);
        // The JDK reports a stat's ENOTDIR of a path component as NoSuchFileException: no such file.
        assertThat(inotify.addWatch(fd, file.resolve("below").toString(), Inotify.IN_CREATE)).isEqualTo(-Errno.ENOENT);
        assertThat(inotify.addWatch(fd, file.toString(), Inotify.IN_CREATE | Inotify.IN_ONLYDIR))
                .isEqualTo(-Errno.ENOTDIR);
        assertThat(inotify.addWatch(fd, "a\0b", Inotify.IN_CREATE)).isEqualTo(-Errno.EINVAL);
        assertThat(inotify.addWatch(fd + 1, dir.toString(), Inotify.IN_CREATE)).isEqualTo(-Errno.EBADF);
        assertThat(inotify.read(fd + 1)).isEqualTo(-Errno.EBADF);
        assertThat(inotify.removeWatch(fd, 42)).isEqualTo(-Errno.EINVAL);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertThat(inotify.addWatch(fd, dangling.toString(), Inotify.IN_CREATE)).isEqualTo(-Errno.ENOENT);
        assertThat(inotify.addWatch(fd, dangling.toString(), Inotify.IN_CREATE | Inotify.IN_DONT_FOLLOW
                | Inotify.IN_ONLYDIR)).as("the link itself is no directory").isEqualTo(-Errno.ENOTDIR);
        assertThat(inotify.limit("fs.inotify.max_queued_events")).isEqualTo(-1);
    }

    @Test
    void closeEndsTheWatcherThreadAndAClosedInstanceRefusesCalls() throws IOException {
        String name = "kevent-inode-watch-" + fd;
        assertThat(threadsNamed(name)).isEqualTo(1);
        inotify.addWatch(fd, dir.toString(), Inotify.IN_CREATE);

        inotify.close(fd);

        assertThat(threadsNamed(name)).as("joined by close").isZero();
        assertThat(PortableDescriptor.lookup(fd)).isNull();
        assertThat(inotify.read(fd)).isEqualTo(-Errno.EBADF);
        assertThat(inotify.addWatch(fd, dir.toString(), Inotify.IN_CREATE)).isEqualTo(-Errno.EBADF);
        fd = inotify.open(); // for close() after the test
    }

    static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).count();
    }
}
