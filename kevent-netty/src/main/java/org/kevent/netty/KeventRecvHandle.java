package org.kevent.netty;

import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The channel's {@link RecvByteBufAllocator.ExtendedHandle} with one addition for edge-triggered
 * reading: once the peer's FIN was seen (RDHUP), the read loop goes on until the end of the stream,
 * since no further edge would announce it.
 */
final class KeventRecvHandle extends RecvByteBufAllocator.DelegatingHandle
        implements RecvByteBufAllocator.ExtendedHandle {
    private boolean receivedRdHup;

    KeventRecvHandle(RecvByteBufAllocator.ExtendedHandle handle) {
        super(handle);
    }

    void receivedRdHup() {
        receivedRdHup = true;
    }

    boolean isReceivedRdHup() {
        return receivedRdHup;
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
        return receivedRdHup || ((RecvByteBufAllocator.ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
    }

    @Override
    public boolean continueReading() {
        return receivedRdHup || delegate().continueReading();
    }
}
