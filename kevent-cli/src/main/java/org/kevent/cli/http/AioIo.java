package org.kevent.cli.http;

import java.nio.ByteBuffer;

import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.net.TcpSocket;

/**
 * {@link HttpIo} of {@code serve --aio}: the connection's bytes move through network AIO requests
 * on the worker's queue instead of nonblocking calls, so {@link HttpProcessor} runs unchanged.
 *
 * <p><b>Semantics</b>: one {@code aioRecvMultishot} request receives for the connection's life;
 * its arrivals (buffers lent by the queue) wait here in order, {@link #recv} copies from them and
 * gives each buffer back as soon as it is consumed, and reports "would block" once all are;
 * {@link #send} appends to an output buffer that
 * {@link #flush} sends with one {@code aioSend} after the processor returns, and reports "would
 * block" while a send is in flight (the buffer belongs to that request); {@link #sendFile} sends
 * the buffered head, then the file with {@code aioSendfile}, both queued at once (requests of one
 * direction run in order). Back-pressure on a client that pipelines faster than it reads: once
 * more than {@link #MAX_HELD} arrivals wait unread, the receive is cancelled (its buffers would
 * otherwise starve every other connection of the worker's pool), and {@link #wantRecv} arms a new
 * one when the input is consumed.
 *
 * <p><b>Threading</b>: the worker's thread only.
 */
final class AioIo implements HttpIo {
    private static final int OUT_BYTES = 16 * 1024;
    /** Arrivals a connection may hold unread before its receive pauses. */
    static final int MAX_HELD = 4;

    final TcpSocket socket;
    final long cookie;
    private final KeventQueue queue;
    private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_BYTES);
    /** Arrivals not yet consumed, oldest first: views of lent buffers and their ids. */
    private ByteBuffer[] held = new ByteBuffer[MAX_HELD * 2];
    private int[] heldIds = new int[MAX_HELD * 2];
    private int heldFirst;
    private int heldCount;
    private long recvRequest;
    /** The receive was cancelled for back-pressure; its end is no failure. */
    private boolean paused;
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
    }

    @Override
    public int recv(byte[] buf, int off, int len) {
        while (heldCount > 0) {
            ByteBuffer v = held[heldFirst];
            if (!v.hasRemaining()) {
                releaseFirst();
                continue;
            }
            int n = Math.min(len, v.remaining());
            v.get(buf, off, n);
            if (!v.hasRemaining()) {
                // Consumed: the queue may fill it again at once.
                releaseFirst();
            }
            return n;
        }
        return endOfStream ? -1 : 0;
    }

    private void releaseFirst() {
        int id = heldIds[heldFirst];
        held[heldFirst] = null;
        heldFirst = (heldFirst + 1) % held.length;
        heldCount--;
        queue.aioReleaseBuffer(id);
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

    /** @return whether a receive should be armed: input consumed, none under way, stream open */
    boolean wantRecv() {
        return !receiving && !endOfStream && heldCount == 0 && !closing;
    }

    void postRecv() {
        recvRequest = queue.aioRecvMultishot(socket, cookie);
        receiving = true;
        paused = false;
    }

    /** An arrival: a lent buffer to read, given back once consumed. */
    void arrived(int bufferId, ByteBuffer view) {
        if (heldCount == held.length) {
            // Arrivals already on their way when the pause below cancelled the receive.
            ByteBuffer[] views = new ByteBuffer[held.length * 2];
            int[] ids = new int[held.length * 2];
            for (int k = 0; k < heldCount; k++) {
                views[k] = held[(heldFirst + k) % held.length];
                ids[k] = heldIds[(heldFirst + k) % held.length];
            }
            held = views;
            heldIds = ids;
            heldFirst = 0;
        }
        int k = (heldFirst + heldCount) % held.length;
        held[k] = view;
        heldIds[k] = bufferId;
        heldCount++;
        if (heldCount > MAX_HELD && receiving && !paused) {
            paused = true;
            queue.aioCancel(recvRequest);
        }
    }

    /**
     * The receive ended (its last event).
     *
     * @return false if the connection failed
     */
    boolean recvEnded(long result) {
        receiving = false;
        if (result == 0) {
            endOfStream = true;
            return true;
        }
        return paused && result == -125; // ECANCELED by our pause
    }

    /** Gives back every buffer still held (the connection closes). */
    void releaseAll() {
        while (heldCount > 0) {
            releaseFirst();
        }
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
