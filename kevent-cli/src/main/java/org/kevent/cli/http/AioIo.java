package org.kevent.cli.http;

import java.nio.ByteBuffer;

import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.net.TcpSocket;

/**
 * {@link HttpIo} of {@code serve --aio}: the connection's bytes move through network AIO requests
 * on the worker's queue instead of nonblocking calls, so {@link HttpProcessor} runs unchanged.
 *
 * <p><b>Semantics</b>: {@link #recv} hands out what the last {@code aioRecv} completion brought
 * and reports "would block" once that is consumed; {@link #send} appends to an output buffer that
 * {@link #flush} sends with one {@code aioSend} after the processor returns, and reports "would
 * block" while a send is in flight (the buffer belongs to that request); {@link #sendFile} sends
 * the buffered head, then the file with {@code aioSendfile}, both queued at once (requests of one
 * direction run in order). The worker posts the next {@code aioRecv} through {@link #wantRecv}
 * only once the input is consumed, which is the back-pressure on a client that pipelines faster
 * than it reads.
 *
 * <p><b>Threading</b>: the worker's thread only.
 */
final class AioIo implements HttpIo {
    private static final int IN_BYTES = 16 * 1024;
    private static final int OUT_BYTES = 16 * 1024;

    final TcpSocket socket;
    final long cookie;
    private final KeventQueue queue;
    private final ByteBuffer in = ByteBuffer.allocateDirect(IN_BYTES);
    private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_BYTES);
    /** Send-side requests in flight (a head and a file count two). */
    int sending;
    boolean receiving;
    boolean endOfStream;
    /** The connection is to close once its sends are done. */
    boolean closing;
    /** Bytes of the current file request, to tell a short (truncated) file from a whole one. */
    private long fileCount;

    AioIo(KeventQueue queue, TcpSocket socket, long cookie) {
        this.queue = queue;
        this.socket = socket;
        this.cookie = cookie;
        in.limit(0);
    }

    @Override
    public int recv(byte[] buf, int off, int len) {
        if (receiving) {
            return 0;   // the input buffer belongs to the receive in flight
        }
        int n = Math.min(len, in.remaining());
        if (n > 0) {
            in.get(buf, off, n);
            return n;
        }
        return endOfStream ? -1 : 0;
    }

    @Override
    public int send(byte[] buf, int off, int len) {
        if (sending > 0) {
            return 0;
        }
        int n = Math.min(len, out.remaining());
        out.put(buf, off, n);
        return n;
    }

    @Override
    public long sendFile(FileBody file, long offset, long count) {
        if (sending > 0) {
            return 0;
        }
        flush();
        fileCount = count;
        queue.aioSendfile(socket, SocketIo.nativeFile(file), offset, count, cookie, 0);
        sending++;
        return count;
    }

    /** Sends what the processor wrote, if anything and if no send is in flight. */
    void flush() {
        if (sending == 0 && out.position() > 0) {
            out.flip();
            queue.aioSend(socket, out, cookie, 0);
            sending++;
        }
    }

    /** @return whether a receive should be posted: input consumed, none in flight, stream open */
    boolean wantRecv() {
        return !receiving && !endOfStream && !in.hasRemaining() && !closing;
    }

    void postRecv() {
        in.clear();
        queue.aioRecv(socket, in, cookie, Kevent.AIO_PARTIAL);
        receiving = true;
    }

    /**
     * A receive completed.
     *
     * @return false if the connection failed
     */
    boolean received(long result) {
        receiving = false;
        if (result < 0) {
            return false;
        }
        if (result == 0) {
            endOfStream = true;
        }
        in.flip();
        return true;
    }

    /**
     * A send or sendfile completed.
     *
     * @return false if the connection failed (an error, or a file shorter than its Content-Length)
     */
    boolean sent(int events, long result) {
        sending--;
        if (result < 0) {
            return false;
        }
        if ((events & Kevent.NAIO_SENDFILE) != 0) {
            return result == fileCount;
        }
        out.clear();
        return true;
    }

    /** @return whether the output buffer holds unsent bytes or a send is in flight */
    boolean busy() {
        return sending > 0 || out.position() > 0;
    }
}
