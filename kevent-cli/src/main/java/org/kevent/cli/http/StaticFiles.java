package org.kevent.cli.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.kevent.net.NativeFile;

/**
 * Maps request paths to regular files under a root directory, so that nothing outside it is
 * reachable.
 *
 * <p><b>Semantics</b>: the path is percent-decoded exactly once ({@link #decodePath}); a decoded
 * NUL, backslash or slash ({@code %2F}), a malformed escape, or a {@code ..} segment (written
 * plainly or as {@code %2e%2e}) is a 400. What remains is always relative to the root: empty and
 * {@code .} segments are dropped, so {@code //tmp/x} names {@code tmp/x} under the root. A
 * directory serves its {@code index.html}. The file is opened beneath the root in one kernel step
 * ({@link NativeFile#openBeneath}: {@code openat2} with {@code RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS}, nonblocking), so no symbolic link below the root is followed — one leading
 * out, or one swapped in while the request is served, is a 404 like a missing file — and only a
 * regular file is served: a FIFO, socket or device is a 404 and never blocks the server.
 *
 * <p><b>Threading</b>: immutable; safe to share between server threads.
 *
 * <p><b>Caveats</b>: symbolic links inside the root are not followed even when they stay inside
 * (that is what makes the open race-free on every kernel); link the root itself instead, which
 * is resolved once at start. {@link #resolve} looks at the path only to name the file (a
 * directory's {@code index.html}); it decides nothing about safety, {@link #open} does.
 */
public final class StaticFiles {
    /** Wraps a file opened beneath the root as the body sent. */
    @FunctionalInterface
    public interface Opener {
        /**
         * @param file a regular file opened beneath the root; the body owns it
         * @return the body
         * @throws IOException if it cannot be used (the caller then closes {@code file})
         */
        FileBody open(NativeFile file) throws IOException;
    }

    /** {@link #decodePath}'s result for a path that must be answered 400. */
    public static final int BAD_PATH = -1;

    private static final String INDEX = "index.html";

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
     * Names the file a decoded path asks for: the path relative to the root, with a directory's
     * {@code index.html}.
     *
     * @param decoded the output of {@link #decodePath}
     * @param length  its length
     * @return the file's path under the root, or null for a path no file can have (answered 404)
     */
    public Path resolve(byte[] decoded, int length) {
        StringBuilder relative = new StringBuilder(length);
        for (String segment : new String(decoded, 0, length, StandardCharsets.UTF_8).split("/")) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                relative.append(relative.isEmpty() ? "" : "/").append(segment);
            }
        }
        try {
            Path file = realRoot.resolve(relative.toString());
            // A hint for the name sent: open() goes beneath the root whatever this finds.
            return Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) ? file.resolve(INDEX) : file;
        } catch (InvalidPathException | SecurityException e) {
            return null;
        }
    }

    /**
     * Opens a file {@link #resolve} named, beneath the root in one step.
     *
     * @param file a path returned by {@link #resolve}
     * @return the open body
     * @throws IOException             if the opener refuses it
     * @throws org.kevent.KeventException if it is missing, not a regular file, or reached through
     *                                 a symbolic link
     */
    public FileBody open(Path file) throws IOException {
        NativeFile f = NativeFile.openBeneath(realRoot, realRoot.relativize(file));
        try {
            return opener.open(f);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }
}
