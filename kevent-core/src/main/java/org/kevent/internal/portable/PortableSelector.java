package org.kevent.internal.portable;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one {@link Selector} of the portable sockets: a daemon thread, {@value #THREAD_NAME},
 * started by the first portable socket, learns their readiness and tells each socket
 * ({@link PortableChannel#onSelected}), which folds it into its readiness word, unparks its blocked
 * callers and signals its {@link PortableDescriptor} to the queues that watch it
 * (docs/DESIGN.md, internal.portable).
 *
 * <h2>Edges on a level-triggered selector</h2>
 * A {@code Selector} reports a key at every {@code select} while its channel is ready. Each
 * operation that fired is taken out of the key's interest set at once, so the thread does not
 * spin on a socket nobody reads; the socket puts it back ({@link #enable}) when its user finds the
 * side drained (a receive or send that came back short or empty), which is also when the next
 * edge matters. Between the two, the socket's readiness word holds the bit: either the word says
 * ready or the selector watches, never neither. A report of the round in which the socket found
 * that side drained is not believed but looked at again next round: the select may have seen
 * readiness the drain then took, and a level interest would report a socket with nothing there.
 *
 * <h2>Close</h2>
 * The JDK defers the close of a channel registered with a selector until the selector drops its
 * key, and shuts its output down meanwhile: a connection closed with unread bytes would then end
 * with FIN (the peer reads end of stream) before its reset, where the Linux engine resets it at
 * once. So a socket's close cancels its key and has this thread close the channel once the key
 * is gone ({@link #close}), waiting for it: the kernel sees one plain close, made before
 * {@code close} returns (a closed listener refuses the next connect), as on Linux.
 *
 * <p><b>Threading:</b> any thread registers, enables and cancels; the JDK applies such changes at
 * the selector's next round, so each one that matters wakes it.
 */
final class PortableSelector implements Runnable {
    static final String THREAD_NAME = "kevent-portable-selector";

    /** Read by every would-block of every portable socket: volatile, so no monitor is taken then. */
    private static volatile PortableSelector shared;

    private final Selector selector;
    /**
     * Counts the selector's rounds: one more before each {@code select}. A socket notes the round
     * it found a side drained in; a report of that same round may predate the drain and is
     * checked again instead ({@link PortableChannel#staleOps}).
     */
    private volatile long round;
    /** Channels whose key was cancelled, to close once the selector dropped it. */
    private final ConcurrentLinkedQueue<Closing> closing = new ConcurrentLinkedQueue<>();
    private Thread thread;

    /** A close handed to the selector's thread, and its outcome. */
    private record Closing(SelectableChannel channel, CompletableFuture<IOException> done) {
    }

    private PortableSelector(Selector selector) {
        this.selector = selector;
    }

    /** @return the shared selector, its thread started on first use */
    static PortableSelector get() {
        PortableSelector s = shared;
        return s != null ? s : start();
    }

    private static synchronized PortableSelector start() {
        if (shared == null) {
            Selector s;
            try {
                s = Selector.open();
            } catch (IOException e) {
                throw PortableErrors.exception("Selector.open", e, "starting the portable engine's socket selector");
            }
            PortableSelector made = new PortableSelector(s);
            Thread t = new Thread(made, THREAD_NAME);
            made.thread = t;
            t.setDaemon(true);
            t.start();
            shared = made;
        }
        return shared;
    }

    /**
     * Registers a channel (nonblocking) for the operations {@code ops}.
     *
     * @return its key
     * @throws ClosedChannelException if the channel is closed
     */
    SelectionKey register(SelectableChannel channel, int ops, PortableChannel owner) throws ClosedChannelException {
        SelectionKey key = channel.register(selector, ops, owner);
        selector.wakeup();
        return key;
    }

    /** Puts {@code ops} back into a key's interest set, waking the selector only if one was out. */
    void enable(SelectionKey key, int ops) {
        try {
            if ((key.interestOps() & ops) != ops) {
                key.interestOpsOr(ops);
                selector.wakeup();
            }
        } catch (CancelledKeyException closed) {
            // The socket closed meanwhile: nothing to watch.
        }
    }

    /** @return the channel's key with this selector, or null */
    SelectionKey keyOf(SelectableChannel channel) {
        return channel.keyFor(selector);
    }

    /**
     * Cancels a channel's key and closes the channel once the selector dropped the key, waiting
     * for that (a round of the selector's thread; uninterruptible, as a close is).
     *
     * @return what the close threw, or null
     */
    IOException close(SelectableChannel channel, SelectionKey key) {
        key.cancel();
        CompletableFuture<IOException> done = new CompletableFuture<>();
        closing.add(new Closing(channel, done));
        selector.wakeup();
        return Thread.currentThread() == thread ? null : done.join();
    }

    @Override
    public void run() {
        for (;;) {
            try {
                round = round + 1; // this thread alone writes it
                selector.select(this::fired);
            } catch (IOException | RuntimeException e) {
                // Not expected of a live selector: logged, and the loop goes on, since every
                // portable socket's readiness and every close depend on this thread.
                System.getLogger("org.kevent").log(System.Logger.Level.ERROR, "portable socket selector failed", e);
            }
            closeDropped();
        }
    }

    /** Closes the channels whose keys this round dropped; one cancelled too late waits a round. */
    private void closeDropped() {
        for (int n = closing.size(); n > 0; n--) {
            Closing c = closing.poll();
            if (c.channel.isRegistered()) {
                closing.add(c);
                selector.wakeup();
                continue;
            }
            try {
                c.channel.close();
                c.done.complete(null);
            } catch (IOException e) {
                c.done.complete(e);
            }
        }
    }

    /** @return the current round (see {@link #round}) */
    long round() {
        return round;
    }

    private void fired(SelectionKey key) {
        try {
            int ready = key.readyOps();
            key.interestOpsAnd(~ready);
            int again = ((PortableChannel) key.attachment()).onSelected(ready, round);
            if (again != 0) {
                // Looked at again next round (the select returns at once if still ready).
                key.interestOpsOr(again);
            }
        } catch (CancelledKeyException closed) {
            // Closed while selected: its close told everyone already.
        }
    }
}
