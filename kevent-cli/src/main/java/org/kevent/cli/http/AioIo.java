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
 * each arrival (a buffer lent by the queue) is offered to the processor at once, {@link #recv}
 * copies from it and gives the buffer back as soon as it is consumed, and reports "would block"
 * once all is; {@link #send} appends to an output buffer that {@link #flush} sends with one
 * {@code aioSend} after the processor returns, and reports "would block" while a send is in flight
 * (the buffer belongs to that request); {@link #sendFile} sends the buffered head, then the file
 * with {@code aioSendfile}, both queued at once (requests of one direction run in order).
 *
 * <p><b>What one connection may hold</b> (issue 12): the worker's pool of receive buffers is
 * shared by all its connections, so a connection keeps none of them between two events. What
 * the processor did not consume when it returned (its answers are backed up: the client sends
 * but does not read) is copied into the connection's own memory by {@link #settle} and the lent
 * buffer goes back at once; later arrivals join that copy. Once more than {@link #MAX_UNREAD}
 * bytes wait there the receive is cancelled, and {@link #wantRecv} arms a new one when the
 * processor has consumed them. So a client that pipelines without reading holds at most
 * {@link #MAX_UNREAD} bytes plus what was already on its way when the receive was cancelled, and
 * answers the processor keeps ({@link HttpProcessor} stops reading while they are unsent) plus one
 * output buffer: never the pool, which stays for the connections that make progress.
 *
 * <p><b>Threading</b>: the worker's thread only.
 */
final class AioIo implements HttpIo {
    private static final int OUT_BYTES = 16 * 1024;
    /** Unconsumed bytes a connection may keep before its receive pauses. */
    static final int MAX_UNREAD = 32 * 1024;

    final TcpSocket socket;
    /**
     * The connection this serves, set once by the worker: the attachment of every request, so a
     * completion names its connection without a table.
     */
    HttpConnection connection;
    /** The worker closed the connection: completions still on their way are stale. */
    boolean closed;
    private final KeventQueue queue;
    private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_BYTES);
    /** The arrival being offered to the processor (a view of a lent buffer), or null. */
    private ByteBuffer lent;
    private int lentId;
    /** Bytes received and not consumed, copied out of lent buffers: {@code [spillStart, spillEnd)}. */
    private byte[] spill;
    private int spillStart;
    private int spillEnd;
    private long recvRequest;
    /** The receive was cancelled for back-pressure; its end is no failure. */
    private boolean paused;
    /** Send-side requests in flight (a head and a file count two). */
    int sending;
    boolean receiving;
    boolean endOfStream;
    /** The connection is to close once its sends are done. */
    boolean closing;
    /** Bytes the kernel took for this connection (completed sends): the server's books. */
    long sentBytes;
    /** Bytes of the current file request, to tell a short (truncated) file from a whole one. */
    private long fileCount;

    AioIo(KeventQueue queue, TcpSocket socket) {
        this.queue = queue;
        this.socket = socket;
    }

    @Override
    public int recv(byte[] buf, int off, int len) {
        if (spillEnd > spillStart) {
            // Older than any lent arrival: an arrival joins the spill while it is not empty.
            int n = Math.min(len, spillEnd - spillStart);
            System.arraycopy(spill, spillStart, buf, off, n);
            spillStart += n;
            if (spillStart == spillEnd) {
                spillStart = spillEnd = 0;
                if (spill.length > MAX_UNREAD) {
                    spill = null;   // a burst's room is not kept for the connection's life
                }
            }
            return n;
        }
        if (lent != null) {
            int n = Math.min(len, lent.remaining());
            lent.get(buf, off, n);
            if (!lent.hasRemaining()) {
                // Consumed: the queue may fill it again at once.
                releaseLent();
            }
            return n;
        }
        return endOfStream ? -1 : 0;
    }

    private void releaseLent() {
        lent = null;
        queue.aioReleaseBuffer(lentId);
    }

    /** @return bytes received and not yet consumed by the processor */
    int unread() {
        return spillEnd - spillStart + (lent == null ? 0 : lent.remaining());
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
        queue.aioSendfile(socket, SocketIo.nativeFile(file), offset, count, 0, connection, 0);
        sending++;
        return count;
    }

    /** Sends what the processor wrote, if anything and if no send is in flight. */
    void flush() {
        if (sending == 0 && out.position() > 0) {
            out.flip();
            queue.aioSend(socket, out, 0, connection, 0);
            sending++;
        }
    }

    /** @return whether a receive should be armed: input consumed, none under way, stream open */
    boolean wantRecv() {
        return !receiving && !endOfStream && unread() == 0 && !closing;
    }

    void postRecv() {
        recvRequest = queue.aioRecvMultishot(socket, 0, connection);
        receiving = true;
        paused = false;
    }

    /** An arrival: a lent buffer for the processor, given back once consumed or copied. */
    void arrived(int bufferId, ByteBuffer view) {
        if (closing) {
            queue.aioReleaseBuffer(bufferId);   // nothing more is answered
        } else if (lent != null || spillEnd > spillStart) {
            // Keeps the order: the older bytes are not consumed yet.
            keep(view);
            queue.aioReleaseBuffer(bufferId);
        } else {
            lent = view;
            lentId = bufferId;
        }
    }

    /**
     * After the processor returned: copies what it left of the lent arrival into the spill and
     * gives the buffer back, and pauses receiving once too much waits unread.
     */
    void settle() {
        if (lent != null) {
            keep(lent);
            releaseLent();
        }
        if (spillEnd - spillStart > MAX_UNREAD && receiving && !paused) {
            paused = true;
            queue.aioCancel(recvRequest);
        }
    }

    private void keep(ByteBuffer from) {
        int n = from.remaining();
        if (spill == null || spill.length - spillEnd < n) {
            int live = spillEnd - spillStart;
            byte[] to = spill == null || spill.length < live + n
                    ? new byte[Math.max(2 * (live + n), 8 * 1024)] : spill;
            if (live > 0) {
                System.arraycopy(spill, spillStart, to, 0, live);
            }
            spill = to;
            spillStart = 0;
            spillEnd = live;
        }
        from.get(spill, spillEnd, n);
        spillEnd += n;
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

    /** Gives back the lent buffer, if any, and drops what waits unread (the connection closes). */
    void releaseAll() {
        if (lent != null) {
            releaseLent();
        }
        spill = null;
        spillStart = spillEnd = 0;
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
        sentBytes += result;
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
