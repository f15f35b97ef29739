package org.kevent.internal.waiters;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/**
 * Makes {@link Thread#interrupt()} wake a thread that sleeps in the queue's kernel wait, as it
 * wakes a thread in {@link Selector#select()}: a downcall cannot be interrupted from Java, so the
 * interrupting thread must write the queue's wake-up descriptor itself.
 *
 * <p>The JDK offers exactly one public way to be told of an interrupt of a blocked thread: the
 * {@code begin()}/{@code end()} bracket of {@link AbstractSelector}, whose interruptor calls
 * {@link #wakeup()} from the interrupting thread (also when the interrupt came just before
 * {@code begin()}). This class is that bracket and nothing else: it is never registered with,
 * selected on or closed, and every {@code Selector} method but {@link #wakeup()} refuses.
 *
 * <p><b>Threading:</b> {@link #enter} and {@link #exit} are called by the thread that waits, around
 * the kernel wait; {@link #wakeup()} by whichever thread interrupts it, with or without the queue
 * lock, so it only writes the wake-up descriptor.
 */
final class InterruptHook extends AbstractSelector {
    private final WaitProtocol.Host host;

    InterruptHook(WaitProtocol.Host host) {
        super(SelectorProvider.provider());
        this.host = host;
    }

    /** The calling thread is about to sleep in the kernel: an interrupt from now on wakes it. */
    void enter() {
        begin();
    }

    /** The calling thread is back from the kernel. */
    void exit() {
        end();
    }

    @Override
    public Selector wakeup() {
        host.wakeKernel();
        return this;
    }

    @Override
    protected void implCloseSelector() {
    }

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        throw new UnsupportedOperationException("an interrupt hook selects nothing");
    }

    @Override
    public Set<SelectionKey> keys() {
        return Set.of();
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        return Set.of();
    }

    @Override
    public int selectNow() {
        throw new UnsupportedOperationException("an interrupt hook selects nothing");
    }

    @Override
    public int select(long timeout) {
        throw new UnsupportedOperationException("an interrupt hook selects nothing");
    }

    @Override
    public int select() {
        throw new UnsupportedOperationException("an interrupt hook selects nothing");
    }
}
