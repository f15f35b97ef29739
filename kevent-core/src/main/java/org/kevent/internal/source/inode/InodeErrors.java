package org.kevent.internal.source.inode;

import java.nio.file.Path;

import org.kevent.internal.sys.Errno;
import org.kevent.internal.queue.CtlError;

/**
 * The errors of INODE control records, in words that say what to do (docs/SEMANTICS.md §4): the watch
 * and instance limits name their sysctl and its current value.
 */
public final class InodeErrors {
    /** The per-user watch limit. */
    public static final String MAX_WATCHES = "fs.inotify.max_user_watches";
    /** The per-user instance limit. */
    public static final String MAX_INSTANCES = "fs.inotify.max_user_instances";

    private InodeErrors() {
    }

    /**
     * The error of a failed {@code inotify_add_watch}.
     *
     * @param errno      the errno, positive
     * @param path       what was to be watched
     * @param recursive  whether a directory was required
     * @param maxWatches the current {@value #MAX_WATCHES}, -1 if unknown
     * @return the error
     */
    public static CtlError addWatch(int errno, Path path, boolean recursive, long maxWatches) {
        return switch (errno) {
            case Errno.ENOENT -> CtlError.of("ENOENT", path + " does not exist (or is a dangling symbolic link)");
            case Errno.ENOTDIR -> recursive
                    ? CtlError.of("ENOTDIR", path + " is not a directory: a recursive INODE interest needs one")
                    : CtlError.of("ENOTDIR", "a component of " + path + " is not a directory");
            case Errno.EACCES -> CtlError.of("EACCES", path + ": permission denied (inotify needs read permission on it)");
            case Errno.ENOSPC -> CtlError.of("ENOSPC", "the inotify watch limit is reached while watching " + path
                    + ": " + MAX_WATCHES + " = " + (maxWatches < 0 ? "?" : Long.toString(maxWatches))
                    + " for this user; raise it with sysctl -w " + MAX_WATCHES + "=N");
            default -> CtlError.of(Errno.name(errno), Errno.message(errno) + " (inotify_add_watch on " + path + ")");
        };
    }

    /**
     * The error of a failed {@code inotify_init1}.
     *
     * @param errno        the errno, positive
     * @param maxInstances the current {@value #MAX_INSTANCES}, -1 if unknown
     * @return the error
     */
    public static CtlError init(int errno, long maxInstances) {
        if (errno == Errno.EMFILE) {
            return CtlError.of("EMFILE", "the inotify instance limit is reached: " + MAX_INSTANCES + " = "
                    + (maxInstances < 0 ? "?" : Long.toString(maxInstances))
                    + " for this user (or the process is out of file descriptors); raise it with sysctl -w "
                    + MAX_INSTANCES + "=N");
        }
        return CtlError.of(Errno.name(errno), Errno.message(errno) + " (inotify_init1)");
    }
}
