package org.kevent.netty;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ServerSocketChannel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.Ukevent;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * A TCP {@link ServerSocketChannel} on a kevent {@link TcpListener}, for event loops made with
 * {@link KeventIoHandler#newFactory()}; its children are {@link KeventSocketChannel}s.
 *
 * <h2>Semantics</h2>
 * The listener is created at bind (SO_BACKLOG, {@link KeventChannelOption#SO_REUSEPORT}) and
 * watched edge-triggered for ACCEPT: each edge accepts until the kernel's queue is empty or the
 * read loop's budget ({@code maxMessagesPerRead}) is spent, then goes on in a task of the loop. An
 * accept that fails (out of descriptors: {@code EMFILE}) is reported with
 * {@code exceptionCaught} and tried again 100 ms later, since the connection stays queued and no
 * new edge will announce it.
 *
 * <h2>Threading</h2>
 * Netty's: the channel's I/O runs on its event loop.
 */
public final class KeventServerSocketChannel extends AbstractKeventChannel implements ServerSocketChannel {
    private static final long ACCEPT_RETRY_MILLIS = 100;

    private final KeventServerSocketChannelConfig config = new KeventServerSocketChannelConfig(this);
    private volatile TcpListener listener;
    private volatile boolean open = true;
    private final Runnable acceptTask = () -> ((KeventServerUnsafe) unsafe()).acceptTaskRun();

    /** A server channel; its listener is created at bind. */
    public KeventServerSocketChannel() {
        super(null, 0);
    }

    @Override
    Ukevent interestRecord(int mask) {
        TcpListener l = listener;
        return l == null ? null : Ukevent.socket(l, mask).withFlags(Kevent.REQ_ET);
    }

    @Override
    public KeventServerSocketChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && listener != null;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    protected SocketAddress localAddress0() {
        TcpListener l = listener;
        return l == null ? null : l.localAddress();
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        InetSocketAddress local = inet(localAddress);
        try {
            listener = TcpListener.bind(local, config.getBacklog(), config.isReusePort());
        } catch (KeventException e) {
            throw Errors.io(e);
        }
        submitInterest();
    }

    @Override
    protected void doDisconnect() {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void doClose() {
        open = false;
        deregisterOnLoop();
        TcpListener l = listener;
        if (l != null) {
            l.close();
        }
    }

    @Override
    protected void doBeginRead() {
        KeventServerUnsafe unsafe = (KeventServerUnsafe) unsafe();
        unsafe.readPending = true;
        if (!isInterested(Kevent.SOCKET_ACCEPT)) {
            setInterest(Kevent.SOCKET_ACCEPT);
        } else if (unsafe.maybeMorePending) {
            unsafe.scheduleAccept(0);
        }
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new KeventServerUnsafe();
    }

    /** The accept loop. */
    final class KeventServerUnsafe extends AbstractKeventUnsafe {
        /** The last accept loop stopped with connections possibly left in the kernel's queue. */
        boolean maybeMorePending;
        private boolean acceptScheduled;

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException());
        }

        @Override
        void socketReady(int events, int error, boolean broken) {
            if ((events & Kevent.SOCKET_ACCEPT) != 0) {
                acceptReady();
            }
            if (broken && isOpen()) {
                close(voidPromise());
            }
        }

        void scheduleAccept(long delayMillis) {
            if (!acceptScheduled) {
                acceptScheduled = true;
                if (delayMillis == 0) {
                    eventLoop().execute(acceptTask);
                } else {
                    eventLoop().schedule(acceptTask, delayMillis, TimeUnit.MILLISECONDS);
                }
            }
        }

        void acceptTaskRun() {
            acceptScheduled = false;
            if (isActive()) {
                acceptReady();
            }
        }

        private void acceptReady() {
            ChannelConfig c = config();
            if (shouldStopReading()) {
                maybeMorePending = true;
                clearInterestQuietly();
                return;
            }
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            handle.reset(c);
            maybeMorePending = false;
            boolean drained = false;
            Throwable failure = null;
            try {
                do {
                    handle.attemptedBytesRead(1);
                    TcpSocket s = listener.accept();
                    if (s == null) {
                        drained = true;
                        break;
                    }
                    handle.lastBytesRead(1);
                    handle.incMessagesRead(1);
                    readPending = false;
                    KeventSocketChannel child;
                    try {
                        child = new KeventSocketChannel(KeventServerSocketChannel.this, s);
                    } catch (RuntimeException e) {
                        s.close();
                        throw e;
                    }
                    int rcvbuf = config.getReceiveBufferSize();
                    if (rcvbuf > 0) {
                        child.config().setReceiveBufferSize(rcvbuf);
                    }
                    pipeline.fireChannelRead(child);
                } while (handle.continueReading());
            } catch (KeventException e) {
                failure = Errors.io(e);
            } catch (Throwable t) {
                failure = t;
            }
            handle.readComplete();
            pipeline.fireChannelReadComplete();
            if (failure != null) {
                pipeline.fireExceptionCaught(failure);
            }
            if (!isOpen()) {
                return;
            }
            maybeMorePending = !drained;
            if (failure != null) {
                scheduleAccept(ACCEPT_RETRY_MILLIS);
            } else if (maybeMorePending && (readPending || c.isAutoRead())) {
                scheduleAccept(0);
            } else if (shouldStopReading()) {
                clearInterestQuietly();
            }
        }

        private void clearInterestQuietly() {
            readPending = false;
            try {
                clearInterest(Kevent.SOCKET_ACCEPT);
            } catch (KeventException e) {
                pipeline().fireExceptionCaught(Errors.io(e));
            }
        }
    }
}
