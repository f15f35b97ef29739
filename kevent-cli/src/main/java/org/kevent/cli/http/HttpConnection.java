package org.kevent.cli.http;

/**
 * What one connection keeps between events: only what could not be finished at once.
 *
 * <p><b>Semantics</b>: on the common path a connection owns no buffers at all: its bytes are
 * parsed and answered in the {@link HttpProcessor}'s per-thread buffers. Only an incomplete
 * request (split across reads), unsent response bytes (the socket's send buffer was full), a
 * file still being sent, or a request body still being skipped are kept here, in arrays
 * allocated the first time they are needed and reused afterwards.
 *
 * <p><b>Threading</b>: used by the one thread that owns its queue.
 */
public final class HttpConnection {
    final HttpIo io;
    private byte[] keptIn;
    private int keptInLength;
    private byte[] keptOut;
    private int keptOutPos;
    private int keptOutLength;
    FileBody file;
    long fileOffset;
    long fileRemaining;
    long skipBody;
    /** Bytes of the kept, incomplete head already known to hold no end of head; 0 when none. */
    int headScanned;
    boolean closeAfterFlush;
    /** Whether the server loop last registered SEND interest for it. */
    boolean waitingForSend;
    /** Requests whose head was taken (answered, or answered and closing): the server's progress check. */
    int requests;
    /** {@link Deadlines}: which list it is in, since when, and its neighbours there. */
    byte dueList;
    long dueSince;
    HttpConnection duePrev;
    HttpConnection dueNext;

    /**
     * @param io the connection's socket calls
     */
    public HttpConnection(HttpIo io) {
        this.io = io;
    }

    /** @return the socket calls this connection was created with */
    public HttpIo io() {
        return io;
    }

    /** @return whether the last {@link HttpProcessor#serve} left bytes or a file waiting to be sent */
    public boolean hasPendingOutput() {
        return keptOutLength > keptOutPos || file != null;
    }

    /** @return whether the server loop last asked for SEND readiness */
    public boolean waitingForSend() {
        return waitingForSend;
    }

    /** @param waiting whether the server loop now has SEND interest registered */
    public void waitingForSend(boolean waiting) {
        this.waitingForSend = waiting;
    }

    /** @return whether part of a request (a head, or a body being skipped) has arrived and waits for the rest */
    boolean readingRequest() {
        return keptInLength > 0 || skipBody > 0;
    }

    /** Releases the open file, if any. The socket is the caller's to close. */
    public void release() {
        if (file != null) {
            file.close();
            file = null;
        }
        keptOut = null;
        keptIn = null;
        keptInLength = keptOutLength = keptOutPos = 0;
    }

    int takeInput(byte[] into) {
        int n = keptInLength;
        if (n > 0) {
            System.arraycopy(keptIn, 0, into, 0, n);
            keptInLength = 0;
        }
        return n;
    }

    void keepInput(byte[] from, int start, int end) {
        int n = end - start;
        if (n > 0) {
            if (keptIn == null || keptIn.length < n) {
                keptIn = new byte[Math.max(n, 1024)];
            }
            System.arraycopy(from, start, keptIn, 0, n);
        }
        keptInLength = n;
    }

    void keepOutput(byte[] from, int start, int end) {
        int n = end - start;
        if (keptOut == null || keptOut.length < n) {
            keptOut = new byte[Math.max(n, 4096)];
        }
        System.arraycopy(from, start, keptOut, 0, n);
        keptOutPos = 0;
        keptOutLength = n;
    }

    /** @return the result of sending the kept bytes: {@code 1} all sent, {@code 0} would block, -1 failed */
    int sendKeptOutput() {
        while (keptOutPos < keptOutLength) {
            int n = io.send(keptOut, keptOutPos, keptOutLength - keptOutPos);
            if (n <= 0) {
                return n == 0 ? 0 : -1;
            }
            keptOutPos += n;
        }
        keptOutPos = keptOutLength = 0;
        return 1;
    }

    /** @return {@code 1} the file is sent (and closed), {@code 0} would block, -1 failed */
    int sendFileRest() {
        while (fileRemaining > 0) {
            long n = io.sendFile(file, fileOffset, fileRemaining);
            if (n <= 0) {
                return n == 0 ? 0 : -1;
            }
            fileOffset += n;
            fileRemaining -= n;
        }
        file.close();
        file = null;
        return 1;
    }
}
