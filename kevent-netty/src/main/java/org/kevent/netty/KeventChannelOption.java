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

    private KeventChannelOption() {
    }
}
