package org.kevent.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import org.kevent.KeventException;
import org.kevent.QueueClosedException;

/**
 * The receive side of a {@link KeventSocketChannel} with {@link KeventChannelOption#AIO_RECEIVE}:
 * one multishot receive under way while the channel reads, each arrival copied into ByteBufs of
 * the channel's {@code RecvByteBufAllocator} and fired.
 *
 * <h2>Semantics</h2>
 * Netty's read contract on top of a request that keeps receiving: while the channel wants data
 * (autoRead, a pending {@code read()}, or the peer closing, which the readiness path also reads at
 * once) an arrival is fired as a read batch, cut into buffers no larger than the allocator's
 * ({@code channelRead} per buffer while the handle's {@code continueReading()} allows, then
 * {@code channelReadComplete}). What a batch leaves of an arrival is held, in order, and fired
 * batch by batch from the loop's read task while data is wanted. When the channel stops wanting
 * data the request is cancelled; what arrives until the cancel lands is held too and fired by the
 * next {@code read()}s before a new request starts, so no byte is lost or reordered. The request's end is the end of the stream (0: {@code shutdownInput}), a
 * failure (fired, then {@code shutdownInput}), or the cancel (a new request if data is wanted);
 * each is acted on only once the held bytes are out.
 *
 * <h2>Threading</h2>
 * The channel's event loop only; {@link #close} also from the thread that closes the channel
 * after it left the loop.
 */
final class AioReceiver {
    private static final int IDLE = 0;
    private static final int ARMED = 1;
    private static final int CANCELLING = 2;
    /** Linux's ECANCELED: the request's end after a cancel (or a close of the socket). */
    private static final long ECANCELED = 125;

    private final KeventSocketChannel channel;
    private final KeventSocketChannel.KeventSocketUnsafe unsafe;
    private int state = IDLE;
    private long request;
    /** Bytes received and not yet fired, oldest first. */
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>(4);
    /** The request ended at the end of the stream, or failed; acted on once {@link #held} is empty. */
    private boolean eof;
    private IOException failure;
    /** End of stream or failure was handed to the channel: no request again. */
    private boolean ended;
    /** RDHUP, HUP or ERR was seen: read on whatever autoRead says, as the readiness path does. */
    private boolean peerClosing;

    AioReceiver(KeventSocketChannel channel, KeventSocketChannel.KeventSocketUnsafe unsafe) {
        this.channel = channel;
        this.unsafe = unsafe;
    }

    private boolean wantsData() {
        return peerClosing || !unsafe.shouldStopReading();
    }

    /** {@code read()} or autoRead asked for data ({@code readPending} is set). */
    void beginRead() {
        if (!held.isEmpty() || eof || failure != null) {
            // Fired from a task, not from inside read(), which handlers call from channelRead.
            unsafe.scheduleRead();
        } else if (state == IDLE && !ended) {
            arm();
        }
    }

    /** The socket's readiness said the peer is closing or the socket failed. */
    void peerClosing() {
        peerClosing = true;
        if (state == IDLE) {
            pump();
        }
    }

    /** An event of the multishot request: an arrival, lent until this returns, or its end. */
    void event(KeventIoEvent e) {
        if (e.arrival()) {
            ByteBuffer view = e.buffer();
            int n = view.limit();
            int off = 0;
            if (state == ARMED && held.isEmpty() && wantsData()) {
                off = fire(view, n);
            }
            if (off < n && channel.isOpen()) {
                hold(view, off, n - off);
            }
            if (!channel.isOpen()) {
                return;
            }
            if (!wantsData()) {
                if (state == ARMED) {
                    state = CANCELLING;
                    channel.aioCancel(request);
                }
            } else if (!held.isEmpty()) {
                // A cut arrival whose handler asked for more (read() from channelReadComplete):
                // the rest goes out from the read task, before any later arrival.
                unsafe.scheduleRead();
            }
            return;
        }
        state = IDLE;
        long result = e.aioResult();
        if (result == 0) {
            eof = true;
        } else if (result != -ECANCELED) {
            failure = Errors.recvFailed((int) -result);
        }
        pump();
    }

    /**
     * Fires what is held while data is wanted, then acts on the request's end or starts a new
     * request. Runs after the request ended, from the read task, and on the peer's closing.
     */
    void pump() {
        if (!channel.isOpen()) {
            return;
        }
        if (!held.isEmpty()) {
            if (!wantsData()) {
                return;
            }
            ByteBuf src = held.peek();
            fire(src);
            if (!src.isReadable()) {
                held.poll().release();
            }
            if (!held.isEmpty() || !channel.isOpen()) {
                if (wantsData() && channel.isOpen()) {
                    // One batch per turn, as the readiness path's read loop: other channels go between.
                    unsafe.scheduleRead();
                }
                return;
            }
        }
        if (state != IDLE) {
            return;
        }
        if (failure != null) {
            IOException f = failure;
            failure = null;
            ended = true;
            channel.pipeline().fireExceptionCaught(f);
            unsafe.shutdownInput(true);
        } else if (eof) {
            eof = false;
            ended = true;
            unsafe.shutdownInput(true);
        } else if (!ended && wantsData()) {
            arm();
        }
    }

    private void arm() {
        try {
            request = channel.aioRecvMultishot(channel.socket());
            state = ARMED;
        } catch (KeventException e) {
            channel.pipeline().fireExceptionCaught(Errors.io(e));
            unsafe.close(unsafe.voidPromise());
        } catch (QueueClosedException e) {
            unsafe.close(unsafe.voidPromise()); // the loop is shutting down
        }
    }

    /**
     * Fires {@code view[0, n)} as one read batch: cut into the allocator's buffers, for as long as
     * its handle's {@code continueReading()} allows (maxMessagesPerRead, autoRead) and the channel
     * is open.
     *
     * @return the bytes fired
     */
    private int fire(ByteBuffer view, int n) {
        KeventRecvHandle handle = unsafe.recvBufAllocHandle();
        ChannelPipeline pipeline = channel.pipeline();
        ByteBufAllocator allocator = channel.config().getAllocator();
        handle.reset(channel.config());
        int off = 0;
        do {
            ByteBuf buf = handle.allocate(allocator);
            int room = Math.max(buf.writableBytes(), 1);
            int k = Math.min(room, n - off);
            copy(view, off, buf, k);
            off += k;
            handle.attemptedBytesRead(room);
            handle.lastBytesRead(k);
            handle.incMessagesRead(1);
            unsafe.readPending = false;
            pipeline.fireChannelRead(buf);
        } while (off < n && channel.isOpen() && handle.continueReading());
        handle.readComplete();
        pipeline.fireChannelReadComplete();
        return off;
    }

    /** Fires held bytes as one read batch, as {@link #fire(ByteBuffer, int)}. */
    private void fire(ByteBuf src) {
        KeventRecvHandle handle = unsafe.recvBufAllocHandle();
        ChannelPipeline pipeline = channel.pipeline();
        ByteBufAllocator allocator = channel.config().getAllocator();
        handle.reset(channel.config());
        do {
            ByteBuf buf = handle.allocate(allocator);
            int room = Math.max(buf.writableBytes(), 1);
            int k = Math.min(room, src.readableBytes());
            buf.writeBytes(src, k);
            handle.attemptedBytesRead(room);
            handle.lastBytesRead(k);
            handle.incMessagesRead(1);
            unsafe.readPending = false;
            pipeline.fireChannelRead(buf);
        } while (src.isReadable() && channel.isOpen() && handle.continueReading());
        handle.readComplete();
        pipeline.fireChannelReadComplete();
    }

    private void hold(ByteBuffer view, int off, int len) {
        ByteBuf b = channel.config().getAllocator().buffer(len);
        copy(view, off, b, len);
        held.add(b);
    }

    /**
     * Appends {@code view[off, off + len)} to {@code dst} through the loop's staging array: a
     * ByteBuffer into a pooled buffer would make a view object per buffer, an array none.
     */
    private void copy(ByteBuffer view, int off, ByteBuf dst, int len) {
        byte[] scratch = channel.scratch();
        while (len > 0) {
            int k = Math.min(len, scratch.length);
            view.get(off, scratch, 0, k);
            dst.writeBytes(scratch, 0, k);
            off += k;
            len -= k;
        }
    }

    /** The channel closed: what was held is dropped. */
    void close() {
        ByteBuf b;
        while ((b = held.poll()) != null) {
            b.release();
        }
    }
}
