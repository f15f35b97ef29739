package org.kevent.internal.queue;

import org.kevent.internal.timer.NanoClock;
import org.kevent.internal.waiters.WaitProtocol;

/**
 * The kernel side of a queue's {@link WaitProtocol}: harvest, the kernel wait itself, and dispatch
 * of what the kernel reported. Every call but {@link #kernelWait} with the queue's lock held.
 */
final class KernelSide implements WaitProtocol.Host {
    private final Engine engine;
    private final Poller poller;
    private final NanoClock clock;
    private final FdWatchers fds;
    /**
     * The kind that takes the kernel wait under way or about to start (an io_uring owner waits in
     * its ring), or null for the poller's; written and read by the polling thread only.
     */
    private SourceKind waitTaker;

    KernelSide(Engine engine, Poller poller, NanoClock clock, FdWatchers fds) {
        this.engine = engine;
        this.poller = poller;
        this.clock = clock;
        this.fds = fds;
    }

    @Override
    public int readyCount() {
        return engine.readyCount();
    }

    @Override
    public long expireDue() {
        return engine.expireDue();
    }

    @Override
    public long nanoTime() {
        return clock.nanoTime();
    }

    @Override
    public void harvest(boolean kernelWaitUnderway) {
        engine.beforeKernelWait();
        // A kind that watches the epoll set from its ring knows when it has reported nothing
        // since it was last found empty: then the epoll_wait would find nothing either.
        int epoll = engine.epollState();
        if (epoll == SourceKind.EPOLL_MAYBE || (epoll == SourceKind.EPOLL_UNWATCHED && engine.harvestNeeded())) {
            poller.harvest(kernelWaitUnderway);
            if (epoll != SourceKind.EPOLL_UNWATCHED) {
                engine.epollHarvested(poller.lastHarvestEmpty());
            }
            fds.dispatch(poller, Poller.HARVEST_SET);
        }
    }

    @Override
    public void beforeKernelWait(long now) {
        // Submit queued AIO before sleeping; what completed meanwhile may already be enough.
        engine.beforeKernelWait();
        engine.armTimer(now);
        waitTaker = engine.waitsParked() ? null : engine.kernelWaitTaker();
    }

    @Override
    public void kernelWait(long timeoutNanos) {
        SourceKind taker = waitTaker;
        if (taker != null) {
            taker.kernelWait(timeoutNanos);
            return;
        }
        // A virtual thread must not sleep in a downcall: that would pin its carrier.
        if (engine.waitsParked()) {
            poller.pollParked(timeoutNanos);
        } else {
            poller.poll(timeoutNanos);
        }
    }

    @Override
    public void afterKernelWait() {
        if (waitTaker != null) {
            // The kind's wait collected nothing itself: collect as before a wait, which reaps
            // the ring and looks at epoll only if the ring's poll of it fired.
            waitTaker = null;
            harvest(false);
            return;
        }
        fds.dispatch(poller, Poller.WAIT_SET);
    }

    @Override
    public void wakeKernel() {
        poller.wakeup();
    }
}
