package org.kevent.internal.source.aio;

import org.kevent.internal.source.socket.SocketState;

/**
 * The network AIO side of one socket in one queue: its requests in two FIFO queues (receive;
 * send and sendfile), so that requests of one direction reach the kernel one at a time and in
 * the order they were made — two sends in flight at once could interleave their bytes.
 */
public final class AioSocket implements SocketState.AioUser {
    public final SocketState socket;
    public final Aio aio;
    public AioOp recvHead;
    AioOp recvTail;
    public AioOp sendHead;
    AioOp sendTail;
    /** The socket is closing: nothing more starts. */
    boolean closing;
    /** Backend-private: a duplicate of the descriptor watched for readiness, and its token. */
    public int watchFd = -1;
    long watchToken;
    /** Backend-private: a readiness loop runs on this socket (no re-entry). */
    public boolean driving;

    AioSocket(SocketState socket, Aio aio) {
        this.socket = socket;
        this.aio = aio;
    }

    /** Appends a request; returns whether it is now the head of its direction. */
    boolean enqueue(AioOp op) {
        if (op.isSendSide()) {
            if (sendTail == null) {
                sendHead = sendTail = op;
                return true;
            }
            sendTail.next = op;
            sendTail = op;
            return false;
        }
        if (recvTail == null) {
            recvHead = recvTail = op;
            return true;
        }
        recvTail.next = op;
        recvTail = op;
        return false;
    }

    /**
     * Takes a request out of its queue.
     *
     * @return the new head of its direction if {@code op} was the head, else null
     */
    AioOp unlink(AioOp op) {
        boolean send = op.isSendSide();
        AioOp head = send ? sendHead : recvHead;
        AioOp prev = null;
        for (AioOp o = head; o != null; prev = o, o = o.next) {
            if (o == op) {
                AioOp after = o.next;
                if (prev == null) {
                    head = after;
                } else {
                    prev.next = after;
                }
                if (send) {
                    sendHead = head;
                    if (sendTail == op) {
                        sendTail = prev;
                    }
                } else {
                    recvHead = head;
                    if (recvTail == op) {
                        recvTail = prev;
                    }
                }
                op.next = null;
                return prev == null ? after : null;
            }
        }
        return null;
    }

    @Override
    public void socketClosing() {
        aio.context().runLocked(() -> aio.socketClosing(this));
    }
}
