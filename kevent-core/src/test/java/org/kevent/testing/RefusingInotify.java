package org.kevent.testing;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.kevent.internal.linux.LinuxInotify;
import org.kevent.internal.source.inode.InodeBackend;

/**
 * The real inotify, except that {@code inotify_add_watch} of chosen paths fails with a chosen
 * errno. Tests run as root, where permission bits never give {@code EACCES}: this is how a tree
 * with an unreadable directory is made deterministic.
 */
public final class RefusingInotify implements InodeBackend {
    private final LinuxInotify real = new LinuxInotify();
    private final Map<String, Integer> refused = new ConcurrentHashMap<>();

    /** From now on, watching {@code path} fails with {@code errno}. */
    public RefusingInotify refuse(Path path, int errno) {
        refused.put(path.toString(), errno);
        return this;
    }

    @Override
    public int open() {
        return real.open();
    }

    @Override
    public int addWatch(int fd, String path, int mask) {
        Integer errno = refused.get(path);
        return errno != null ? -errno : real.addWatch(fd, path, mask);
    }

    @Override
    public int removeWatch(int fd, int wd) {
        return real.removeWatch(fd, wd);
    }

    @Override
    public int read(int fd) {
        return real.read(fd);
    }

    @Override
    public int wd(int at) {
        return real.wd(at);
    }

    @Override
    public int mask(int at) {
        return real.mask(at);
    }

    @Override
    public long cookie(int at) {
        return real.cookie(at);
    }

    @Override
    public int nameLength(int at) {
        return real.nameLength(at);
    }

    @Override
    public void copyName(int at, int length, byte[] dst, int off) {
        real.copyName(at, length, dst, off);
    }

    @Override
    public int next(int at) {
        return real.next(at);
    }

    @Override
    public void close(int fd) {
        real.close(fd);
    }

    @Override
    public long limit(String sysctl) {
        return real.limit(sysctl);
    }
}
