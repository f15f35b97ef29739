package org.kevent.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.Ukevent;
import org.kevent.net.TcpSocket;

/**
 * A TCP {@link SocketChannel} on a kevent {@link TcpSocket}, for event loops made with
 * {@link KeventIoHandler#newFactory()}.
 *
 * <h2>Semantics</h2>
 * The socket is watched edge-triggered: a read drains the socket as Netty's read loop allows
 * ({@code RecvByteBufAllocator}, {@code maxMessagesPerRead}, autoRead) and, if it stopped with
 * bytes possibly left, goes on in a task of the loop, since no new edge will come for them. A
 * flush sends what it can (small buffers copied into one {@code send}, larger ones in one
 * gathering {@code sendmsg}) and waits for SEND readiness for the rest. Small reads and writes go
 * through the loop's staging array ({@link KeventIoHandler}), so that neither allocates, where a
 * ByteBuffer view of a pooled buffer would. A {@link KeventFileRegion} goes out through {@code sendfile(2)}; any
 * other {@link FileRegion} (such as {@code DefaultFileRegion}) is copied through
 * {@link FileRegion#transferTo}, since its file descriptor cannot be reached without JNI.
 * {@code shutdownOutput} sends FIN; with ALLOW_HALF_CLOSURE the channel stays open after the
 * peer's FIN. A connect completes on the socket's CONNECT event, fails on its ERR event, and is
 * failed with {@link ConnectTimeoutException} after CONNECT_TIMEOUT_MILLIS. SO_LINGER 0 then
 * {@code close()} resets the connection (RST). Binding before connect is done by
 * {@code connect(remote, local)}; a {@code bind} of a channel that never connects is not supported
 * (kevent's client sockets are created by their connect).
 *
 * <h2>Threading</h2>
 * Netty's: the channel's I/O runs on its event loop.
 */
public final class KeventSocketChannel extends AbstractKeventChannel implements SocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    /** AbstractChannel's convention for "the socket's buffer is full": ends the write spin. */
    private static final int SNDBUF_FULL = Integer.MAX_VALUE;
    /** Most buffers handed to one gathering send: TcpSocket's limit per call. */
    private static final int MAX_GATHER = 64;
    private static final int BASE_INTEREST = Kevent.SOCKET_RDHUP;

    private final KeventSocketChannelConfig config;
    private volatile TcpSocket socket;
    private volatile boolean open = true;
    private volatile boolean active;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;

    private ChannelPromise connectPromise;
    private Future<?> connectTimeoutFuture;
    private InetSocketAddress requestedRemote;
    /** Set once the read side reached the end of the stream or failed: nothing more to read. */
    private boolean inputClosedSeenErrorOnRead;
    private WritableByteChannel byteChannel;
    private final Copier copier = new Copier();

    private final Runnable flushTask = () -> ((KeventSocketUnsafe) unsafe()).flushNow();
    private final Runnable readTask = () -> ((KeventSocketUnsafe) unsafe()).readTaskRun();

    /** A client channel: its socket is created when it connects. */
    public KeventSocketChannel() {
        super(null, BASE_INTEREST);
        this.config = new KeventSocketChannelConfig(this);
    }

    /** An accepted connection. */
    KeventSocketChannel(KeventServerSocketChannel parent, TcpSocket socket) {
        super(parent, BASE_INTEREST);
        this.socket = socket;
        this.active = true;
        this.config = new KeventSocketChannelConfig(this);
        config.applyTo(socket);
    }

    /** @return the kevent socket, or null before connect */
    TcpSocket socket() {
        return socket;
    }

    @Override
    Ukevent interestRecord(int mask) {
        TcpSocket s = socket;
        return s == null ? null : Ukevent.socket(s, mask).withFlags(Kevent.REQ_ET);
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public KeventSocketChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        InetSocketAddress l = local;
        if (l == null) {
            l = fromOpenSocket(true);
            local = l;
        }
        return l;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        InetSocketAddress r = remote;
        if (r == null && active) {
            r = fromOpenSocket(false);
            remote = r;
        }
        return r;
    }

    /** Asks the socket for an address once it is needed (most channels never ask): null if closed. */
    private InetSocketAddress fromOpenSocket(boolean localSide) {
        TcpSocket s = socket;
        if (s == null || !s.isOpen()) {
            return null;
        }
        try {
            return localSide ? s.localAddress() : s.remoteAddress();
        } catch (KeventException e) {
            return null;
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a KeventSocketChannel binds when it connects: use "
                + "connect(remoteAddress, localAddress)");
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doClose() throws Exception {
        active = false;
        open = false;
        inputClosedSeenErrorOnRead = true;
        ChannelPromise promise = connectPromise;
        if (promise != null) {
            promise.tryFailure(new ClosedChannelException());
            connectPromise = null;
        }
        Future<?> timeout = connectTimeoutFuture;
        if (timeout != null) {
            timeout.cancel(false);
            connectTimeoutFuture = null;
        }
        deregisterOnLoop();
        TcpSocket s = socket;
        if (s != null) {
            s.close();
        }
    }

    @Override
    protected void doBeginRead() {
        if (!active && socket == null && connectPromise == null && !open) {
            return;
        }
        KeventSocketUnsafe unsafe = (KeventSocketUnsafe) unsafe();
        unsafe.readPending = true;
        if (!isInterested(Kevent.SOCKET_RECV)) {
            // Adding RECV makes the queue look at the socket again: bytes already there are an event.
            setInterest(Kevent.SOCKET_RECV);
        } else if (unsafe.maybeMoreDataToRead) {
            // Edge-triggered: a read stopped early (autoRead off, or the read loop's budget) gets
            // no new edge for the bytes it left, so this read must look itself.
            unsafe.scheduleRead();
        }
    }

    /** autoRead was turned off: stop reading (on the loop). */
    void clearReadInterest() {
        if (isRegistered()) {
            EventLoop loop = eventLoop();
            KeventSocketUnsafe unsafe = (KeventSocketUnsafe) unsafe();
            if (loop.inEventLoop()) {
                unsafe.clearReadInterestNow();
            } else {
                loop.execute(() -> {
                    if (!unsafe.readPending && !config.isAutoRead()) {
                        unsafe.clearReadInterestNow();
                    }
                });
            }
        } else if (isInterested(Kevent.SOCKET_RECV)) {
            clearInterest(Kevent.SOCKET_RECV);
        }
    }

    // ---------------------------------------------------------------------------------- writes

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int spin = config.getWriteSpinCount();
        do {
            int count = in.size();
            Object first = in.current();
            if (first instanceof ByteBuf b && b.readableBytes() <= KeventIoHandler.WRITE_COPY_MAX) {
                spin -= writeCopied(in);
            } else if (count > 1 && first instanceof ByteBuf) {
                spin -= writeGathering(in);
            } else if (count == 0) {
                clearInterest(Kevent.SOCKET_SEND);
                return;
            } else {
                spin -= writeSingle(in);
            }
        } while (spin > 0);
        if (spin == 0) {
            // The spin budget ran out with the socket still taking bytes: give other channels a
            // turn and go on in a task (no SEND edge would come for a socket that is not full).
            clearInterest(Kevent.SOCKET_SEND);
            eventLoop().execute(flushTask);
        } else {
            setInterest(Kevent.SOCKET_SEND);
        }
    }

    /**
     * Copies the flushed ByteBufs at the head of {@code in}, while each is small and they fit, into
     * the loop's scratch array ({@link KeventIoHandler#scratch()}), and sends them in one call: a
     * ByteBuffer view of a pooled buffer costs an object per buffer, the copy none. At least the
     * first buffer fits ({@link KeventIoHandler#WRITE_COPY_MAX} is below the array's size).
     */
    private int writeCopied(ChannelOutboundBuffer in) throws Exception {
        copier.start(scratch());
        in.forEachFlushedMessage(copier);
        int length = copier.finish();
        if (length == 0) {
            // Only empty buffers are flushed: drop them.
            in.removeBytes(0);
            return 0;
        }
        int n;
        try {
            n = socket.send(copier.into, 0, length);
        } catch (KeventException e) {
            throw Errors.io(e);
        }
        return sent(in, n);
    }

    /**
     * Appends flushed ByteBufs to a byte array while each is small and fits, without allocating:
     * eight bytes per {@code getLong}, since {@code getBytes} into an array makes a ByteBuffer
     * duplicate of a direct buffer on every call.
     */
    private static final class Copier implements ChannelOutboundBuffer.MessageProcessor {
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

        byte[] into;
        private int length;

        void start(byte[] array) {
            into = array;
            length = 0;
        }

        int finish() {
            return length;
        }

        @Override
        public boolean processMessage(Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                return false;
            }
            int readable = buf.readableBytes();
            if (readable > KeventIoHandler.WRITE_COPY_MAX || readable > into.length - length) {
                return false;
            }
            copy(buf, buf.readerIndex(), readable);
            length += readable;
            return true;
        }

        private void copy(ByteBuf buf, int index, int count) {
            if (buf.hasArray()) {
                System.arraycopy(buf.array(), buf.arrayOffset() + index, into, length, count);
                return;
            }
            int k = 0;
            for (; k + Long.BYTES <= count; k += Long.BYTES) {
                LONGS.set(into, length + k, buf.getLong(index + k));
            }
            for (; k < count; k++) {
                into[length + k] = buf.getByte(index + k);
            }
        }
    }

    private int writeSingle(ChannelOutboundBuffer in) throws Exception {
        Object msg = in.current();
        if (msg instanceof ByteBuf buf) {
            return writeBuf(in, buf);
        }
        if (msg instanceof KeventFileRegion region) {
            return writeKeventFileRegion(in, region);
        }
        if (msg instanceof FileRegion region) {
            return writeFileRegion(in, region);
        }
        throw new Error("Unexpected message type: " + StringUtil.className(msg));
    }

    private int writeBuf(ChannelOutboundBuffer in, ByteBuf buf) throws IOException {
        int readable = buf.readableBytes();
        if (readable == 0) {
            in.remove();
            return 0;
        }
        long n;
        try {
            if (buf.nioBufferCount() == 1) {
                n = socket.send(buf.internalNioBuffer(buf.readerIndex(), readable));
            } else {
                ByteBuffer[] parts = buf.nioBuffers();
                n = sendGathering(parts, parts.length);
            }
        } catch (KeventException e) {
            throw Errors.io(e);
        }
        return sent(in, n);
    }

    /** A write's outcome: the bytes the kernel took leave the buffer; none taken means its buffer is full. */
    private static int sent(ChannelOutboundBuffer in, long n) {
        if (n > 0) {
            in.removeBytes(n);
            return 1;
        }
        return SNDBUF_FULL;
    }

    private int writeGathering(ChannelOutboundBuffer in) throws IOException {
        ByteBuffer[] parts = in.nioBuffers(MAX_GATHER, Integer.MAX_VALUE);
        int count = in.nioBufferCount();
        if (count == 0) {
            // Only empty buffers are flushed: drop them.
            in.removeBytes(0);
            return 0;
        }
        long n;
        try {
            n = count == 1 ? socket.send(parts[0]) : sendGathering(parts, count);
        } catch (KeventException e) {
            throw Errors.io(e);
        }
        return sent(in, n);
    }

    /** One or more {@code sendmsg}: TcpSocket takes at most 64 buffers per call. */
    private long sendGathering(ByteBuffer[] parts, int count) {
        long sent = 0;
        for (int off = 0; off < count; off += MAX_GATHER) {
            int len = Math.min(MAX_GATHER, count - off);
            long want = 0;
            for (int k = off; k < off + len; k++) {
                want += parts[k].remaining();
            }
            long n = socket.send(parts, off, len);
            sent += n;
            if (n < want) {
                break;
            }
        }
        return sent;
    }

    private int writeKeventFileRegion(ChannelOutboundBuffer in, KeventFileRegion region) throws IOException {
        long done = region.transferred();
        long count = region.count();
        if (done >= count) {
            in.remove();
            return 0;
        }
        long n;
        try {
            n = region.sendTo(socket);
        } catch (KeventException e) {
            throw Errors.io(e);
        }
        if (n > 0) {
            in.progress(n);
            if (region.transferred() >= count) {
                in.remove();
            }
            return 1;
        }
        return SNDBUF_FULL;
    }

    private int writeFileRegion(ChannelOutboundBuffer in, FileRegion region) throws Exception {
        if (region.transferred() >= region.count()) {
            in.remove();
            return 0;
        }
        if (byteChannel == null) {
            byteChannel = new SocketByteChannel();
        }
        long n = region.transferTo(byteChannel, region.transferred());
        if (n > 0) {
            in.progress(n);
            if (region.transferred() >= region.count()) {
                in.remove();
            }
            return 1;
        }
        return SNDBUF_FULL;
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf || msg instanceof FileRegion) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                + " (expected: ByteBuf, FileRegion)");
    }

    /** The socket as a WritableByteChannel, for FileRegions that write themselves. */
    private final class SocketByteChannel implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            try {
                return socket.send(src);
            } catch (KeventException e) {
                throw Errors.io(e);
            }
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() {
            // The channel closes the socket, not a FileRegion.
        }
    }

    // ---------------------------------------------------------------------------------- half-close

    @Override
    public boolean isInputShutdown() {
        return inputShutdown || !open;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown || !open;
    }

    @Override
    public boolean isShutdown() {
        return (inputShutdown && outputShutdown) || !open;
    }

    @Override
    protected void doShutdownOutput() throws Exception {
        TcpSocket s = socket;
        if (s == null || !active) {
            throw new NotYetConnectedException();
        }
        try {
            s.shutdownOutput();
        } catch (KeventException e) {
            throw Errors.io(e);
        }
        outputShutdown = true;
    }

    private void shutdownInputNow(ChannelPromise promise) {
        TcpSocket s = socket;
        if (!open) {
            promise.setFailure(new ClosedChannelException());
            return;
        }
        if (s == null || !active) {
            promise.setFailure(new NotYetConnectedException());
            return;
        }
        try {
            s.shutdownInput();
            inputShutdown = true;
            promise.setSuccess();
        } catch (KeventException e) {
            promise.setFailure(Errors.io(e));
        }
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        return onLoop(loop, promise, () -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        return onLoop(loop, promise, () -> shutdownInputNow(promise));
    }

    /** Runs {@code action} on {@code loop}: now if this is its thread, else as its next task. */
    private static ChannelFuture onLoop(EventLoop loop, ChannelPromise promise, Runnable action) {
        if (loop.inEventLoop()) {
            action.run();
        } else {
            loop.execute(action);
        }
        return promise;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        shutdownOutput().addListener((ChannelFutureListener) out -> shutdownInput().addListener(
                (ChannelFutureListener) in -> {
                    Throwable cause = out.cause() != null ? out.cause() : in.cause();
                    if (cause != null) {
                        promise.setFailure(cause);
                    } else {
                        promise.setSuccess();
                    }
                }));
        return promise;
    }

    // ---------------------------------------------------------------------------------- unsafe

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new KeventSocketUnsafe();
    }

    /** The read loop, the write readiness and the connect of the channel. */
    final class KeventSocketUnsafe extends AbstractKeventUnsafe {
        private KeventRecvHandle allocHandle;
        /** The last read loop stopped with bytes possibly left in the socket. */
        boolean maybeMoreDataToRead;
        private boolean readScheduled;

        @Override
        public KeventRecvHandle recvBufAllocHandle() {
            if (allocHandle == null) {
                allocHandle = new KeventRecvHandle((RecvByteBufAllocator.ExtendedHandle) super.recvBufAllocHandle());
            }
            return allocHandle;
        }

        void flushNow() {
            super.flush0();
        }

        @Override
        protected void flush0() {
            // Waiting for SEND readiness: the event will flush; writing now would only fail again.
            if (!isInterested(Kevent.SOCKET_SEND)) {
                super.flush0();
            }
        }

        @Override
        protected Executor prepareToClose() {
            try {
                // A positive linger makes close wait in the kernel: not on the event loop.
                TcpSocket s = socket;
                if (s != null && s.isOpen() && config.getSoLinger() > 0) {
                    doDeregister();
                    return GlobalEventExecutor.INSTANCE;
                }
            } catch (Throwable ignored) {
                // Closing goes on on the loop: the option could not even be read.
            }
            return null;
        }

        @Override
        void socketReady(int events, int error, boolean broken) {
            if (connectPromise != null) {
                if ((events & (Kevent.SOCKET_ERR | Kevent.SOCKET_HUP)) != 0 || broken) {
                    finishConnect(Errors.connectFailed(error, requestedRemote));
                    return;
                }
                if ((events & Kevent.SOCKET_CONNECT) == 0) {
                    return;
                }
                finishConnect(null);
                if (!isOpen()) {
                    return;
                }
            }
            if ((events & Kevent.SOCKET_SEND) != 0 && !outputShutdown) {
                super.flush0();
            }
            if ((events & Kevent.SOCKET_RDHUP) != 0) {
                recvBufAllocHandle().receivedRdHup();
            }
            if ((events & (Kevent.SOCKET_RECV | Kevent.SOCKET_RDHUP | Kevent.SOCKET_HUP | Kevent.SOCKET_ERR)) != 0) {
                if (active) {
                    readReady();
                } else {
                    shutdownInput(false);
                }
            }
            if (broken && isOpen()) {
                close(voidPromise());
            }
        }

        void scheduleRead() {
            if (!readScheduled) {
                readScheduled = true;
                eventLoop().execute(readTask);
            }
        }

        void readTaskRun() {
            readScheduled = false;
            if (isOpen() && active) {
                readReady();
            }
        }

        private boolean shouldBreakReadReady(ChannelConfig c) {
            return inputShutdown && (inputClosedSeenErrorOnRead || !config.isAllowHalfClosure());
        }

        void readReady() {
            ChannelConfig c = config();
            if (shouldBreakReadReady(c)) {
                clearReadInterestNow();
                return;
            }
            if (shouldStopReading() && !recvBufAllocHandle().isReceivedRdHup()) {
                // Edge-triggered: remember the bytes this edge announced for the next read(). The
                // peer's FIN is read at once all the same (as Netty's epoll transport reads on
                // RDHUP), so a half-closure is seen without a read pending.
                maybeMoreDataToRead = true;
                clearReadInterestNow();
                return;
            }
            KeventRecvHandle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = c.getAllocator();
            handle.reset(c);
            maybeMoreDataToRead = false;
            ByteBuf buf = null;
            boolean allDataRead = false;
            try {
                do {
                    buf = handle.allocate(allocator);
                    handle.lastBytesRead(read(buf, handle));
                    if (handle.lastBytesRead() <= 0) {
                        buf.release();
                        buf = null;
                        allDataRead = handle.lastBytesRead() < 0;
                        if (allDataRead) {
                            readPending = false;
                        }
                        break;
                    }
                    handle.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(buf);
                    buf = null;
                    if (shouldBreakReadReady(c)) {
                        break;
                    }
                } while (handle.continueReading());
                handle.readComplete();
                pipeline.fireChannelReadComplete();
                if (allDataRead) {
                    shutdownInput(true);
                }
            } catch (Throwable t) {
                handleReadException(pipeline, buf, t, allDataRead, handle);
            } finally {
                readFinally(handle, allDataRead);
            }
        }

        private void readFinally(KeventRecvHandle handle, boolean allDataRead) {
            if (!isOpen()) {
                return;
            }
            maybeMoreDataToRead = !allDataRead && !inputClosedSeenErrorOnRead
                    && (handle.isReceivedRdHup() || handle.lastBytesRead() == handle.attemptedBytesRead());
            if (maybeMoreDataToRead && (readPending || config.isAutoRead())) {
                scheduleRead();
            } else if (shouldStopReading()) {
                clearReadInterestNow();
            }
        }

        private int read(ByteBuf buf, KeventRecvHandle handle) throws IOException {
            int writerIndex = buf.writerIndex();
            int room = buf.writableBytes();
            handle.attemptedBytesRead(room);
            int n;
            try {
                if (room <= KeventIoHandler.READ_COPY_MAX) {
                    return readCopied(buf, writerIndex, room);
                }
                n = socket.recv(buf.internalNioBuffer(writerIndex, room));
            } catch (KeventException e) {
                throw Errors.io(e);
            }
            if (n > 0) {
                buf.writerIndex(writerIndex + n);
            }
            return n;
        }

        /**
         * A small read through the loop's scratch array ({@link KeventIoHandler#scratch()}): a
         * ByteBuffer view of a pooled buffer would cost an object per read; copying an array into a
         * ByteBuf costs none.
         */
        private int readCopied(ByteBuf buf, int writerIndex, int room) {
            byte[] scratch = scratch();
            int n = socket.recv(scratch, 0, room);
            if (n > 0) {
                buf.setBytes(writerIndex, scratch, 0, n);
                buf.writerIndex(writerIndex + n);
            }
            return n;
        }

        private void handleReadException(ChannelPipeline pipeline, ByteBuf buf, Throwable cause, boolean allDataRead,
                                         KeventRecvHandle handle) {
            if (buf != null) {
                if (buf.isReadable()) {
                    readPending = false;
                    pipeline.fireChannelRead(buf);
                } else {
                    buf.release();
                }
            }
            handle.readComplete();
            pipeline.fireChannelReadComplete();
            pipeline.fireExceptionCaught(cause);
            if (allDataRead || cause instanceof OutOfMemoryError || cause instanceof IOException) {
                shutdownInput(true);
            }
        }

        void clearReadInterestNow() {
            readPending = false;
            if (isInterested(Kevent.SOCKET_RECV)) {
                try {
                    clearInterest(Kevent.SOCKET_RECV);
                } catch (KeventException e) {
                    pipeline().fireExceptionCaught(Errors.io(e));
                    close(voidPromise());
                }
            }
        }

        /** The read side ended: the peer's FIN ({@code allDataRead}) or a failure. */
        void shutdownInput(boolean allDataRead) {
            if (!inputShutdown) {
                if (config.isAllowHalfClosure()) {
                    try {
                        TcpSocket s = socket;
                        if (s != null) {
                            s.shutdownInput();
                        }
                    } catch (KeventException e) {
                        // Already shut or reset: the channel closes below.
                        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                        close(voidPromise());
                        return;
                    }
                    inputShutdown = true;
                    if (shouldStopReading()) {
                        clearReadInterestNow();
                    }
                    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                } else {
                    close(voidPromise());
                    return;
                }
            }
            if (allDataRead && !inputClosedSeenErrorOnRead) {
                inputClosedSeenErrorOnRead = true;
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            try {
                if (connectPromise != null) {
                    throw new ConnectionPendingException();
                }
                if (socket != null) {
                    throw new AlreadyConnectedException();
                }
                InetSocketAddress r = inet(remoteAddress);
                InetSocketAddress l = inet(localAddress);
                TcpSocket s;
                try {
                    s = TcpSocket.connect(r, l);
                } catch (KeventException e) {
                    open = false;
                    throw Errors.io(e);
                }
                socket = s;
                try {
                    config.applyTo(s);
                    setInterest(Kevent.SOCKET_CONNECT);
                    submitInterest();
                } catch (RuntimeException e) {
                    open = false;
                    s.close();
                    throw e;
                }
                connectPromise = promise;
                requestedRemote = r;
                int timeoutMillis = config.getConnectTimeoutMillis();
                if (timeoutMillis > 0) {
                    connectTimeoutFuture = eventLoop().schedule(() -> {
                        ChannelPromise p = connectPromise;
                        if (p != null && !p.isDone() && p.tryFailure(new ConnectTimeoutException(
                                "connection timed out after " + timeoutMillis + " ms: " + r))) {
                            close(voidPromise());
                        }
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                promise.addListener((ChannelFutureListener) future -> {
                    if (future.isCancelled()) {
                        if (connectTimeoutFuture != null) {
                            connectTimeoutFuture.cancel(false);
                        }
                        connectPromise = null;
                        close(voidPromise());
                    }
                });
            } catch (Throwable t) {
                closeIfClosed();
                promise.tryFailure(annotateConnectException(t, remoteAddress));
            }
        }

        private void finishConnect(IOException failure) {
            ChannelPromise promise = connectPromise;
            connectPromise = null;
            if (connectTimeoutFuture != null) {
                connectTimeoutFuture.cancel(false);
                connectTimeoutFuture = null;
            }
            if (promise == null) {
                return;
            }
            if (failure != null) {
                promise.tryFailure(annotateConnectException(failure, requestedRemote));
                close(voidPromise());
                return;
            }
            clearInterest(Kevent.SOCKET_CONNECT);
            remote = requestedRemote;
            boolean wasActive = active;
            active = true;
            boolean promiseSet = promise.trySuccess();
            if (!wasActive) {
                pipeline().fireChannelActive();
            }
            if (!promiseSet) {
                close(voidPromise());
            }
        }
    }
}
