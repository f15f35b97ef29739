package org.kevent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference model of one queue's USER and TIMER semantics (docs/SEMANTICS.md §3–6), written from the
 * specification and kept small enough to check by reading. {@link ModelPropertiesTest} runs random
 * operation sequences against it and against a real {@link KeventQueue} on a manual clock, and
 * compares every result and every delivered event.
 *
 * <h2>What it says</h2>
 * <ul>
 *   <li>Interests are keyed by (type, id); a batch record fails alone with {@code EINVAL} (bad
 *       flags, ONESHOT with DISPATCH, empty or foreign event bits, a negative relative delay or a
 *       negative period: checked first), {@code EEXIST}, {@code ENOENT} or {@code ENOSPC} (the
 *       cap) (§4). An absolute deadline in the past is valid: it is due at once.</li>
 *   <li>The ready list is FIFO: an interest joins its tail when it gets activity while enabled and
 *       is not already on it; later activity only adds to its count (§1, §2 USER/TIMER).</li>
 *   <li>USER: {@code trigger} adds one to the count, also while disabled (§4, DISPATCH).</li>
 *   <li>REMOVE, TRIGGER and ENABLE match on (type, id) only: {@code ENOENT} if unknown; TRIGGER
 *       of a record that is not USER is {@code EINVAL}. Their single-record shorthands fail with
 *       the same errno; the batch {@code trigger} counts the registered ids instead.</li>
 *   <li>TIMER: a timer is seen to fire when the queue looks at the clock, which it does when a
 *       wait starts or sleeps (each kernel wake-up), and when a control record arms a timer that is
 *       already due. Then every due timer fires, oldest deadline first (ties in arming order); data
 *       counts the expirations since the last delivery (a periodic timer keeps its phase and counts
 *       the ones it missed), data2 is the clock reading at which it fired.</li>
 *   <li>A wait that must block "sleeps" until the next timer deadline or its own deadline: the
 *       manual clock of the test moves exactly there, as the fake kernel moves it.</li>
 *   <li>Delivery hands out the head of the ready list with {@code RET_DONE}, the current cookie,
 *       and the count, then applies the mode (§3): ONESHOT removes, DISPATCH disables, level and ET
 *       keep it (for USER and TIMER the condition is "undelivered activity", which the delivery
 *       consumed, so level and ET behave alike). Only ONESHOT removes: a fired single-expiry
 *       timer stays registered, disarmed, until MODIFY re-arms it or REMOVE removes it.</li>
 *   <li>MODIFY replaces flags and cookie and re-enables; a USER interest with undelivered triggers
 *       is queued again at once; a TIMER is re-armed from now and loses its old expirations.</li>
 *   <li>REMOVE (explicit) drops the interest from the ready list and marks its uncommitted ring
 *       slots removed (§4). A removal by the interest's own delivery (ONESHOT) is not a
 *       REMOVE: slots already in the ring stay delivered (§6: lost by nothing).</li>
 *   <li>{@code wakeup()} makes the next blocking wait return at once, possibly with nothing; a
 *       wait that does not block (its {@code min} is already met, or zero) leaves it pending.</li>
 *   <li>Ring (§6): {@code await} looks at the clock like any wait, fills free slots from the ready
 *       list, blocks (as a wait for the missing count, at most the free slots) if fewer than
 *       {@code min} are readable, fills again, and returns the end sequence.</li>
 * </ul>
 *
 * <p>Not modelled: WAKEUP_ALL (single-threaded, it changes nothing observable), attachments, fd
 * sources.
 */
final class ModelQueue {
    /** One delivered event, as a getEvents buffer or a ring slot shows it. */
    record Ev(EventType type, long id, int events, int flags, long data, long data2, long cookie) {
        @Override
        public String toString() {
            return type + "/" + id + " ev=" + events + " fl=" + flags + " data=" + data + " data2=" + data2
                    + " cookie=" + cookie;
        }
    }

    /** One readable ring slot: the event and whether its interest was removed since. */
    record Slot(Ev event, boolean removed) {
        @Override
        public String toString() {
            return (removed ? "REMOVED " : "") + event;
        }
    }

    private record Key(EventType type, long id) {
    }

    private static final class Interest {
        final EventType type;
        final long id;
        int flags;
        long cookie;
        boolean enabled = true;
        long count;
        long data2;
        boolean onReady;
        // TIMER only
        boolean armed;
        long deadline;
        long period;
        long armOrder;

        Interest(EventType type, long id) {
            this.type = type;
            this.id = id;
        }
    }

    private static final class RingSlot {
        final Ev event;
        final Interest owner;
        boolean removed;

        RingSlot(Ev event, Interest owner) {
            this.event = event;
            this.owner = owner;
        }
    }

    private final Map<Key, Interest> table = new LinkedHashMap<>();
    private final List<Interest> ready = new ArrayList<>();
    private final int cap;
    private final int ringCapacity;
    private final List<RingSlot> ring = new ArrayList<>();
    private long committed;
    private long now;
    private long armCounter;
    private boolean wakeupPending;

    ModelQueue(long now, int cap, int ringCapacity) {
        this.now = now;
        this.cap = cap;
        this.ringCapacity = ringCapacity;
    }

    long now() {
        return now;
    }

    int registered() {
        return table.size();
    }

    int readyCount() {
        return ready.size();
    }

    // ---------------------------------------------------------------------------------- control

    /** @return null on success, else the errno name the record must fail with */
    String ctl(CtlOp op, Ukevent r) {
        Key key = new Key(r.type(), r.id());
        Interest i = table.get(key);
        switch (op) {
            case REMOVE:
                return remove(r.type(), r.id());
            case TRIGGER:
                return r.type() == EventType.USER ? trigger(r.id()) : "EINVAL";
            case ENABLE:
                return enable(r.type(), r.id());
            default:
                break;
        }
        if (!valid(r)) {
            return "EINVAL";
        }
        if (op == CtlOp.ADD) {
            if (i != null) {
                return "EEXIST";
            }
            if (table.size() >= cap) {
                return "ENOSPC";
            }
            i = new Interest(r.type(), r.id());
            table.put(key, i);
        } else if (i == null) {
            return "ENOENT";
        }
        i.flags = r.flags();
        i.cookie = r.cookie();
        i.enabled = true;
        if (i.type == EventType.TIMER) {
            // Arming anew: expirations of an old setting are dropped, also from the ready list.
            i.count = 0;
            unready(i);
            long deadline = r.timerAbsolute() ? r.timerValue() : now + r.timerValue();
            i.armed = true;
            i.deadline = deadline;
            i.period = r.periodNanos();
            i.armOrder = armCounter++;
            if (deadline <= now) {
                fireDueTimers();
            }
        } else if (i.count > 0) {
            queue(i);
        }
        return null;
    }

    private static boolean valid(Ukevent r) {
        int f = r.flags();
        return (f & ~Kevent.REQ_MASK) == 0
                && (f & (Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH)) != (Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH)
                && r.events() != 0 && (r.events() & ~r.type().validEvents()) == 0
                && (r.type() != EventType.TIMER || r.timerAbsolute() || r.timerValue() >= 0)
                && (r.type() == EventType.TIMER ? r.periodNanos() >= 0 : r.periodNanos() == 0);
    }

    /**
     * Explicit removal (ctl REMOVE or {@code remove}): its uncommitted ring slots read as removed.
     *
     * @return null, or the errno of the failure
     */
    String remove(EventType type, long id) {
        Interest i = table.remove(new Key(type, id));
        if (i == null) {
            return "ENOENT";
        }
        unready(i);
        for (RingSlot s : ring) {
            if (s.owner == i) {
                s.removed = true;
            }
        }
        return null;
    }

    /** @return null, or the errno of the failure */
    String trigger(long id) {
        Interest i = table.get(new Key(EventType.USER, id));
        if (i == null) {
            return "ENOENT";
        }
        i.count++;
        queue(i);
        return null;
    }

    /** @return null, or the errno of the failure */
    String enable(EventType type, long id) {
        Interest i = table.get(new Key(type, id));
        if (i == null) {
            return "ENOENT";
        }
        i.enabled = true;
        queue(i);
        return null;
    }

    void wakeup() {
        wakeupPending = true;
    }

    /** Time passes with nobody waiting: nothing happens until a wait looks at the clock. */
    void advance(long nanos) {
        now += nanos;
    }

    // ---------------------------------------------------------------------------------- waiting

    List<Ev> getEvents(int min, int max, long timeoutNanos) {
        awaitReady(min, timeoutNanos);
        List<Ev> out = new ArrayList<>();
        while (out.size() < max && !ready.isEmpty()) {
            Interest i = ready.getFirst();
            out.add(deliver(i));
        }
        return out;
    }

    /** Waits until {@code need} are ready, the timeout, or a pending wake-up; time moves while it sleeps. */
    private void awaitReady(int need, long timeoutNanos) {
        long deadline = now + Math.max(1, timeoutNanos);
        for (;;) {
            fireDueTimers();
            if (need == 0 || ready.size() >= need || timeoutNanos == 0) {
                return;
            }
            if (wakeupPending) {
                wakeupPending = false;
                return;
            }
            if (now >= deadline) {
                return;
            }
            now = Math.min(deadline, nextTimerDeadline());
        }
    }

    private Ev deliver(Interest i) {
        unready(i);
        Ev ev = new Ev(i.type, i.id, 1, Kevent.RET_DONE, i.count, i.type == EventType.TIMER ? i.data2 : 0, i.cookie);
        i.count = 0;
        if ((i.flags & Kevent.REQ_ONESHOT) != 0) {
            table.remove(new Key(i.type, i.id));
        } else if ((i.flags & Kevent.REQ_DISPATCH) != 0) {
            i.enabled = false;
        }
        return ev;
    }

    // ---------------------------------------------------------------------------------- ring

    long ringAwait(int min, long timeoutNanos) {
        fireDueTimers();
        fillRing();
        int readable = ring.size();
        if (readable < min) {
            awaitReady(Math.min(min - readable, ringCapacity - readable), timeoutNanos);
            fillRing();
        }
        return ringEnd();
    }

    private void fillRing() {
        while (ring.size() < ringCapacity && !ready.isEmpty()) {
            Interest i = ready.getFirst();
            ring.add(new RingSlot(deliver(i), i));
        }
    }

    void ringCommit(long upTo) {
        if (upTo < committed || upTo > ringEnd()) {
            throw new IllegalArgumentException("commit " + upTo + " outside [" + committed + ", " + ringEnd() + "]");
        }
        ring.subList(0, (int) (upTo - committed)).clear();
        committed = upTo;
    }

    long ringCommitted() {
        return committed;
    }

    long ringEnd() {
        return committed + ring.size();
    }

    List<Slot> readableSlots() {
        return ring.stream().map(s -> new Slot(s.event, s.removed)).toList();
    }

    // ---------------------------------------------------------------------------------- internals

    private void queue(Interest i) {
        if (i.enabled && i.count > 0 && !i.onReady) {
            i.onReady = true;
            ready.add(i);
        }
    }

    private void unready(Interest i) {
        if (i.onReady) {
            i.onReady = false;
            ready.remove(i);
        }
    }

    private long nextTimerDeadline() {
        long next = Long.MAX_VALUE;
        for (Interest i : table.values()) {
            if (i.armed) {
                next = Math.min(next, i.deadline);
            }
        }
        return next;
    }

    private void fireDueTimers() {
        List<Interest> due = table.values().stream()
                .filter(i -> i.armed && i.deadline <= now)
                .sorted(Comparator.comparingLong((Interest i) -> i.deadline).thenComparingLong(i -> i.armOrder))
                .toList();
        for (Interest i : due) {
            long expirations = 1;
            if (i.period > 0) {
                expirations = (now - i.deadline) / i.period + 1;
                i.deadline += expirations * i.period;
                i.armOrder = armCounter++;
            } else {
                i.armed = false;
            }
            i.count += expirations;
            i.data2 = now;
            queue(i);
        }
    }
}
