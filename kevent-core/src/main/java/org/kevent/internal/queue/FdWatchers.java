package org.kevent.internal.queue;

import java.util.Arrays;

/**
 * The descriptors a queue's kinds watch in its kernel wait set, by token: the one place a token
 * is made and read. A token is {@code generation << 32 | slot}; the kernel hands it back with each
 * report ({@code epoll_event.data}), and {@link #watcher} answers only while the slot still holds
 * that generation, so a report collected before an {@code unwatch} never reaches the slot's next
 * owner.
 *
 * <h2>Threading</h2>
 * Not thread-safe: the queue's lock guards it.
 */
public final class FdWatchers {
    /**
     * Receives the readiness the kernel reported for a descriptor in the queue's epoll set. Called
     * with the queue lock held, by the thread that harvested the kernel events.
     */
    @FunctionalInterface
    public interface Watcher {
        /**
         * @param epollEvents the {@code EPOLL*} bits reported
         */
        void onFdEvents(int epollEvents);
    }

    private Watcher[] watchers = new Watcher[16];
    private int[] generations = new int[16];
    private int[] freeSlots = new int[16];
    private int freeCount;
    private int slotsUsed;
    private int watched;

    FdWatchers() {
        Arrays.fill(generations, 1);
    }

    /**
     * Reserves a slot for {@code watcher}; its token is good from now until {@link #remove}
     * (also the way back for a token whose registration the kernel refused).
     *
     * @return the token, positive
     */
    long add(Watcher watcher) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (slotsUsed == watchers.length) {
                grow();
            }
            slot = slotsUsed++;
        }
        watchers[slot] = watcher;
        watched++;
        return (long) generations[slot] << 32 | slot;
    }

    /**
     * Ends a token: its slot takes a new generation and is free again.
     *
     * @return whether the token was current (a second removal, or a stale token, does nothing)
     */
    boolean remove(long token) {
        int slot = (int) token;
        if (watcher(token) == null) {
            return false;
        }
        watchers[slot] = null;
        int next = generations[slot] + 1;
        generations[slot] = next == 0 ? 1 : next;
        freeSlots[freeCount++] = slot;
        watched--;
        return true;
    }

    /** @return the watcher of a current token, or null for a stale or unknown one */
    Watcher watcher(long token) {
        int slot = (int) token;
        if (slot < 0 || slot >= watchers.length || generations[slot] != (int) (token >>> 32)) {
            return null;
        }
        return watchers[slot];
    }

    /**
     * Hands the descriptor events of one poll to their watchers; a report whose token went stale
     * since the poll (its descriptor unwatched meanwhile) reaches nobody. Lock held.
     *
     * @param poller the poller that collected them
     * @param set    {@link Poller#HARVEST_SET} or {@link Poller#WAIT_SET}
     */
    void dispatch(Poller poller, int set) {
        int n = poller.polledCount(set);
        for (int k = 0; k < n; k++) {
            Watcher w = watcher(poller.polledToken(set, k));
            if (w != null) {
                w.onFdEvents(poller.polledEvents(set, k));
            }
        }
    }

    /** @return descriptors watched now */
    int size() {
        return watched;
    }

    private void grow() {
        int n = watchers.length * 2;
        watchers = Arrays.copyOf(watchers, n);
        generations = Arrays.copyOf(generations, n);
        Arrays.fill(generations, n / 2, n, 1);
        freeSlots = Arrays.copyOf(freeSlots, n);
    }
}
