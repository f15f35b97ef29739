package org.kevent.internal.source.inode;

import java.nio.file.Path;

import org.kevent.internal.sys.Errno;
import org.kevent.internal.queue.CtlError;

/**
 * The errors of INODE control records, in words that say what to do (docs/SEMANTICS.md §4): the watch
 * and instance limits name their sysctl and its current value.
 *
 * <p>The names and messages of the other errnos come from a table of the ones the watch calls
 * document, not from {@code internal.sys}: the portable engine runs this code where loading a
 * binding class fails (docs/SEMANTICS.md §10).
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
            default -> named(errno, "inotify_add_watch on " + path);
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
        return named(errno, "inotify_init1");
    }

    /**
     * The error of a failed registration of the instance's descriptor with the queue's poller.
     *
     * @param errno the errno, positive
     * @return the error
     */
    public static CtlError watchInstance(int errno) {
        return named(errno, "epoll_ctl of the inotify descriptor");
    }

    /** @return the error named by its errno, its message followed by the call in parentheses */
    private static CtlError named(int errno, String call) {
        String[] e = switch (errno) {
            case Errno.EPERM -> new String[] {"EPERM", "Operation not permitted"};
            case Errno.ENOENT -> new String[] {"ENOENT", "No such file or directory"};
            case Errno.EIO -> new String[] {"EIO", "Input/output error"};
            case Errno.EBADF -> new String[] {"EBADF", "Bad file descriptor"};
            case Errno.ENOMEM -> new String[] {"ENOMEM", "Cannot allocate memory"};
            case Errno.EACCES -> new String[] {"EACCES", "Permission denied"};
            case Errno.EFAULT -> new String[] {"EFAULT", "Bad address"};
            case Errno.EEXIST -> new String[] {"EEXIST", "File exists"};
            case Errno.ENOTDIR -> new String[] {"ENOTDIR", "Not a directory"};
            case Errno.EINVAL -> new String[] {"EINVAL", "Invalid argument"};
            case Errno.ENFILE -> new String[] {"ENFILE", "Too many open files in system"};
            case Errno.EMFILE -> new String[] {"EMFILE", "Too many open files"};
            case Errno.ENOSPC -> new String[] {"ENOSPC", "No space left on device"};
            case Errno.ENAMETOOLONG -> new String[] {"ENAMETOOLONG", "File name too long"};
            case Errno.ELOOP -> new String[] {"ELOOP", "Too many levels of symbolic links"};
            case Errno.EOPNOTSUPP -> new String[] {"EOPNOTSUPP", "Operation not supported"};
            default -> new String[] {"errno " + errno, "Unknown error " + errno};
        };
        return CtlError.of(e[0], e[1] + " (" + call + ")");
    }
}
