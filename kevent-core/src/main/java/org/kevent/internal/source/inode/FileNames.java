package org.kevent.internal.source.inode;

import java.nio.charset.Charset;

/**
 * How file names turn into bytes and back, as the JDK turns them for the operating system
 * ({@code sun.jnu.encoding}): the names of INODE events and the paths handed to a watch facility
 * use it on both engines. It lives here, not with the inotify binding, so that the INODE kind and
 * {@code EventBuffer.name} load no binding class on the portable engine (docs/SEMANTICS.md §10).
 */
public final class FileNames {
    /** The charset the JDK uses for file names, for paths and entry names. */
    public static final Charset CHARSET = fileNameCharset();

    private FileNames() {
    }

    private static Charset fileNameCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException unsupported) {
            return Charset.defaultCharset();
        }
    }
}
