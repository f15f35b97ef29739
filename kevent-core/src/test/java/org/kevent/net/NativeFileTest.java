package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.KeventException;

/**
 * What {@link NativeFile#open} accepts: regular files only, refused without blocking otherwise
 * (issue 12, points 1 and 9). The FIFO tests carry a {@link Timeout} in a separate thread: it is a
 * hang guard, so that a regression (an {@code open} that waits for a writer) fails instead of
 * holding the build; it asserts nothing about speed.
 */
class NativeFileTest {
    @TempDir
    Path dir;

    /** Makes a FIFO with the system's {@code mkfifo}: the JDK has no call for it. */
    static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("mkfifo ended").isTrue();
        assertThat(p.exitValue()).as("mkfifo %s: %s", path, new String(p.getInputStream().readAllBytes())).isZero();
        return path;
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
        Path fifo = mkfifo(dir.resolve("fifo"));

        assertThatThrownBy(() -> NativeFile.open(fifo))
                .isInstanceOfSatisfying(KeventException.class, e -> {
                    assertThat(e.call()).isEqualTo("open");
                    assertThat(e.errorName()).isEqualTo("EINVAL");
                })
                .hasMessageContaining(fifo.toString()).hasMessageContaining("FIFO")
                .hasMessageContaining("not a regular file");
    }

    @Test
    void aDirectoryIsRefusedAsEisdir() {
        assertThatThrownBy(() -> NativeFile.open(dir))
                .isInstanceOfSatisfying(KeventException.class, e -> {
                    assertThat(e.call()).isEqualTo("open");
                    assertThat(e.errorName()).isEqualTo("EISDIR");
                })
                .hasMessageContaining(dir.toString()).hasMessageContaining("not a regular file");
    }

    @Test
    void aCharacterDeviceIsRefused() {
        assertThatThrownBy(() -> NativeFile.open(Path.of("/dev/null")))
                .isInstanceOfSatisfying(KeventException.class, e -> assertThat(e.errorName()).isEqualTo("EINVAL"))
                .hasMessageContaining("character device");
    }

    @Test
    void aSymbolicLinkToARegularFileIsFollowed() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "12345");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        try (NativeFile f = NativeFile.open(link)) {
            assertThat(f.size()).isEqualTo(5);
        }
    }

    @Test
    void sizeAfterCloseNamesSizeAndTheClosedState() throws IOException {
        NativeFile f = NativeFile.open(Files.writeString(dir.resolve("f"), "abc"));
        assertThat(f.size()).isEqualTo(3);
        f.close();

        assertThatThrownBy(f::size)
                .isInstanceOfSatisfying(KeventException.class, e -> {
                    assertThat(e.call()).isEqualTo("size");
                    assertThat(e.errorName()).isEqualTo("EBADF");
                })
                .hasMessageContaining("is closed").hasMessageNotContaining("sendfile");
    }

    @Test
    void openBeneathOpensARegularFileBelowTheRoot() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root/sub"));
        Files.writeString(root.resolve("f.txt"), "hello");

        try (NativeFile f = NativeFile.openBeneath(dir.resolve("root"), Path.of("sub/f.txt"))) {
            assertThat(f.size()).isEqualTo(5);
            assertThat(f.path()).isEqualTo(dir.resolve("root/sub/f.txt"));
        }
    }

    @Test
    void aFileSwappedForASymbolicLinkLeadingOutIsNotOpenedBeneathTheRoot() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path secret = Files.writeString(dir.resolve("secret.txt"), "SECRET");
        Path file = Files.writeString(root.resolve("page.txt"), "public");
        // The swap, made before the open: deterministic, and the same as losing any race.
        Files.delete(file);
        Files.createSymbolicLink(file, secret);

        assertThatThrownBy(() -> NativeFile.openBeneath(root, Path.of("page.txt")))
                .isInstanceOfSatisfying(KeventException.class, e -> {
                    assertThat(e.call()).isEqualTo("openat2");
                    assertThat(e.errorName()).isEqualTo("ELOOP");
                })
                .hasMessageContaining("symbolic link");
    }

    @Test
    void aDirectorySwappedForASymbolicLinkOnTheWayIsRefused() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(dir.resolve("outside"));
        Files.writeString(dir.resolve("outside/page.txt"), "SECRET");
        Files.createSymbolicLink(root.resolve("sub"), dir.resolve("outside"));

        assertThatThrownBy(() -> NativeFile.openBeneath(root, Path.of("sub/page.txt")))
                .isInstanceOfSatisfying(KeventException.class, e -> assertThat(e.errorName()).isIn("ELOOP", "ENOTDIR"));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoBeneathTheRootIsRefusedWithoutBlocking() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        mkfifo(root.resolve("fifo"));

        assertThatThrownBy(() -> NativeFile.openBeneath(root, Path.of("fifo")))
                .isInstanceOfSatisfying(KeventException.class, e -> assertThat(e.errorName()).isEqualTo("EINVAL"))
                .hasMessageContaining("FIFO");
        assertThatThrownBy(() -> NativeFile.openBeneath(root, Path.of("")))
                .isInstanceOfSatisfying(KeventException.class, e -> assertThat(e.errorName()).isEqualTo("ENOENT"));
    }

    @Test
    void openBeneathRefusesPathsThatWouldLeaveTheRoot() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(dir.resolve("secret.txt"), "SECRET");

        assertThatThrownBy(() -> NativeFile.openBeneath(root, Path.of("../secret.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("..");
        assertThatThrownBy(() -> NativeFile.openBeneath(root, Path.of("a/../../secret.txt")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NativeFile.openBeneath(root, dir.resolve("secret.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
        assertThatThrownBy(() -> NativeFile.openBeneath(dir.resolve("missing"), Path.of("x")))
                .isInstanceOfSatisfying(KeventException.class, e -> {
                    assertThat(e.call()).isEqualTo("open");
                    assertThat(e.errorName()).isEqualTo("ENOENT");
                });
    }
}
