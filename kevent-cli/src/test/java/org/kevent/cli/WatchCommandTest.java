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
