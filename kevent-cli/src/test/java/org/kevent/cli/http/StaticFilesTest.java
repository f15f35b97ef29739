package org.kevent.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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
    void aSymlinkStayingInsideIsServed() {
        assertThat(get("/inside.txt").body()).isEqualTo("ok");
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
