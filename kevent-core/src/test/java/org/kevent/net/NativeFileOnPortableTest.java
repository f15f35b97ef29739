package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.kevent.KeventException;
import org.kevent.OnPortableEngine;

/**
 * {@link NativeFileTest}'s rules for files opened on the portable engine (a {@code FileChannel},
 * docs/SEMANTICS.md §10). The checks are the same; they are made on the path before the open
 * rather than in one kernel step.
 */
class NativeFileOnPortableTest extends NativeFileTest implements OnPortableEngine {

    @Test
    @Disabled("portable engine: there is no openat2; the refusal names open"
            + " (aFileSwappedForASymbolicLinkIsRefusedNamingOpenAndEloop)")
    @Override
    void aFileSwappedForASymbolicLinkLeadingOutIsNotOpenedBeneathTheRoot() {
    }

    @Test
    void aFileSwappedForASymbolicLinkIsRefusedNamingOpenAndEloop() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path secret = Files.writeString(dir.resolve("secret.txt"), "SECRET");
        Path file = root.resolve("page.txt");
        Files.createSymbolicLink(file, secret);

        assertThatThrownBy(() -> NativeFile.openBeneath(root, Path.of("page.txt")))
                .isInstanceOfSatisfying(KeventException.class, e -> {
                    assertThat(e.call()).isEqualTo("open");
                    assertThat(e.errorName()).isEqualTo("ELOOP");
                })
                .hasMessageContaining("symbolic link");
    }

    @Test
    void aFileOfOneEngineIsRefusedBySocketsOfTheOtherWithEinval() throws IOException {
        Path file = Files.writeString(dir.resolve("f.txt"), "hello");
        String before = System.getProperty("kevent.engine");
        NativeFile nativeFile;
        System.setProperty("kevent.engine", "linux");
        try {
            nativeFile = NativeFile.open(file);
        } finally {
            System.setProperty("kevent.engine", before);
        }
        try (Loopback p = Loopback.open(); NativeFile portableFile = NativeFile.open(file); nativeFile) {
            assertThatThrownBy(() -> p.client.sendfile(nativeFile, 0, 5))
                    .isInstanceOfSatisfying(KeventException.class, e -> {
                        assertThat(e.call()).isEqualTo("sendfile");
                        assertThat(e.errorName()).isEqualTo("EINVAL");
                        assertThat(e.getMessage()).contains("linux engine's file", "portable engine");
                    });
            assertThat(p.client.sendfile(portableFile, 0, 5)).isEqualTo(5);
            assertThat(Loopback.readExactly(p.server, 5)).isEqualTo("hello".getBytes());
        }
    }
}
