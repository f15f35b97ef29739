package org.kevent.cli.http;

/**
 * The three socket calls a connection needs, so {@link HttpProcessor} runs unchanged on a real
 * nonblocking socket and on in-memory buffers in tests.
 *
 * <p><b>Semantics</b> (those of a nonblocking socket): a call never blocks; 0 means "would block",
 * and the caller waits for readiness. Failures (reset, broken pipe) are thrown or returned as a
 * negative count; either way the connection is closed.
 */
public interface HttpIo {
    /**
     * @return bytes received (> 0), 0 if it would block, -1 at end of stream
     */
    int recv(byte[] buf, int off, int len);

    /**
     * @return bytes sent (> 0), 0 if it would block, negative on failure
     */
    int send(byte[] buf, int off, int len);

    /**
     * Sends {@code count} bytes of {@code file} from {@code offset} (sendfile).
     *
     * @return bytes sent (> 0), 0 if it would block, negative on failure
     */
    long sendFile(FileBody file, long offset, long count);
}
