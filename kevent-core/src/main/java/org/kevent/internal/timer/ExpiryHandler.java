package org.kevent.internal.timer;

/**
 * Receives the nodes that {@link TimerWheel#expire} finds due.
 *
 * <p><em>Semantics.</em> The node is already unscheduled when {@link #onExpiry} runs, so a periodic
 * timer simply schedules itself again. The handler may schedule or cancel any node of the same
 * wheel; a node it schedules is never handed out by the call that is running, even when already
 * due.
 *
 * <p><em>Threading.</em> Runs on the thread that called {@code expire}, under the same guard.
 *
 * <p><em>Caveats.</em> The handler must not call {@code expire} on the same wheel. If it throws, the
 * node it was given stays unscheduled and every node not yet handed out stays due for the next call.
 */
@FunctionalInterface
public interface ExpiryHandler {
    /**
     * Called once for each due node.
     *
     * @param node the due node, already unscheduled; {@link TimerNode#deadline()} still holds the
     *     deadline it was scheduled with
     * @param now the wheel's time for this call: the largest {@code nowNanos} it has been given, which
     *     is at least the node's deadline
     */
    void onExpiry(TimerNode node, long now);
}
