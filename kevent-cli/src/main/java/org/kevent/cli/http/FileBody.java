package org.kevent.cli.http;

/**
 * An open regular file being sent as a response body. The server's implementation wraps a native
 * file handed to {@code sendfile}; tests use a {@link java.nio.channels.FileChannel}.
 */
public interface FileBody extends AutoCloseable {
    /** @return the file's size when it was opened: the Content-Length sent */
    long size();

    /** Releases the file; never throws. */
    @Override
    void close();
}
