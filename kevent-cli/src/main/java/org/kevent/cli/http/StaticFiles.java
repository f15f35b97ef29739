package org.kevent.cli.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Maps request paths to regular files under a root directory, so that nothing outside it is
 * reachable.
 *
 * <p><b>Semantics</b>: the path is percent-decoded exactly once ({@link #decodePath}); a decoded
 * NUL, backslash or slash ({@code %2F}), a malformed escape, or a {@code ..} segment (written
 * plainly or as {@code %2e%2e}) is a 400. The remaining path is resolved with symbolic links
 * followed ({@link Path#toRealPath}) and must still lie under the root's own real path, so a
 * symlink leading out is a 404 like a missing file. A directory serves its {@code index.html}.
 *
 * <p><b>Threading</b>: immutable; safe to share between server threads.
 *
 * <p><b>Caveats</b>: the check and the open are two steps; a file swapped for a symlink in between
 * is opened through the link. Guarding against a hostile local writer under the root would need
 * {@code openat2(RESOLVE_BENEATH)}.
 */
public final class StaticFiles {
    /** Opens a checked, real, regular file for sending. */
    @FunctionalInterface
    public interface Opener {
        /**
         * @param realFile a real path under the root
         * @return the open body
         * @throws IOException if it cannot be opened
         */
        FileBody open(Path realFile) throws IOException;
    }

    /** {@link #decodePath}'s result for a path that must be answered 400. */
    public static final int BAD_PATH = -1;

    private final Path realRoot;
    private final Opener opener;

    /**
     * @param root   the directory to serve
     * @param opener how files are opened (native for sendfile, or a channel in tests)
     * @throws IOException if the root does not exist or is not a directory
     */
    public StaticFiles(Path root, Opener opener) throws IOException {
        this.realRoot = root.toRealPath();
        if (!Files.isDirectory(realRoot)) {
            throw new IOException("--root is not a directory: " + root);
        }
        this.opener = opener;
    }

    /** @return the root, symlinks resolved */
    public Path root() {
        return realRoot;
    }

    /**
     * Percent-decodes the path part of a request target (up to {@code ?}) once, into {@code out}.
     *
     * @param buf  the request bytes
     * @param from the target's start, which must be {@code '/'}, or {@code to} for "/"
     * @param to   the target's end
     * @param out  at least {@code to - from} bytes
     * @return the decoded length, or {@link #BAD_PATH}
     */
    public static int decodePath(byte[] buf, int from, int to, byte[] out) {
        if (from == to) {
            out[0] = '/';   // the absolute form's empty path (http://host)
            return 1;
        }
        if (buf[from] != '/') {
            return BAD_PATH;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (b == '?') {
                break;
            }
            if (b == '%') {
                if (i + 2 >= to) {
                    return BAD_PATH;
                }
                int hi = hex(buf[i + 1]);
                int lo = hex(buf[i + 2]);
                if (hi < 0 || lo < 0) {
                    return BAD_PATH;
                }
                b = (byte) (hi << 4 | lo);
                if (b == '/') {
                    return BAD_PATH;   // an encoded slash would hide a segment boundary from the check
                }
                i += 2;
            }
            if (b == 0 || b == '\\' || b == '#') {
                return BAD_PATH;
            }
            out[n++] = b;
        }
        return hasDotDotSegment(out, n) ? BAD_PATH : n;
    }

    private static boolean hasDotDotSegment(byte[] path, int n) {
        int segStart = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || path[i] == '/') {
                if (i - segStart == 2 && path[segStart] == '.' && path[segStart + 1] == '.') {
                    return true;
                }
                segStart = i + 1;
            }
        }
        return false;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int l = b | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    /**
     * Finds the regular file a decoded path names.
     *
     * @param decoded the output of {@link #decodePath}
     * @param length  its length
     * @return the file's real path under the root, or null (answered 404)
     */
    public Path resolve(byte[] decoded, int length) {
        String rel = new String(decoded, 1, length - 1, StandardCharsets.UTF_8);
        try {
            Path real = realRoot.resolve(rel).toRealPath();
            if (!real.startsWith(realRoot)) {
                return null;
            }
            if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
                real = real.resolve("index.html").toRealPath();
                if (!real.startsWith(realRoot)) {
                    return null;
                }
            }
            return Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? real : null;
        } catch (IOException | InvalidPathException | SecurityException e) {
            return null;
        }
    }

    /**
     * @param realFile a path returned by {@link #resolve}
     * @return the open file
     * @throws IOException if it vanished or cannot be read
     */
    public FileBody open(Path realFile) throws IOException {
        return opener.open(realFile);
    }
}
