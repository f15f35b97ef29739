package org.kevent.internal.source.inode;

/**
 * What {@link InodeKind} needs from the kernel: an inotify instance, its watches, and a cursor
 * over the records of the last read. Implemented on inotify by
 * {@code org.kevent.internal.linux.LinuxInotify}; every method returns {@code -errno} on failure.
 *
 * <p><b>Threading:</b> called with the queue lock held only.
 */
public interface InodeBackend {
    /** @return a new nonblocking, close-on-exec inotify descriptor, or {@code -errno} */
    int open();

    /**
     * @param fd   the inotify descriptor
     * @param path the path
     * @param mask {@code IN_*} bits and flags
     * @return the watch descriptor, or {@code -errno}
     */
    int addWatch(int fd, String path, int mask);

    /** @return 0 or {@code -errno} */
    int removeWatch(int fd, int wd);

    /**
     * Reads queued records into the backend's buffer.
     *
     * @return bytes read, or {@code -errno} ({@code -EAGAIN}: none)
     */
    int read(int fd);

    /** @return the watch descriptor of the record at {@code at} of the last read */
    int wd(int at);

    /** @return its {@code IN_*} mask */
    int mask(int at);

    /** @return its cookie */
    long cookie(int at);

    /** @return its name's length (0: none) */
    int nameLength(int at);

    /** Copies its name into {@code dst} at {@code off}. */
    void copyName(int at, int length, byte[] dst, int off);

    /** @return the offset of the next record */
    int next(int at);

    /** Closes the descriptor and frees the buffer; called once. */
    void close(int fd);

    /**
     * Reads a kernel limit for an error message.
     *
     * @param sysctl e.g. {@code "fs.inotify.max_user_watches"}
     * @return its value, or -1 if it cannot be read
     */
    long limit(String sysctl);
}
