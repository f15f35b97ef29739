package org.kevent.netty;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Objects;

import org.kevent.net.NativeFile;
import org.kevent.net.TcpSocket;

/**
 * A {@link FileRegion} that a {@link KeventSocketChannel} sends with {@code sendfile(2)}: the file's
 * bytes go from the page cache to the socket without passing through the JVM. Netty's
 * {@code DefaultFileRegion} holds a {@code FileChannel}, whose descriptor the JDK does not hand out,
 * so a kevent channel can only copy it; this region opens the file itself ({@link NativeFile}).
 *
 * <h2>Semantics</h2>
 * The region is {@code count} bytes from {@code position}; the file is opened at construction (a
 * regular file only, as {@link NativeFile#open} requires) and closed when the region is released
 * (Netty releases it once written or failed). A file shorter than the region makes the write fail
 * with an IOException once its end is reached. Written to another channel type, it copies through
 * {@link #transferTo}.
 */
public final class KeventFileRegion extends AbstractReferenceCounted implements FileRegion {
    private final NativeFile file;
    private final long position;
    private final long count;
    private long transferred;

    /**
     * Opens {@code path} for a region of {@code count} bytes from {@code position}.
     *
     * @param path     a regular file
     * @param position where the region starts in the file, not negative
     * @param count    how many bytes, not negative
     * @throws org.kevent.KeventException naming {@code open} and the errno if the file cannot be
     *                                    opened, or is not a regular file
     * @throws IllegalArgumentException   if position or count is negative
     */
    public KeventFileRegion(Path path, long position, long count) {
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("negative position " + position + " or count " + count);
        }
        this.file = NativeFile.open(Objects.requireNonNull(path, "path"));
        this.position = position;
        this.count = count;
    }

    /** Sends the next bytes of the region with {@code sendfile}; returns how many were taken. */
    long sendTo(TcpSocket socket) throws IOException {
        long n = socket.sendfile(file, position + transferred, count - transferred);
        if (n == 0 && transferred < count && position + transferred >= file.size()) {
            throw new IOException("file " + file.path() + " ends at " + file.size() + ", before the region's "
                    + (position + count));
        }
        transferred += n;
        return n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return count;
    }

    /** Copies through the JVM: for channels other than {@link KeventSocketChannel}. */
    @Override
    public long transferTo(WritableByteChannel target, long offset) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file.path())) {
            long n = ch.transferTo(position + offset, count - offset, target);
            if (n > 0) {
                transferred += n;
            }
            return n;
        }
    }

    @Override
    protected void deallocate() {
        file.close();
    }

    @Override
    public KeventFileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public KeventFileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public KeventFileRegion touch() {
        return this;
    }

    @Override
    public KeventFileRegion touch(Object hint) {
        return this;
    }
}
