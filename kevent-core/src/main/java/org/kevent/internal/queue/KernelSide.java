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
        if (engine.harvestNeeded()) {
            poller.harvest(kernelWaitUnderway);
            fds.dispatch(poller, Poller.HARVEST_SET);
        }
    }

    @Override
    public void beforeKernelWait(long now) {
        // Submit queued AIO before sleeping; what completed meanwhile may already be enough.
        engine.beforeKernelWait();
        engine.armTimer(now);
    }

    @Override
    public void kernelWait(long timeoutNanos) {
        // A virtual thread must not sleep in a downcall: that would pin its carrier.
        if (engine.parkedWaits || Thread.currentThread().isVirtual()) {
            poller.pollParked(timeoutNanos);
        } else {
            poller.poll(timeoutNanos);
        }
    }

    @Override
    public void afterKernelWait() {
        fds.dispatch(poller, Poller.WAIT_SET);
    }

    @Override
    public void wakeKernel() {
        poller.wakeup();
    }
}
