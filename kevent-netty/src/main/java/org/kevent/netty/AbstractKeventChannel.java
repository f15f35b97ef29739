package org.kevent.netty;

import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.UnresolvedAddressException;

import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.Ukevent;

/**
 * What both kevent channels share: the registration with their loop's {@link KeventIoHandler},
 * and the SOCKET interest they keep there, edge-triggered, as a mask of {@link Kevent} SOCKET bits
 * that changes only when a bit is really wanted or dropped (each change is one queue MODIFY).
 */
abstract class AbstractKeventChannel extends AbstractChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    private IoRegistration registration;
    /** The loop's handler while registered; loop thread only. */
    private KeventIoHandler ioHandler;
    /** SOCKET bits wanted (HUP and ERR are always reported); loop thread only once registered. */
    private int interest;
    /** Whether the queue has the interest for the current socket; loop thread only. */
    private boolean submitted;

    AbstractKeventChannel(Channel parent, int initialInterest) {
        super(parent);
        this.interest = initialInterest;
    }

    /**
     * @param mask SOCKET bits
     * @return the record for this channel's socket wanting {@code mask}, or null while it has no socket
     */
    abstract Ukevent interestRecord(int mask);

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(AbstractKeventUnsafe.class);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((AbstractKeventUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                ioHandler = registration.attachment();
                submitted = false;
                try {
                    submitInterest();
                } catch (KeventException e) {
                    promise.setFailure(e);
                    return;
                }
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() {
        IoRegistration r = registration;
        if (r != null) {
            registration = null;
            submitted = false;
            r.cancel();
        }
    }

    /** Leaves the loop's queue as part of a close, from whatever thread closes. */
    final void deregisterOnLoop() {
        if (isRegistered()) {
            EventLoop loop = eventLoop();
            if (loop.inEventLoop()) {
                doDeregister();
            } else {
                loop.execute(this::doDeregister);
            }
        }
    }

    /** @return the loop's {@link KeventIoHandler#scratch()}; loop thread only, while registered */
    final byte[] scratch() {
        return ioHandler.scratch();
    }

    /** @return whether the queue's interest for this channel includes {@code bit} */
    final boolean isInterested(int bit) {
        return (interest & bit) != 0;
    }

    /** Adds {@code bit} to the interest, telling the queue if it changes. */
    final void setInterest(int bit) {
        if ((interest & bit) == 0) {
            interest |= bit;
            if (submitted) {
                submitInterest();
            }
        }
    }

    /** Drops {@code bit} from the interest, telling the queue if it changes. */
    final void clearInterest(int bit) {
        if ((interest & bit) != 0) {
            interest &= ~bit;
            if (submitted) {
                submitInterest();
            }
        }
    }

    /**
     * Hands the current interest to the queue, once the channel is registered and has a socket:
     * called at registration, when the socket appears (connect), and on each change.
     */
    final void submitInterest() {
        IoRegistration r = registration;
        if (r == null || !r.isValid()) {
            return;
        }
        Ukevent record = interestRecord(interest == 0 ? 0 : interest);
        if (record == null) {
            return;
        }
        // An empty mask is not an interest: the queue would refuse it. HUP and ERR come anyway
        // with any other bit, so an interest of RDHUP alone keeps them reported.
        r.submit(new KeventIoOps(interest == 0 ? record.withEvents(Kevent.SOCKET_RDHUP) : record));
        submitted = true;
    }

    static void checkResolvable(SocketAddress address) {
        if (address instanceof InetSocketAddress a && a.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
    }

    static InetSocketAddress inet(SocketAddress address) {
        if (address == null || address instanceof InetSocketAddress) {
            checkResolvable(address);
            return (InetSocketAddress) address;
        }
        throw new IllegalArgumentException("a kevent channel needs an InetSocketAddress, got "
                + address.getClass().getName());
    }

    /** The unsafe of a kevent channel: the handle its loop delivers the socket's events to. */
    abstract class AbstractKeventUnsafe extends AbstractUnsafe implements KeventIoHandle {
        /** A read was asked for ({@code read()} or autoRead) and nothing was read since. */
        boolean readPending;

        @Override
        public final void handle(IoRegistration r, IoEvent ioEvent) {
            KeventIoEvent e = (KeventIoEvent) ioEvent;
            if (!isOpen()) {
                return; // the last (BROKEN) event of a socket this channel closed itself
            }
            socketReady(e.events(), (int) e.data2(), e.broken());
        }

        /**
         * The socket's readiness.
         *
         * @param events SOCKET bits seen
         * @param error  the socket error with ERR (errno), else 0
         * @param broken whether the socket is gone (closed elsewhere)
         */
        abstract void socketReady(int events, int error, boolean broken);

        @Override
        public final void close() {
            close(voidPromise());
        }

        final boolean shouldStopReading() {
            return !readPending && !config().isAutoRead();
        }

        @Override
        public String toString() {
            return AbstractKeventChannel.this.toString();
        }
    }
}
