package org.kevent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchCommandTest {
    private record Run(int status, String out, String err) {
    }

    /** Runs {@code kevent watch} on its own thread while {@code activity} changes files. */
    private static Run watch(Path dir, IoAction activity, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(
                () -> Main.run(args, o, new PrintStream(err, true, StandardCharsets.UTF_8)),
                r -> Thread.ofPlatform().daemon().start(r));
        // Wait for the banner: from then on the interest is registered.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!out.toString(StandardCharsets.UTF_8).contains("watching") && !status.isDone()
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (!status.isDone()) {
            activity.run();
        }
        int code = status.get(10, TimeUnit.SECONDS);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    @Test
    void printsOneLineWithTimeEventAndPathPerEvent(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve("old.txt"));
        // Two names: changes to one name before a wait would merge into one event (CREATE|REMOVE).
        Run r = watch(dir, () -> {
            Files.createFile(dir.resolve("new.txt"));
            Files.delete(dir.resolve("old.txt"));
        }, "watch", dir.toString(), "--events", "create,remove", "--count", "2");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("watching " + dir + " for CREATE|REMOVE")
                .containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  CREATE\\s+" + java.util.regex.Pattern.quote(
                        dir.resolve("new.txt").toString()) + "$")
                .containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  REMOVE\\s+.*old\\.txt$");
    }

    @Test
    void recursiveWatchShowsFilesInNewSubdirectories(@TempDir Path dir) throws Exception {
        Run r = watch(dir, () -> Files.createFile(Files.createDirectory(dir.resolve("sub")).resolve("f")),
                "watch", dir.toString(), "--recursive", "--events", "create", "--count", "2");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("CREATE|ISDIR").contains(dir.resolve("sub/f").toString());
    }

    @Test
    void aDeletedDirectoryEndsTheWatchWithDeleteSelf(@TempDir Path parent) throws Exception {
        Path dir = Files.createDirectory(parent.resolve("w"));
        Run r = watch(dir, () -> Files.delete(dir), "watch", dir.toString(), "--events", "create");

        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("DELETE_SELF").contains("the watched path is gone");
    }

    /**
     * Issue 12, point 10: a directory the kernel will not watch is reported once and the rest of
     * the tree is watched. Tests run as root, where permission bits refuse nothing, so the refusal
     * here is the kernel's own: a directory whose path is longer than PATH_MAX (4096 bytes), which
     * inotify_add_watch cannot take. It is built bottom-up by renames, each with short paths, and
     * taken apart the same way (nothing can delete it by its full path).
     */
    @Test
    void aDirectoryTheKernelWillNotWatchIsReportedOnceAndTheRestIsWatched(@TempDir Path dir) throws Exception {
        Path w = Files.createDirectory(dir.resolve("w"));
        int levels = (4096 - w.toString().length()) / 201 + 1;   // names of 200 bytes and a slash
        for (int k = levels; k >= 1; k--) {
            Files.createDirectory(dir.resolve(level(k)));
            if (k < levels) {
                Files.move(dir.resolve(level(k + 1)), dir.resolve(level(k)).resolve(level(k + 1)));
            }
        }
        Files.move(dir.resolve(level(1)), w.resolve(level(1)));
        try {
            Run r = watch(w, () -> Files.createFile(w.resolve("ok")),
                    "watch", w.toString(), "--recursive", "--events", "create", "--count", "2");

            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).containsOnlyOnce("UNWATCHED").containsOnlyOnce("(not watched: ENAMETOOLONG)")
                    .contains(level(levels) + "  (not watched").contains("CREATE").contains(w.resolve("ok").toString());
        } finally {
            for (int k = 1; k < levels; k++) {
                Path parent = (k == 1 ? w : dir).resolve(level(k));
                Files.move(parent.resolve(level(k + 1)), dir.resolve(level(k + 1)));
            }
        }
    }

    private static String level(int k) {
        return String.format("%02d", k) + "x".repeat(198);
    }

    @Test
    void aMissingDirectoryFailsWithENOENT(@TempDir Path dir) throws Exception {
        Run r = watch(dir, () -> { }, "watch", dir.resolve("nope").toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("ENOENT").contains("does not exist");
    }

    @Test
    void anUnknownEventIsAUsageError(@TempDir Path dir) throws Exception {
        Run r = watch(dir, () -> { }, "watch", dir.toString(), "--events", "create,explode");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("unknown event 'explode'");
    }
}
