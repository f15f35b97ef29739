package org.kevent.cli.stress;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters every scenario adds to: operations done, events delivered, events lost or
 * duplicated, waiters found stuck, and the longest single wait that ended with events; and those of
 * the waiter protocol checks (the {@code waiters} scenario): waits that ended short and were checked,
 * waits proven to have timed out while an event was obtainable, and level rotation gaps over their
 * bound.
 *
 * <p><b>Threading:</b> every method may be called from any thread; reads are snapshots.
 */
public final class StressStats {
    private final LongAdder operations = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong stuck = new AtomicLong();
    private final AtomicLong longestWaitNanos = new AtomicLong();
    private final LongAdder timeoutsChecked = new LongAdder();
    private final LongAdder benignRaces = new LongAdder();
    private final AtomicLong timedOutWhileObtainable = new AtomicLong();
    private final LongAdder rotationDeliveries = new LongAdder();
    private final AtomicLong rotationGapsOverBound = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> notes = new ConcurrentLinkedQueue<>();

    /** @param n operations done (ctl records, triggers, waits, bytes-moving calls, rounds) */
    public void operations(long n) {
        operations.add(n);
    }

    /** @param n events handed out by a queue */
    public void delivered(long n) {
        delivered.add(n);
    }

    /**
     * Records events that were due and never came.
     *
     * @param n    how many
     * @param what which scenario and what was missing, for the summary
     */
    public void lost(long n, String what) {
        if (n > 0) {
            lost.addAndGet(n);
            failures.add(what);
        }
    }

    /**
     * Records events that came more often than they were caused.
     *
     * @param n    how many
     * @param what which scenario and what came twice, for the summary
     */
    public void duplicated(long n, String what) {
        if (n > 0) {
            duplicated.addAndGet(n);
            failures.add(what);
        }
    }

    /** @param what a waiter that did not return within the bound while events were ready */
    public void stuck(String what) {
        stuck.incrementAndGet();
        failures.add(what);
    }

    /** @param what anything else that went wrong (a thread died, a wrong value), for the summary */
    public void failed(String what) {
        failures.add(what);
    }

    /** @param nanos one wait that ended with events; kept if it is the longest so far */
    public void waited(long nanos) {
        longestWaitNanos.accumulateAndGet(nanos, Math::max);
    }

    /**
     * Counts one wait that returned fewer than its {@code min} events and was checked with a
     * zero-timeout wait right after it.
     *
     * @param benignRace whether that check took events without proving any of them obtainable
     *                   throughout the short wait (a race, not a finding)
     */
    public void timeoutChecked(boolean benignRace) {
        timeoutsChecked.increment();
        if (benignRace) {
            benignRaces.increment();
        }
    }

    /**
     * Counts a wait proven to have returned fewer than its {@code min} events while an event it
     * could take was obtainable all along (docs/SEMANTICS.md §5). The scenario adds the failure
     * line (with examples) itself, once, so thousands of findings make one line.
     */
    public void countTimedOutWhileObtainable() {
        timedOutWhileObtainable.incrementAndGet();
    }

    /** @param n deliveries of a level rotation set recorded in the queue's order and checked */
    public void rotationChecked(long n) {
        rotationDeliveries.add(n);
    }

    /**
     * Counts one gap between two deliveries of a level source, counted in deliveries of its set,
     * larger than the set (a source skipped for a round, docs/SEMANTICS.md §3). The scenario adds
     * the failure line itself.
     */
    public void countRotationGapOverBound() {
        rotationGapsOverBound.incrementAndGet();
    }

    /** @param what a figure worth reading that is no failure, printed in the summary */
    public void note(String what) {
        notes.add(what);
    }

    /** @return short waits checked */
    public long timeoutsChecked() {
        return timeoutsChecked.sum();
    }

    /** @return short waits whose check took events without a proof (races, not findings) */
    public long benignRaces() {
        return benignRaces.sum();
    }

    /** @return waits proven to have timed out while an event was obtainable */
    public long timedOutWhileObtainable() {
        return timedOutWhileObtainable.get();
    }

    /** @return level rotation deliveries checked */
    public long rotationDeliveries() {
        return rotationDeliveries.sum();
    }

    /** @return level rotation gaps over their bound */
    public long rotationGapsOverBound() {
        return rotationGapsOverBound.get();
    }

    /** @return whether any waiter protocol check ran or found something (the summary then prints them) */
    public boolean waiterChecksRan() {
        return timeoutsChecked() > 0 || rotationDeliveries() > 0 || timedOutWhileObtainable() > 0
                || rotationGapsOverBound() > 0;
    }

    /** @return figures worth reading, one line each */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** @return operations so far */
    public long operations() {
        return operations.sum();
    }

    /** @return events delivered so far */
    public long delivered() {
        return delivered.sum();
    }

    /** @return events lost */
    public long lost() {
        return lost.get();
    }

    /** @return events duplicated (or delivered without a cause) */
    public long duplicated() {
        return duplicated.get();
    }

    /** @return waiters found stuck */
    public long stuck() {
        return stuck.get();
    }

    /** @return the longest wait that ended with events, in ns */
    public long longestWaitNanos() {
        return longestWaitNanos.get();
    }

    /** @return what went wrong, one line each */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * @return whether nothing was lost, duplicated or stuck, no wait timed out while an event was
     *         obtainable and no level rotation gap was over its bound
     */
    public boolean clean() {
        return lost() == 0 && duplicated() == 0 && stuck() == 0 && timedOutWhileObtainable() == 0
                && rotationGapsOverBound() == 0 && failures.isEmpty();
    }
}
