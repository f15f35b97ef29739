package org.kevent.internal.timer;

/**
 * An intrusive entry of a {@link TimerWheel}: the engine's interest class extends it, so scheduling
 * a timer links an object that already exists and allocates nothing.
 *
 * <p><em>Semantics.</em> A node is either unscheduled or scheduled in exactly one wheel. The links
 * and the bucket index are the wheel's business; subclasses see only {@link #deadline()} and
 * {@link #isScheduled()}.
 *
 * <p><em>Threading.</em> None of its own: a node is read and written under whatever guards the wheel
 * that holds it.
 *
 * <p><em>Caveats.</em> A node scheduled in one wheel must not be cancelled through another; the wheel
 * cannot tell cheaply, and the lists of both would be corrupted.
 */
public abstract class TimerNode {
    /** Bucket value of a node that is in no wheel. */
    static final int UNSCHEDULED = -1;

    /** The deadline last scheduled, in {@link System#nanoTime()} units. */
    long deadline;
    /** Neighbours in the bucket's circular list (which has a sentinel); null while unscheduled. */
    TimerNode prev;
    TimerNode next;
    /**
     * Index of the bucket the node was placed in (a pre-split or spliced node keeps the index of
     * its higher-level slot), or {@link #UNSCHEDULED}; only "scheduled or not" and "pending or
     * not" are read from it.
     */
    int bucket = UNSCHEDULED;

    /** Creates an unscheduled node. */
    protected TimerNode() {
    }

    /**
     * The deadline given to the last {@link TimerWheel#schedule} of this node.
     *
     * @return the deadline in {@link System#nanoTime()} units; meaningful while the node is scheduled
     *     and inside {@link ExpiryHandler#onExpiry}, stale afterwards
     */
    public final long deadline() {
        return deadline;
    }

    /**
     * Whether the node is in a wheel: scheduled and not yet handed to an expiry handler nor
     * cancelled.
     *
     * @return true while scheduled
     */
    public final boolean isScheduled() {
        return bucket != UNSCHEDULED;
    }
}
