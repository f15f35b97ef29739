package org.kevent.netty;

import io.netty.channel.ChannelOption;

/**
 * Options of the kevent channels beyond Netty's {@link ChannelOption}.
 */
public final class KeventChannelOption {
    /**
     * {@code SO_REUSEPORT} on a {@link KeventServerSocketChannel}: several server channels (one
     * per event loop) bind the same port and the kernel spreads connections among them. Set before
     * bind; default false.
     */
    public static final ChannelOption<Boolean> SO_REUSEPORT =
            ChannelOption.valueOf(KeventChannelOption.class, "SO_REUSEPORT");

    /**
     * On a {@link KeventSocketChannel} (as a child option of a server): receive through kevent's
     * network AIO instead of reading on readiness. The channel keeps one multishot receive
     * ({@code KeventQueue.aioRecvMultishot}: on io_uring one armed {@code recv} from the loop's
     * provided buffers) under way while it reads, and copies each arrival into a ByteBuf from the
     * channel's allocator, one {@code channelRead} and {@code channelReadComplete} per arrival;
     * no {@code recv} call is made. Writes are unchanged. autoRead, {@code read()}, half-closure
     * and errors keep their meaning: when reading stops the request is cancelled, and bytes that
     * arrived meanwhile wait in the channel for the next {@code read()}. Works on any kevent loop;
     * loops of {@link KeventIoHandler#newAioFactory()} are made for it. Read when the channel
     * starts reading: set it before registration. Default false.
     */
    public static final ChannelOption<Boolean> AIO_RECEIVE =
            ChannelOption.valueOf(KeventChannelOption.class, "AIO_RECEIVE");

    private KeventChannelOption() {
    }
}
