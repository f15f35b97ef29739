package org.kevent.internal.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.kevent.internal.sys.Fd;
import org.kevent.internal.sys.Inotify;
import org.kevent.internal.sys.InotifyBuffer;
import org.kevent.internal.source.inode.FileNames;
import org.kevent.internal.source.inode.InodeBackend;

/**
 * The inotify backend of INODE interests: one instance per queue, its records read into an
 * {@link InotifyBuffer} allocated with the instance.
 *
 * <p><b>Threading:</b> see {@link InodeBackend}: the queue lock serialises every call.
 */
public final class LinuxInotify implements InodeBackend {
    private InotifyBuffer buffer;

    @Override
    public int open() {
        int fd = Inotify.init1(Inotify.IN_CLOEXEC | Inotify.IN_NONBLOCK);
        if (fd >= 0 && buffer == null) {
            buffer = new InotifyBuffer(InotifyBuffer.DEFAULT_SIZE);
        }
        return fd;
    }

    @Override
    public int addWatch(int fd, String path, int mask) {
        return Inotify.addWatch(fd, path.getBytes(FileNames.CHARSET), mask);
    }

    @Override
    public int removeWatch(int fd, int wd) {
        return Inotify.rmWatch(fd, wd);
    }

    @Override
    public int read(int fd) {
        return buffer.read(fd);
    }

    @Override
    public int wd(int at) {
        return buffer.wd(at);
    }

    @Override
    public int mask(int at) {
        return buffer.mask(at);
    }

    @Override
    public long cookie(int at) {
        return buffer.cookie(at);
    }

    @Override
    public int nameLength(int at) {
        return buffer.nameLength(at);
    }

    @Override
    public void copyName(int at, int length, byte[] dst, int off) {
        buffer.copyName(at, length, dst, off);
    }

    @Override
    public int next(int at) {
        return buffer.next(at);
    }

    @Override
    public void close(int fd) {
        Fd.close(fd);
        if (buffer != null) {
            buffer.close();
            buffer = null;
        }
    }

    @Override
    public long limit(String sysctl) {
        // One read of the whole value: a sysctl file returns end-of-file to a read at a non-zero
        // offset, so Files.readString (which may read a byte first) sees only "1" of "16384".
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/" + sysctl.replace('.', '/')))) {
            byte[] buf = new byte[64];
            int n = in.read(buf);
            return Long.parseLong(new String(buf, 0, Math.max(0, n), StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
