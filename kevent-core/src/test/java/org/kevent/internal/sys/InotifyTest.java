package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.internal.source.inode.FileNames;

class InotifyTest {
    /** A path as the binding takes it: the caller encodes. */
    private static byte[] bytes(Path path) {
        return path.toString().getBytes(FileNames.CHARSET);
    }

    @Test
    void inotifyEventHeaderIsFourIntsInSixteenBytesOnEveryArchitecture() {
        assertThat(InotifyEvent.SIZE).isEqualTo(16);
        assertThat(InotifyEvent.WD_OFFSET).isZero();
        assertThat(InotifyEvent.MASK_OFFSET).isEqualTo(4);
        assertThat(InotifyEvent.COOKIE_OFFSET).isEqualTo(8);
        assertThat(InotifyEvent.LEN_OFFSET).isEqualTo(12);
        assertThat(InotifyEvent.MAX_SIZE).isEqualTo(16 + 256);
    }

    @Test
    void recordsAreReadInPlaceWithTheirPaddedNamesAndANonblockingEmptyReadIsEagain(@TempDir Path dir) throws IOException {
        int fd = Inotify.init1(Inotify.IN_CLOEXEC | Inotify.IN_NONBLOCK);
        assertThat(fd).isPositive();
        try (InotifyBuffer buf = new InotifyBuffer(InotifyBuffer.DEFAULT_SIZE)) {
            int wd = Inotify.addWatch(fd, bytes(dir), Inotify.IN_CREATE | Inotify.IN_DELETE);
            assertThat(wd).isPositive();
            assertThat(buf.read(fd)).isEqualTo(-Errno.EAGAIN);

            Files.createFile(dir.resolve("abc"));
            Files.delete(dir.resolve("abc"));

            int n = buf.read(fd);
            assertThat(n).isEqualTo(2 * (16 + 16));
            assertThat(buf.wd(0)).isEqualTo(wd);
            assertThat(buf.mask(0)).isEqualTo(Inotify.IN_CREATE);
            assertThat(buf.nameLength(0)).isEqualTo(3);
            byte[] name = new byte[5];
            buf.copyName(0, 3, name, 1);
            assertThat(new String(name, 1, 3)).isEqualTo("abc");
            int second = buf.next(0);
            assertThat(second).isEqualTo(32);
            assertThat(buf.mask(second)).isEqualTo(Inotify.IN_DELETE);
            assertThat(buf.next(second)).isEqualTo(n);
        } finally {
            Fd.close(fd);
        }
    }

    @Test
    void addWatchReportsMissingPathsAndNonDirectoriesAsNegativeErrno(@TempDir Path dir) throws IOException {
        int fd = Inotify.init1(Inotify.IN_CLOEXEC | Inotify.IN_NONBLOCK);
        try {
            assertThat(Inotify.addWatch(fd, bytes(dir.resolve("missing")), Inotify.IN_CREATE)).isEqualTo(-Errno.ENOENT);
            Path file = Files.createFile(dir.resolve("f"));
            assertThat(Inotify.addWatch(fd, bytes(file), Inotify.IN_CREATE | Inotify.IN_ONLYDIR))
                    .isEqualTo(-Errno.ENOTDIR);
            int wd = Inotify.addWatch(fd, bytes(dir), Inotify.IN_CREATE);
            assertThat(Inotify.addWatch(fd, bytes(dir), Inotify.IN_DELETE | Inotify.IN_MASK_ADD)).isEqualTo(wd);
            assertThat(Inotify.rmWatch(fd, wd)).isZero();
            assertThat(Inotify.rmWatch(fd, wd)).isEqualTo(-Errno.EINVAL);
        } finally {
            Fd.close(fd);
        }
    }
}
