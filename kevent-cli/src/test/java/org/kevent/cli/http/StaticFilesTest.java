package org.kevent.cli.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.kevent.KeventException;

class StaticFilesTest {
    @TempDir
    Path dir;

    private Path root;
    private HttpProcessor processor;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("secret.txt"), "SECRET");
        Files.createDirectories(dir.resolve("outside"));
        Files.writeString(dir.resolve("outside/also-secret.txt"), "SECRET");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/ok.txt"), "ok");
        Files.writeString(root.resolve("%2e%2e"), "literal name");
        Files.createSymbolicLink(root.resolve("leak.txt"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("leakdir"), dir.resolve("outside"));
        Files.createSymbolicLink(root.resolve("inside.txt"), root.resolve("sub/ok.txt"));
        processor = new HttpProcessor(new StaticFiles(root, MemoryIo.ChannelFile::new));
    }

    private Exchange.Response get(String target) {
        return Exchange.send(processor, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").only();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt", "/.%2e/secret.txt", "/%2e./secret.txt", "/..", "/sub%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt", "/sub\\..\\..\\secret.txt", "/sub/ok.txt%00", "/%zz", "/abc%4", "/a#b"})
    void traversalAndBadEncodingsAreRejectedWith400(String target) {
        Exchange.Response r = get(target);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("SECRET");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/leak.txt", "/leakdir/also-secret.txt", "/leakdir/", "/missing.txt", "/sub/missing"})
    void symlinksLeadingOutAndMissingFilesAre404(String target) {
        Exchange.Response r = get(target);

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("SECRET");
    }

    @Test
    void aSymlinkIsNotFollowedEvenWhenItStaysInside() {
        // Following none is what keeps the open race-free (and identical on kernels without openat2).
        Exchange.Response r = get("/inside.txt");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("ok");
    }

    /** What the server does for a request: decode, then resolve, with the server's native opener. */
    private static Path resolve(StaticFiles files, String target) {
        byte[] in = target.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length + 1];
        int n = StaticFiles.decodePath(in, 0, in.length, out);
        assertThat(n).as("decodes").isNotEqualTo(StaticFiles.BAD_PATH);
        return files.resolve(out, n);
    }

    /**
     * The first half of the race of issue 12, made deterministic: a regular file is resolved, then
     * removed, so that the test can swap something in before the open.
     */
    private Path resolveThenRemove(StaticFiles files, String name) throws IOException {
        Files.writeString(root.resolve(name), "public");
        Path resolved = resolve(files, "/" + name);
        assertThat(resolved).isEqualTo(root.toRealPath().resolve(name));
        Files.delete(root.resolve(name));
        return resolved;
    }

    @Test
    void aFileSwappedForASymlinkLeadingOutAfterResolveIsNotOpened() throws IOException {
        StaticFiles files = new StaticFiles(root, SocketIo::open);
        Path resolved = resolveThenRemove(files, "swap.txt");
        Files.createSymbolicLink(root.resolve("swap.txt"), dir.resolve("secret.txt"));

        assertThatThrownBy(() -> files.open(resolved).close())
                .isInstanceOfSatisfying(KeventException.class, e -> assertThat(e.errorName()).isEqualTo("ELOOP"));
    }

    @Test
    void aDirectorySwappedForASymlinkLeadingOutAfterResolveIsNotOpened() throws IOException {
        StaticFiles files = new StaticFiles(root, SocketIo::open);
        Files.writeString(dir.resolve("outside/ok.txt"), "SECRET");
        Path resolved = resolve(files, "/sub/ok.txt");
        assertThat(resolved).isNotNull();
        Files.move(root.resolve("sub"), dir.resolve("moved-away"));
        Files.createSymbolicLink(root.resolve("sub"), dir.resolve("outside"));

        assertThatThrownBy(() -> files.open(resolved).close()).isInstanceOf(KeventException.class);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFileSwappedForAFifoAfterResolveIsRefusedWithoutBlocking() throws Exception {
        StaticFiles files = new StaticFiles(root, SocketIo::open);
        Path resolved = resolveThenRemove(files, "swap.txt");
        Process p = new ProcessBuilder("mkfifo", root.resolve("swap.txt").toString()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("mkfifo").isTrue();

        assertThatThrownBy(() -> files.open(resolved).close())
                .isInstanceOfSatisfying(KeventException.class, e -> assertThat(e.errorName()).isEqualTo("EINVAL"))
                .hasMessageContaining("FIFO");
        assertThat(get("/swap.txt").status()).as("a request for it").isEqualTo(404);
    }

    @Test
    void aRequestPathIsAlwaysRelativeToTheRoot() throws IOException {
        Files.createDirectories(root.resolve("tmp"));
        Files.writeString(root.resolve("tmp/x.txt"), "under the root");

        assertThat(get("//sub/ok.txt").body()).isEqualTo("ok");
        assertThat(get("//tmp/x.txt").body()).isEqualTo("under the root");
        assertThat(get("///" + dir.resolve("secret.txt")).status()).isEqualTo(404);
        assertThat(get("/sub//ok.txt").body()).isEqualTo("ok");
    }

    @Test
    void aDirectoryServesItsIndexWithOrWithoutTheSlash() throws IOException {
        Files.writeString(root.resolve("sub/index.html"), "<p>sub</p>");

        for (String target : new String[] {"/sub", "/sub/", "//sub//"}) {
            Exchange.Response r = get(target);
            assertThat(r.body()).as(target).isEqualTo("<p>sub</p>");
            assertThat(r.header("Content-Type")).as(target).startsWith("text/html");
        }
        assertThat(get("/leakdir").status()).as("a link to a directory is not followed").isEqualTo(404);
    }

    @Test
    void percentEncodingIsDecodedExactlyOnce() {
        assertThat(get("/%252e%252e").body()).isEqualTo("literal name");
        assertThat(get("/s%75b/ok.txt").body()).isEqualTo("ok");
        assertThat(get("/sub/ok.txt?x=../../secret.txt").body()).isEqualTo("ok");
    }

    @ParameterizedTest
    @CsvSource({
        "a.html, text/html; charset=utf-8", "a.HTM, text/html; charset=utf-8", "a.css, text/css; charset=utf-8",
        "a.js, text/javascript; charset=utf-8", "a.json, application/json", "a.txt, text/plain; charset=utf-8",
        "a.png, image/png", "a.jpg, image/jpeg", "a.jpeg, image/jpeg", "a.svg, image/svg+xml", "a.ico, image/x-icon",
        "a.wasm, application/wasm", "a.pdf, application/pdf", "a.bin, application/octet-stream",
        "noext, application/octet-stream", "trailing., application/octet-stream", ".hidden, application/octet-stream"})
    void contentTypeFollowsTheExtension(String name, String type) throws IOException {
        Files.writeString(root.resolve(name), "x");

        Exchange.Response r = get("/" + name);

        assertThat(ContentTypes.of(name)).isEqualTo(type);
        assertThat(r.header("Content-Type")).isEqualTo(type);
        assertThat(r.header("Content-Length")).isEqualTo("1");
    }
}
