package org.kevent.cli.stress;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters every scenario adds to: operations done, events delivered, events lost or
 * duplicated, waiters found stuck, and the longest single wait that ended with events.
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
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

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

    /** @return whether nothing was lost, duplicated or stuck */
    public boolean clean() {
        return lost() == 0 && duplicated() == 0 && stuck() == 0 && failures.isEmpty();
    }
}
