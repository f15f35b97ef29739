package org.kevent.internal.portable;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

import org.kevent.KeventException;

/**
 * What lies under a {@code NativeFile} opened on the portable engine: a read-only
 * {@link FileChannel}, sent from with {@link FileChannel#transferTo} (docs/SEMANTICS.md §10).
 *
 * <h2>Caveats</h2>
 * The JDK cannot open without following a symbolic link anywhere on the path, nor tell the type
 * of what it opened: the file's type is read from the path just before it is opened (a FIFO is
 * never opened, so the open cannot wait for a writer), and {@link #openBeneath} checks each
 * component below the root for a symbolic link before it opens the last one without following
 * it. A swap made between the check and the open is not seen, which the Linux engine's one-step
 * {@code openat2} rules out.
 */
public final class PortableFile {
    /** {@code S_IFMT} and the types of {@code st_mode}, as the "unix" attribute view gives it where there is one. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    private PortableFile() {
    }

    /**
     * Opens a regular file for reading, following symbolic links.
     *
     * @throws KeventException naming {@code open}: {@code ENOENT}, {@code EACCES}, {@code EISDIR}
     *                         for a directory, {@code EINVAL} for another type, ...
     */
    public static FileChannel open(Path path) {
        return openRegular(path, path.toString());
    }

    /**
     * Opens a regular file below a directory, following no symbolic link below it (see the
     * caveats: checked, not atomic).
     *
     * @param relative not absolute, no {@code ..} component (the caller checked)
     * @throws KeventException naming {@code open}, {@code ELOOP} for a symbolic link below the root
     */
    public static FileChannel openBeneath(Path root, Path relative) {
        if (relative.toString().isEmpty()) {
            // As openat2 with an empty path: nothing is named below the root.
            throw PortableErrors.exception("open", PortableErrors.ENOENT, "an empty path beneath " + root, null);
        }
        Path at = root;
        for (Path name : relative) {
            at = at.resolve(name);
            if (Files.isSymbolicLink(at)) {
                throw PortableErrors.exception("open", PortableErrors.ELOOP, relative + " beneath " + root
                        + " (a symbolic link: none is followed beneath the root)", null);
            }
        }
        return openRegular(at, relative + " beneath " + root, LinkOption.NOFOLLOW_LINKS);
    }

    private static FileChannel openRegular(Path path, String what, LinkOption... links) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, links);
        } catch (IOException e) {
            throw failed(e, what);
        }
        if (!attributes.isRegularFile()) {
            String type = attributes.isDirectory() ? "directory" : attributes.isSymbolicLink() ? "symbolic link"
                    : specialType(path);
            throw new KeventException("open", attributes.isDirectory() ? "EISDIR" : "EINVAL", path + " is a "
                    + type + ", not a regular file: a NativeFile is a regular file");
        }
        try {
            return links.length == 0 ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw failed(e, what);
        }
    }

    /** @return what a file that is neither regular, a directory nor a link is, as far as the platform tells */
    private static String specialType(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (IOException | RuntimeException noUnixView) {
            return "special file (FIFO, socket or device)";
        }
        return switch (mode & S_IFMT) {
            case S_IFIFO -> "FIFO";
            case S_IFCHR -> "character device";
            case S_IFBLK -> "block device";
            case S_IFSOCK -> "socket";
            default -> "file of type 0" + Integer.toOctalString(mode & S_IFMT);
        };
    }

    private static KeventException failed(IOException e, String what) {
        return PortableErrors.exception("open", e, what);
    }

    /**
     * @return the file's size now
     * @throws KeventException naming {@code size} and {@code EBADF} once closed
     */
    public static long size(FileChannel file, Path path) {
        try {
            return file.size();
        } catch (IOException e) {
            throw PortableErrors.exception("size", e, path.toString());
        }
    }
}
