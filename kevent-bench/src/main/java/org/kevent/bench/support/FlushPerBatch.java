package org.kevent.bench.support;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The base of the Netty peers' handlers: writes happen in {@code channelRead}, and one flush per
 * read batch ({@code channelReadComplete}) sends what a batch produced in one go, as a tuned Netty
 * server does. A connection that fails (a client resetting at the end of a run) is closed.
 */
public abstract class FlushPerBatch extends ChannelInboundHandlerAdapter {
    /** For subclasses. */
    protected FlushPerBatch() {
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
