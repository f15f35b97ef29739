package org.kevent.internal.timer;

import java.util.Objects;

/**
 * A hierarchical timer wheel over {@link System#nanoTime()} deadlines: O(1) schedule and cancel,
 * intrusive nodes, no allocation after construction, and exact firing.
 *
 * <p>Time is cut into ticks of {@code 1 << tickShift} ns counted from the wheel's origin (the
 * {@code nowNanos} given to the constructor). A tick number has 6-bit digits; each digit is one
 * level of 64 slots with a 64-bit occupancy mask, so the next occupied slot of a level is one
 * {@link Long#numberOfTrailingZeros}. A node sits at the level of the highest digit in which its
 * tick differs from the wheel's cursor (the tick processed so far), in the slot named by that digit:
 *
 * <pre>
 *   tick = ... | digit 2 | digit 1 | digit 0 |      (6 bits each, as many levels as a long needs)
 *
 *   level 2  [ 0 | 1 | 2 |###| 4 | ... |63]   one slot = 4096 ticks, cascades into level 1
 *   level 1  [ 0 | 1 |###| 3 |###| ... |63]   one slot =   64 ticks, cascades into level 0
 *   level 0  [ 0 |###| 2 |###| 4 | ... |63]   one slot =    1 tick,  due nodes move to "pending"
 *                ^cursor digit                 ### = occupied (bit set in that level's mask)
 *
 *   pending: due nodes collected in order, handed to the ExpiryHandler up to the limit
 * </pre>
 *
 * <p>Occupied slots of a level always lie after the cursor's digit of that level (level 0 also uses
 * the cursor's own slot, the <em>current slot</em>). When the cursor reaches the start of a
 * higher-level slot, its nodes cascade down; a node moves down at most once per level, so the
 * total work is amortised O(levels) per node, and levels are few (9 for the default tick).
 *
 * <p><em>Semantics.</em>
 * <ul>
 *   <li>Deadlines and times are plain signed {@code long}s compared with {@code <=}; any value is
 *       allowed. Ticks only choose a bucket: {@link #expire} hands out exactly the nodes whose
 *       deadline is {@code <= now}, never one whose deadline is later, even within the same tick.
 *   <li>The wheel's time is the largest {@code nowNanos} given so far (initially the origin); an
 *       earlier value is treated as that time, so time never goes backwards inside the wheel.
 *   <li>A deadline at or before the wheel's time is due at the next {@code expire}.
 *   <li>Order: one call hands out nodes in nondecreasing tick order, ties in the order they were
 *       scheduled. A node scheduled when already overdue counts as belonging to the wheel's tick at
 *       the time it was scheduled (it is not reordered before nodes already waiting).
 *   <li>{@link #expire} first collects every due node, then hands them out, so nodes scheduled by a
 *       handler wait for the next call (as in libuv), and a limit that stops the call early leaves
 *       the rest due for the next call, in the same order.
 *   <li>{@link #nextDeadline} is a lower bound of the earliest deadline, cheap enough to compute on
 *       every arm of the kernel timer; after an {@code expire(t)} that returned less than its limit
 *       it is {@code > t}, unless a handler scheduled a node that is already due.
 * </ul>
 *
 * <p><em>Threading.</em> Not thread-safe: every method must run under the lock of the queue that
 * owns the wheel. Handlers run on the calling thread and may call {@link #schedule} and
 * {@link #cancel}, but not {@link #expire}.
 *
 * <p><em>Caveats.</em>
 * <ul>
 *   <li>Times are ordered as signed longs, not by {@code nanoTime}'s wrap-around difference: a clock
 *       that wraps (292 years after its origin) is not supported.
 *   <li>Deadlines before the origin share tick 0 and deadlines more than {@code Long.MAX_VALUE} ns
 *       after it share the last tick; both still fire exactly, they merely share a bucket.
 *   <li>Nodes of the current tick that are not yet due are scanned again by each {@code expire} in
 *       that tick; keep the tick short (the default is 1024 ns) so few share one.
 *   <li>{@link #nextDeadline} is the earliest deadline as long as no node was cancelled from the
 *       slot that holds it; after such a cancel it may be earlier (a bound kept per slot, never
 *       raised by a cancel), and a caller that arms a timer there sees an {@code expire} that
 *       returns 0 now and then.
 *   <li>A deadline of exactly {@link #NO_DEADLINE} may make {@code nextDeadline()} return
 *       {@code NO_DEADLINE} while the wheel is not empty; such a node fires only at that very time.
 * </ul>
 */
public final class TimerWheel {
    /** What {@link #nextDeadline()} returns when no node is scheduled. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    /** Default tick: 1 &lt;&lt; 10 = 1024 ns, fine enough that few timers share a tick. */
    public static final int DEFAULT_TICK_SHIFT = 10;
    /** Largest tick shift: a tick of 2^62 ns leaves two ticks, one level. */
    public static final int MAX_TICK_SHIFT = 62;

    private static final int SLOT_BITS = 6;
    private static final int SLOTS = 1 << SLOT_BITS;
    private static final int SLOT_MASK = SLOTS - 1;

    /** A bucket's list head; never handed out, never counted. */
    private static final class Sentinel extends TimerNode {
        Sentinel(int bucket) {
            this.bucket = bucket;
            prev = this;
            next = this;
        }
    }

    private final long origin;
    private final int tickShift;
    private final int levels;
    /** Per level, bit s set iff slot s is non-empty. */
    private final long[] occupied;
    /**
     * Per wheel bucket, a lower bound of its deadlines: exact after inserts, possibly stale-low
     * after cancels. It lets {@link #nextDeadline} name the earliest deadline itself rather than the
     * start of the slot that holds it, so a kernel timer armed there does not wake once per level
     * on the way down (a spurious readiness of the queue's fd, a wasted wake-up of its poller).
     */
    private final long[] bucketMin;
    /**
     * Pre-split state of higher-level slots (level 2 and up), so that reaching such a slot costs
     * 64 list splices instead of moving every node in it at once. A level-2 slot spans 4.2 ms and a
     * level-3 slot 268 ms of 1 µs ticks: with 100,000 timers a second, the one-shot cascade of a
     * level-3 slot moved ~27,000 nodes under the queue lock (milliseconds, each node a cache miss),
     * and every timer due meanwhile fired that late. Instead, each {@code expire} moves a few
     * nodes ({@link #PRESPLIT_BATCH}) of the next such slot into 64 sub-lists, one per digit of the
     * level below; when the cursor reaches the slot, the sub-lists become the lower level's
     * buckets by splicing.
     */
    private final TimerNode[][] subHeads;
    private final long[][] subMin;
    private final long[] subOccupied;
    private final boolean[] splitting;
    /** Nodes moved into sub-lists per {@code expire}: a few µs of work, spread out. */
    static final int PRESPLIT_BATCH = 32;
    /** Nodes linked anywhere by the wheel since creation; lets tests bound the work of one call. */
    long moves;
    /** levels * 64 wheel buckets, then the pending bucket. */
    private final TimerNode[] sentinels;
    private final int pendingBucket;
    private final TimerNode pending;

    /** The largest time given to expire (or the origin): the wheel's time. */
    private long now;
    /** Tick (relative to the origin) up to which slots have been processed. */
    private long cursor;
    /** Lower bound of the deadlines in the current slot; meaningful while it is occupied. */
    private long currentSlotMin;
    /** Lower bound of the deadlines in pending; meaningful while it is non-empty. */
    private long pendingMin;
    private int size;
    private boolean expiring;

    /**
     * Creates an empty wheel with the default tick of 1024 ns.
     *
     * @param nowNanos the current {@link System#nanoTime()}; becomes the origin and the wheel's time
     */
    public TimerWheel(long nowNanos) {
        this(nowNanos, DEFAULT_TICK_SHIFT);
    }

    /**
     * Creates an empty wheel with a tick of {@code 1 << tickShift} ns.
     *
     * @param nowNanos the current {@link System#nanoTime()}; becomes the origin and the wheel's time
     * @param tickShift log2 of the tick in ns, 0 to {@value #MAX_TICK_SHIFT}
     * @throws IllegalArgumentException if {@code tickShift} is out of range
     */
    public TimerWheel(long nowNanos, int tickShift) {
        if (tickShift < 0 || tickShift > MAX_TICK_SHIFT) {
            throw new IllegalArgumentException(
                    "tickShift must be 0.." + MAX_TICK_SHIFT + ": " + tickShift);
        }
        this.origin = nowNanos;
        this.now = nowNanos;
        this.tickShift = tickShift;
        // Relative times saturate at Long.MAX_VALUE, so ticks have 63 - tickShift bits.
        this.levels = Math.max(1, Math.ceilDiv(63 - tickShift, SLOT_BITS));
        this.occupied = new long[levels];
        this.pendingBucket = levels * SLOTS;
        this.bucketMin = new long[pendingBucket];
        this.subHeads = new TimerNode[pendingBucket][];
        this.subMin = new long[pendingBucket][];
        this.subOccupied = new long[pendingBucket];
        this.splitting = new boolean[pendingBucket];
        this.sentinels = new TimerNode[pendingBucket + 1];
        for (int b = 0; b < sentinels.length; b++) {
            sentinels[b] = new Sentinel(b);
        }
        this.pending = sentinels[pendingBucket];
    }

    /**
     * Schedules a node to fire once at {@code deadlineNanos}. O(1).
     *
     * @param node an unscheduled node
     * @param deadlineNanos a {@link System#nanoTime()} value; one at or before the wheel's time
     *     fires at the next {@link #expire}
     * @throws IllegalStateException if the node is already scheduled
     */
    public void schedule(TimerNode node, long deadlineNanos) {
        Objects.requireNonNull(node, "node");
        if (node.bucket != TimerNode.UNSCHEDULED) {
            throw new IllegalStateException("timer node already scheduled (deadline "
                    + node.deadline + "): " + node);
        }
        node.deadline = deadlineNanos;
        place(node, tickOf(deadlineNanos));
        size++;
    }

    /**
     * Unschedules a node. O(1). Safe from inside {@link ExpiryHandler#onExpiry} for any node, including
     * one due in the same call, which is then not handed out.
     *
     * @param node a node of this wheel, scheduled or not
     * @return true if the node was scheduled; false, and nothing changes, otherwise
     */
    public boolean cancel(TimerNode node) {
        if (node.bucket == TimerNode.UNSCHEDULED) {
            return false;
        }
        // The bucket's occupancy bit is left as it is: the node may sit in a sub-list or have been
        // spliced, so its bucket field names where it was placed, not necessarily where it is. An
        // empty bucket with its bit set is cleared when the cursor reaches it; until then it only
        // makes nextDeadline() earlier, which its contract allows after a cancel.
        unlink(node);
        size--;
        return true;
    }

    /**
     * Hands every node whose deadline is {@code <= nowNanos} to the handler, at most {@code limit}
     * of them, in nondecreasing tick order with ties in scheduling order. Each node is unscheduled
     * before its handler runs. Due nodes beyond the limit stay due, in order, for the next call.
     * Nodes the handlers schedule are never handed out by this call.
     *
     * @param nowNanos the current {@link System#nanoTime()}; a value earlier than one given before
     *     counts as that earlier call's value
     * @param handler receives each due node and the wheel's time
     * @param limit the most nodes to hand out, at least 1
     * @return how many nodes were handed out
     * @throws IllegalArgumentException if {@code limit < 1}
     * @throws IllegalStateException if called from inside a handler of this wheel
     */
    public int expire(long nowNanos, ExpiryHandler handler, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
        Objects.requireNonNull(handler, "handler");
        if (expiring) {
            throw new IllegalStateException("expire called from inside an expiry handler");
        }
        if (nowNanos > now) {
            now = nowNanos;
        }
        collectDue();
        expiring = true;
        int count;
        try {
            count = handOut(handler, limit);
        } finally {
            expiring = false;
        }
        tightenCurrentSlotMin();
        presplit(PRESPLIT_BATCH);
        return count;
    }

    /**
     * A lower bound of the earliest scheduled deadline, to arm the kernel timer with. O(levels).
     *
     * <p>Never later than the earliest deadline; equal to it unless a node was cancelled from the
     * slot that holds the earliest deadline, in which case it may be earlier. After an {@code expire(t)}
     * that returned less than its limit it is {@code > t}, unless a handler scheduled a node due by
     * then; a value at or before the wheel's time means: call {@link #expire} now.
     *
     * @return the bound, or {@link #NO_DEADLINE} when the wheel is empty
     */
    public long nextDeadline() {
        if (size == 0) {
            // Cancels leave occupancy bits behind (see cancel); an empty wheel must still say so.
            return NO_DEADLINE;
        }
        long best = NO_DEADLINE;
        if (pending.next != pending) {
            best = pendingMin;
        }
        // Not only pending: an overdue node scheduled after a limited expire waits in the current slot.
        if ((occupied[0] & (1L << currentDigit())) != 0) {
            best = Math.min(best, currentSlotMin);
        }
        int bucket = earliestBucket(false);
        if (bucket >= 0) {
            // Slots are disjoint in time, so the earliest occupied slot holds the earliest deadline;
            // its nodes also all lie at or after the slot's start.
            best = Math.min(best, Math.max(timeOf(startTick(bucket)), bucketMin[bucket]));
        }
        return best;
    }

    /**
     * How many nodes are scheduled, including due ones not yet handed out.
     *
     * @return the number of scheduled nodes
     */
    public int size() {
        return size;
    }

    /**
     * Whether no node is scheduled.
     *
     * @return true if {@link #size()} is 0
     */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * The wheel's time: the largest {@code nowNanos} given to {@link #expire}, or the origin.
     *
     * @return the wheel's time in {@link System#nanoTime()} units
     */
    public long currentTime() {
        return now;
    }

    // ---------------------------------------------------------------------------------------------

    /** Moves every due node into pending, processing occupied slots in time order. */
    private void collectDue() {
        final long nowTick = tickOf(now);
        int bucket;
        while ((bucket = earliestBucket(true)) >= 0) {
            long start = startTick(bucket);
            if (start > nowTick) {
                break;
            }
            cursor = start;
            if (bucket >= SLOTS) {
                cascade(bucket);
            } else if (start < nowTick) {
                moveAll(bucket);
            } else {
                // The tick of now itself: only part of it may have passed. Nothing later can be due.
                moveDue(bucket);
                break;
            }
        }
        if (nowTick > cursor) {
            // Every slot up to nowTick is empty now, so jumping keeps the placement invariant.
            cursor = nowTick;
        }
    }

    private int handOut(ExpiryHandler handler, int limit) {
        final long time = now;
        int count = 0;
        while (count < limit) {
            TimerNode node = pending.next;
            if (node == pending) {
                break;
            }
            // Unscheduled before the handler runs, so a throwing handler never sees it twice.
            unlink(node);
            size--;
            count++;
            handler.onExpiry(node, time);
        }
        return count;
    }

    /**
     * Recomputes the current slot's bound if handlers left it at or before now. Cancel never raises
     * the bound, so an already-due node that a handler scheduled and then cancelled would otherwise
     * keep nextDeadline at or before now, and a caller arming the timer there would spin. The scan
     * covers one tick and runs only after such handlers.
     */
    private void tightenCurrentSlotMin() {
        int digit = currentDigit();
        if ((occupied[0] & (1L << digit)) == 0 || currentSlotMin > now) {
            return;
        }
        long min = NO_DEADLINE;
        TimerNode head = sentinels[digit];
        for (TimerNode node = head.next; node != head; node = node.next) {
            min = Math.min(min, node.deadline);
        }
        currentSlotMin = min;
    }

    /** Re-places the nodes of a higher-level slot whose start the cursor has just reached. */
    private void cascade(int bucket) {
        if (splitting[bucket]) {
            spliceSplit(bucket);
        }
        TimerNode head = sentinels[bucket];
        TimerNode node;
        // In list order, so nodes of one tick keep their scheduling order in the lower slot. A
        // split slot's main list holds only nodes scheduled after every node of its sub-lists,
        // so placing them after the splice keeps that order too.
        while ((node = head.next) != head) {
            unlink(node);
            place(node, tickOf(node.deadline));
        }
        clearBit(bucket);
    }

    /**
     * The cursor has reached a pre-split slot (its start, so the digit below is 0): sub-lists 1..63
     * become the lower level's buckets by splicing; sub-list 0 is due within the lower level's
     * current slot and is placed node by node.
     */
    private void spliceSplit(int bucket) {
        splitting[bucket] = false;
        TimerNode[] subs = subHeads[bucket];
        long occupiedSubs = subOccupied[bucket];
        subOccupied[bucket] = 0;
        int lower = (bucket >>> SLOT_BITS) - 1;
        while (occupiedSubs != 0) {
            int digit = Long.numberOfTrailingZeros(occupiedSubs);
            occupiedSubs &= occupiedSubs - 1;
            TimerNode sub = subs[digit];
            if (sub.next == sub) {
                continue;
            }
            if (digit == 0) {
                TimerNode node;
                while ((node = sub.next) != sub) {
                    unlink(node);
                    place(node, tickOf(node.deadline));
                }
                continue;
            }
            int target = lower * SLOTS + digit;
            long min = subMin[bucket][digit];
            bucketMin[target] = (occupied[lower] & (1L << digit)) == 0 ? min : Math.min(bucketMin[target], min);
            splice(sub, sentinels[target]);
            occupied[lower] |= 1L << digit;
        }
    }

    /** Moves every node of the list at {@code from} to the end of the list at {@code to}, in O(1). */
    private static void splice(TimerNode from, TimerNode to) {
        TimerNode first = from.next;
        TimerNode last = from.prev;
        TimerNode tail = to.prev;
        tail.next = first;
        first.prev = tail;
        last.next = to;
        to.prev = last;
        from.next = from;
        from.prev = from;
    }

    /**
     * Moves up to {@code budget} nodes of the next occupied slots at level 2 and above into their
     * sub-lists. Nodes keep their bucket field (the slot's), which only matters for
     * {@link TimerNode#isScheduled} and the pending check.
     */
    private void presplit(int budget) {
        final long cur = cursor;
        // The nearest slot of each level from 2 up, nearest level first: the level-2 slot is
        // reached soonest, but a level-3 slot holds 64 times more and needs the head start.
        for (int level = 2; level < levels && budget > 0; level++) {
            int digit = (int) (cur >>> (level * SLOT_BITS)) & SLOT_MASK;
            long candidates = occupied[level] & (-2L << digit);
            if (candidates == 0) {
                continue;
            }
            int bucket = level * SLOTS + Long.numberOfTrailingZeros(candidates);
            TimerNode head = sentinels[bucket];
            if (head.next == head) {
                continue;
            }
            if (!splitting[bucket]) {
                startSplit(bucket);
            }
            int shift = (level - 1) * SLOT_BITS;
            TimerNode[] subs = subHeads[bucket];
            long[] mins = subMin[bucket];
            TimerNode node;
            while (budget > 0 && (node = head.next) != head) {
                int sub = (int) (tickOf(node.deadline) >>> shift) & SLOT_MASK;
                int b = node.bucket;
                unlink(node);
                appendSub(subs, mins, bucket, sub, node);
                node.bucket = b;
                budget--;
                moves++;
            }
        }
    }

    private void startSplit(int bucket) {
        if (subHeads[bucket] == null) {
            TimerNode[] subs = new TimerNode[SLOTS];
            for (int d = 0; d < SLOTS; d++) {
                subs[d] = new Sentinel(bucket);
            }
            subHeads[bucket] = subs;
            subMin[bucket] = new long[SLOTS];
        }
        splitting[bucket] = true;
    }

    private void appendSub(TimerNode[] subs, long[] mins, int bucket, int digit, TimerNode node) {
        long bit = 1L << digit;
        mins[digit] = (subOccupied[bucket] & bit) == 0 || subs[digit].next == subs[digit]
                ? node.deadline : Math.min(mins[digit], node.deadline);
        subOccupied[bucket] |= bit;
        TimerNode sub = subs[digit];
        TimerNode tail = sub.prev;
        node.prev = tail;
        node.next = sub;
        tail.next = node;
        sub.prev = node;
    }

    /** Moves a whole level-0 slot, a tick that has fully passed, to pending. */
    private void moveAll(int bucket) {
        TimerNode head = sentinels[bucket];
        TimerNode node;
        while ((node = head.next) != head) {
            unlink(node);
            appendPending(node);
        }
        clearBit(bucket);
    }

    /** Moves the due nodes of the current slot to pending; the rest set the slot's lower bound. */
    private void moveDue(int bucket) {
        final long time = now;
        long min = NO_DEADLINE;
        TimerNode head = sentinels[bucket];
        TimerNode node = head.next;
        while (node != head) {
            TimerNode next = node.next;
            if (node.deadline <= time) {
                unlink(node);
                appendPending(node);
            } else {
                min = Math.min(min, node.deadline);
            }
            node = next;
        }
        currentSlotMin = min;
        clearIfEmpty(bucket);
    }

    /**
     * Links a node into the slot for its tick: the current slot if the tick has been reached,
     * else the level of the highest 6-bit digit in which tick and cursor differ.
     */
    private void place(TimerNode node, long tick) {
        final long cur = cursor;
        int bucket;
        if (tick <= cur) {
            int digit = currentDigit();
            bucket = digit;
            currentSlotMin = (occupied[0] & (1L << digit)) == 0
                    ? node.deadline
                    : Math.min(currentSlotMin, node.deadline);
        } else {
            int level = (63 - Long.numberOfLeadingZeros(tick ^ cur)) / SLOT_BITS;
            int digit = (int) (tick >>> (level * SLOT_BITS)) & SLOT_MASK;
            bucket = level * SLOTS + digit;
            bucketMin[bucket] = (occupied[level] & (1L << digit)) == 0
                    ? node.deadline
                    : Math.min(bucketMin[bucket], node.deadline);
            TimerNode main = sentinels[bucket];
            if (splitting[bucket] && main.next == main) {
                // Straight into its sub-list; while the main list still has nodes, new ones queue
                // behind them there, so that one tick's nodes keep their scheduling order.
                int sub = (int) (tick >>> ((level - 1) * SLOT_BITS)) & SLOT_MASK;
                appendSub(subHeads[bucket], subMin[bucket], bucket, sub, node);
                node.bucket = bucket;
                occupied[level] |= 1L << digit;
                return;
            }
        }
        append(node, bucket);
        occupied[bucket >>> SLOT_BITS] |= 1L << (bucket & SLOT_MASK);
    }

    private void appendPending(TimerNode node) {
        pendingMin = pending.next == pending ? node.deadline : Math.min(pendingMin, node.deadline);
        append(node, pendingBucket);
    }

    /**
     * The earliest occupied slot: the first level with an occupied slot after the cursor's digit
     * (at level 0 also the cursor's own slot if {@code includeCurrent}), since every slot of a
     * level ends before any slot of the level above begins.
     *
     * @return its bucket index, or -1 if there is none
     */
    private int earliestBucket(boolean includeCurrent) {
        final long cur = cursor;
        for (int level = 0; level < levels; level++) {
            int digit = (int) (cur >>> (level * SLOT_BITS)) & SLOT_MASK;
            // -2L << digit keeps the bits above digit; it is 0 for digit 63, where -1L << 64 is not.
            long after = level == 0 && includeCurrent ? -1L << digit : -2L << digit;
            long candidates = occupied[level] & after;
            if (candidates != 0) {
                return level * SLOTS + Long.numberOfTrailingZeros(candidates);
            }
        }
        return -1;
    }

    /** The first tick of a slot: the cursor's digits above the slot's level, then its digit. */
    private long startTick(int bucket) {
        int shift = (bucket >>> SLOT_BITS) * SLOT_BITS;
        int above = shift + SLOT_BITS;
        // A shift of 64 or more would wrap in Java; above the top level there are no digits.
        long prefix = above >= Long.SIZE ? 0 : (cursor >>> above) << above;
        return prefix | ((long) (bucket & SLOT_MASK) << shift);
    }

    private int currentDigit() {
        return (int) cursor & SLOT_MASK;
    }

    /**
     * The tick of a time relative to the origin, saturating: earlier times are tick 0, and a
     * distance beyond Long.MAX_VALUE counts as Long.MAX_VALUE. Monotone, so ordering is kept.
     */
    private long tickOf(long time) {
        if (time <= origin) {
            return 0;
        }
        long relative = time - origin;
        if (relative < 0) {
            // time - origin is in (0, 2^64) as an unsigned number: it overflowed a long.
            relative = Long.MAX_VALUE;
        }
        return relative >>> tickShift;
    }

    /** The first nanosecond of a tick, saturating at Long.MAX_VALUE. */
    private long timeOf(long tick) {
        long time = origin + (tick << tickShift); // tick << tickShift <= Long.MAX_VALUE
        return time < origin ? NO_DEADLINE : time;
    }

    private void append(TimerNode node, int bucket) {
        moves++;
        TimerNode head = sentinels[bucket];
        TimerNode tail = head.prev;
        node.prev = tail;
        node.next = head;
        tail.next = node;
        head.prev = node;
        node.bucket = bucket;
    }

    private static void unlink(TimerNode node) {
        node.prev.next = node.next;
        node.next.prev = node.prev;
        node.prev = null;
        node.next = null;
        node.bucket = TimerNode.UNSCHEDULED;
    }

    private void clearIfEmpty(int bucket) {
        TimerNode head = sentinels[bucket];
        if (head.next == head) {
            clearBit(bucket);
        }
    }

    private void clearBit(int bucket) {
        occupied[bucket >>> SLOT_BITS] &= ~(1L << (bucket & SLOT_MASK));
    }
}
