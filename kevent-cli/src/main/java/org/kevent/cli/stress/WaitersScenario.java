package org.kevent.cli.stress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.kevent.CtlOp;
import org.kevent.CtlResults;
import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * The waiter protocol (docs/SEMANTICS.md §3 and §5) under many waiters: ten platform threads wait
 * on one queue with different {@code (min, max)} and short timeouts, while producers trigger, write,
 * arm timers and call {@code wakeup()}, and level sources stay ready for a while.
 *
 * <h2>Load</h2>
 * <ul>
 *   <li><b>Waiters</b> (10): {@code (min, max)} = (1, 1) ×4, (1, 4) ×2, (2, 3) ×2, (3, 8) and (1, 2),
 *       each call with a timeout of 1, 2, 5, 10, 20, 50 or 200 ms at random, so that timeouts happen
 *       all the time. Outside quiet phases the (1, 2) waiter polls instead, with a zero timeout,
 *       every 50–200 µs.</li>
 *   <li><b>USER</b>: 16 interests, 8 ET and 8 level, triggered by 2 threads in bursts of 1–4 with
 *       pauses of up to 2 ms.</li>
 *   <li><b>TIMER</b>: one-shot timers with fresh ids and delays of 0–3 ms, at most 32 armed.</li>
 *   <li><b>Drained fd sources</b>: 8 loopback connections, read through their server sockets as
 *       SOCKET RECV ET, SOCKET RECV level, POLL POLLIN|ET and POLL POLLIN level (two each). One
 *       writer thread works in rounds, like the report that found the lost wake-up: it writes 1–8
 *       bytes to every connection whose previous write was consumed, confirms each write (below),
 *       waits (at most 1 s) until all are consumed and pauses 0–3 ms. The waiter that receives an
 *       event for a write first <em>claims</em> it (a CAS) and is the only one to read the socket,
 *       until the write's bytes are all in; then the connection is idle again. So at most one write
 *       per connection is outstanding and each maps to exactly one claim.</li>
 *   <li><b>Level phases</b>: the 13 server sockets of another set of connections, each holding one
 *       byte nobody ever reads, are added in one {@code ctl} batch as level interests (POLL POLLIN
 *       and SOCKET RECV in alternate phases), stay for 30–100 ms of free-running waiters and then
 *       for one <em>rotation window</em>, and are removed in one batch. The ready list then always
 *       holds more level events than any waiter's {@code max}.</li>
 *   <li>A thread calls {@code wakeup()} every 0–5 ms.</li>
 *   <li><b>Phases</b>, in turn until the budget ends: quiet (200–500 ms; the run starts with one),
 *       mixed (100–300 ms), and a level phase under mixed load. In a quiet phase only the writer
 *       runs, nobody calls {@code wakeup()}, and a waiter that got events works on them for 1–10 ms
 *       before it waits again, as an event loop would: meanwhile the others sit in
 *       {@code getEvents} and must be the ones to notice the next writes.</li>
 * </ul>
 *
 * <h2>Books</h2>
 * Exact, no timing assertion:
 * <ul>
 *   <li>per USER id, the sum of delivered {@code data} equals the triggers (after the load, a drain
 *       of at most 10 s): nothing lost, nothing counted twice;</li>
 *   <li>every timer fires exactly once, with data 1;</li>
 *   <li>per drained connection, bytes read equal bytes written, every write is claimed once, and an
 *       ET event that comes while no write is outstanding is a duplicate (a level one is not: the
 *       condition may have held when it was re-checked, before the claimant read);</li>
 *   <li><b>no waiter times out while an event it could take is obtainable</b> (below);</li>
 *   <li><b>level rotation is fair</b> (below);</li>
 *   <li>close wakes every waiter: at the end every waiter enters {@code getEvents} without a
 *       timeout and must leave with {@code QueueClosedException} within 5 s of close.</li>
 * </ul>
 * Nothing hangs: every wait is bounded, and a thread that does not come back within 5 s is
 * reported stuck ({@link Workers}' watchdog, the mode hand-shakes, the join after close).
 *
 * <h2>Timed out while obtainable</h2>
 * After a call C returns fewer than its {@code min} events (its timeout passed, or {@code wakeup()}
 * ended it), the same thread at once calls {@code getEvents(0, 64, 0)}: F. C had room
 * ({@code n < min <= max}), and a returning wait hands out what is ready (§5), so an event F takes
 * proves a finding if it was <em>obtainable throughout C's end</em> and C did not take it.
 * Everything else F takes is a benign race (counted and printed, never a failure). "Before" and
 * "after" across threads come from a global tick (a tick taken after X finished and one taken
 * before Y started compare as X before Y) or, where a deadline is involved, from
 * {@link System#nanoTime()}, the clock the queue's deadlines use. "Obtainable" is established per
 * source:
 * <ul>
 *   <li><b>USER</b> u: F's delivery carries {@code d}, the triggers coalesced since u's previous
 *       delivery. Triggers are counted as started (before {@code trigger}) and returned (after). At
 *       most {@code started(after F) - returned(before C)} of them can have been applied after C
 *       started; if {@code d} is larger, a pending one had returned before C started, so u was on
 *       the ready list, undelivered, through all of C.</li>
 *   <li><b>TIMER</b>: its deadline is at most the time its ADD returned plus its delay. Once it is
 *       due, every wait's look at the clock (§5) fires it, and it fires once: if F got it, nobody
 *       took it before.</li>
 *   <li><b>descriptor write</b> (any drained connection): the writer confirms each write with a
 *       second queue that only it uses (POLLIN|ET on the same descriptor). Epoll re-checks
 *       readiness when it reports, so a report means the bytes were in the socket; the confirmation
 *       (a tick and a time) is recorded only if the write is still unclaimed then. Nobody reads a
 *       socket before claiming its write, so it stays readable from the confirmation until F
 *       claims the write: the edge it raised, or the level condition, is in the queue's reach
 *       (subject to the paragraph on descriptors below).</li>
 *   <li><b>level phase member</b>: added (the batch returned), never read, not yet being removed
 *       after F returned: its condition held all along (the same paragraph applies).</li>
 * </ul>
 * Two rules say when "obtainable since X" covers C's end:
 * <ol>
 *   <li><b>Strict</b>: X before C started (ticks). Whatever ended C, its hand-out came later.</li>
 *   <li><b>Deadline</b>: X before {@code t0 + timeout}, where {@code t0} was read before the call,
 *       for a call that can only have ended at its deadline: timeout above zero, nobody
 *       interrupts waiters, and no {@code wakeup()} can reach it. That holds in quiet phases: the
 *       wake-up thread acknowledges the pause after its last {@code wakeup()} returned, then one call
 *       that cannot be satisfied ({@code min} 64) takes the wake-up that may still be pending (one
 *       flag, taken by the first wait that reaches it), and a call counts only if it started after
 *       that and no {@code wakeup()} started until it returned (a counter, read before and after).
 *       The run starts quiet, before any {@code wakeup()}. Such a call returns short only once the
 *       clock passed its deadline, itself at least {@code t0 + timeout}: it hands out after X.</li>
 * </ol>
 * The strict rule alone can never catch a lost wake-up: the write a sleeping waiter misses always
 * comes after it started waiting. The deadline rule does.
 *
 * <p>Descriptor readiness (any drained write, ET or level, POLL or SOCKET; a level phase member)
 * proves a finding only under the deadline rule, or inside a rotation window where no other call
 * runs. The queue registers descriptors with {@code EPOLLET} or {@code EPOLLONESHOT}, so a report
 * taken out of the epoll set by the thread sleeping in the kernel wait sits with that thread until
 * it has the queue lock again, and that thread may be descheduled for longer than C's timeout. A
 * call ended by its deadline first brings that thread back and waits for what it took (rule T of
 * the waiter protocol), then looks at the kernel itself: what was readable before its deadline is
 * in its reach. A zero-timeout call, or one a {@code wakeup()} ended, does not wait for that
 * thread; F may then take what no thread could have handed out during C (a note counts such
 * finds).
 *
 * <p>What is not proof: an event produced after the relevant instant; a write not yet confirmed.
 * The one way to a false proof is a queue that hands an event out twice: the second copy can look
 * obtainable; the books report that duplicate as well.
 *
 * <h2>Level rotation</h2>
 * In a rotation window each waiter holds one lock around its {@code getEvents} calls and their
 * books, so the deliveries of the phase's members are recorded in the queue's own order; the window
 * opens only after every waiter has come back from its last call without the lock, and closes under
 * the lock. Number the members' deliveries in the window 0, 1, 2, … (deliveries of other sources do
 * not count; at most 8 rounds, 104 deliveries, per window). For a member delivered at positions i
 * and j with no delivery of it in between, its <em>gap</em> is {@code j - i}. The bound is the set's
 * size k = 13: with every member continuously ready, FIFO rotation (§3: "no ready interest is
 * skipped for a round") puts a delivered member back behind the others, which come out before it
 * again, so at most k - 1 deliveries separate two of its own: gap ≤ k. A gap over k means another
 * member came twice while this one waited. Every gap over the bound counts. (The first round of a
 * window may start anywhere in the rotation; a gap is only measured between two deliveries inside
 * the window, so that costs nothing.)
 */
final class WaitersScenario implements Scenario {
    /** {min, max} per waiter; the last one polls with a zero timeout. */
    private static final int[][] PROFILES = {{1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 4}, {1, 4}, {2, 3}, {2, 3}, {3, 8}, {1, 2}};
    private static final int WAITERS = PROFILES.length;
    private static final int POLLER = WAITERS - 1;
    private static final long[] TIMEOUTS_MS = {1, 2, 5, 10, 20, 50, 200};
    private static final int USER_IDS = 16;
    private static final int USER_ET = 8;
    private static final long TIMER_BASE = 1L << 40;
    private static final int TIMERS_IN_FLIGHT = 32;
    private static final int ROTATION = 13;
    private static final int FOLLOW_MAX = 64;
    /** Rounds of the rotation set one window records (it stays serialised until the coordinator closes it). */
    private static final int WINDOW_ROUNDS = 8;
    private static final int EXAMPLES = 3;
    /** How long a mode hand-shake or the window lock may take before a waiter counts as stuck. */
    private static final long HANDSHAKE_NANOS = Workers.STUCK_NANOS;

    /** Load of a quiet phase: only the fd writer (the report's rounds), no wake-ups. */
    private static final int ROUNDS = 0;
    /** Load of a mixed phase: every producer. */
    private static final int MIXED = 1;

    private static final int PROOF_USER = 0;
    private static final int PROOF_TIMER = 1;
    private static final int PROOF_WRITE = 2;
    private static final int PROOF_MEMBER = 3;
    private static final String[] PROOF_NAMES = {"USER", "TIMER", "descriptor write", "level phase member"};

    private static final int NORMAL = 0;
    private static final int SERIAL = 1;
    private static final int FOREVER = 2;

    /** Drained-source states; a confirmed production is its tick ({@code >= 0}). */
    private static final long IDLE = -1;
    private static final long SENDING = -2;
    private static final long TAKEN = -3;

    private enum Mode {
        SOCKET_ET(EventType.SOCKET, true), SOCKET_LEVEL(EventType.SOCKET, false),
        POLL_ET(EventType.POLL, true), POLL_LEVEL(EventType.POLL, false);

        final EventType type;
        final boolean et;

        Mode(EventType type, boolean et) {
            this.type = type;
            this.et = et;
        }

        Ukevent record(TcpSocket server) {
            Ukevent r = type == EventType.SOCKET ? Ukevent.socket(server, Kevent.SOCKET_RECV)
                    : Ukevent.poll(server.id(), Kevent.POLLIN);
            return r.withFlags(et ? Kevent.REQ_ET : Kevent.REQ_LEVEL);
        }

    }

    @Override
    public String name() {
        return "waiters";
    }

    @Override
    public void run(Duration budget, StressStats stats) throws InterruptedException {
        new Run(budget, stats).run();
    }

    /** One connection whose productions are written, confirmed, claimed and read whole. */
    private static final class Drained {
        final Mode mode;
        final TcpSocket client;
        final TcpSocket server;
        /** The confirming queue: POLLIN|ET on the server socket, used by the producer only. */
        final KeventQueue aux;
        final AtomicLong state = new AtomicLong(IDLE);
        /** nanoTime after the confirming report of the production now SENT; written before the state. */
        volatile long confirmTime;
        final AtomicLong produced = new AtomicLong();
        final AtomicLong consumed = new AtomicLong();
        final AtomicLong productions = new AtomicLong();
        final AtomicLong claims = new AtomicLong();

        Drained(Mode mode, TcpSocket client, TcpSocket server, KeventQueue aux) {
            this.mode = mode;
            this.client = client;
            this.server = server;
            this.aux = aux;
        }

        @Override
        public String toString() {
            return mode.type + " fd " + server.id() + " (" + (mode.et ? "ET" : "level") + ")";
        }
    }

    /** One level phase: the rotation set registered as POLL or as SOCKET interests. */
    private static final class Phase {
        final int number;
        final boolean poll;
        /** Tick taken after the ADD batch returned; MAX until then. */
        volatile long addedTick = Long.MAX_VALUE;
        /** nanoTime after the ADD batch returned; MAX until then. */
        volatile long addedTime = Long.MAX_VALUE;
        /** Set before the REMOVE batch starts. */
        volatile boolean removing;

        Phase(int number, boolean poll) {
            this.number = number;
            this.poll = poll;
        }
    }

    /** What one waiter knew when a short call C started, to judge what F takes. */
    private static final class Check {
        final long[] userAtStart = new long[USER_IDS];
        long s0;
        long t0;
        /** Whether the call can only have ended at its deadline (no wake-up could reach it). */
        boolean deadlineOnly;
        /** t0 + timeout: no deadline of the call is earlier. */
        long earliestDeadline;
        Phase phase;
        long phaseAdded;
        int membersInC;
        boolean inWindow;
        /** How long the call waited. */
        long took;
        String proof;
        int proofKind;
        /** How long, at least, the proof's event was obtainable while the call waited. */
        long proofMargin;
        boolean kernelEdge;

        void reset() {
            proof = null;
            kernelEdge = false;
            membersInC = 0;
        }

        /**
         * Records the first proof.
         *
         * @param strict    whether the event was obtainable since before the call started
         * @param sinceTime since when it was obtainable (nanoTime), as far as known
         */
        void prove(int kind, boolean strict, long sinceTime, String why) {
            if (proof == null) {
                proof = why;
                proofKind = kind;
                long from = Math.max(sinceTime, t0);
                proofMargin = strict ? t0 + took - from : earliestDeadline - from;
            }
        }

        /**
         * Whether something obtainable since {@code tick} / {@code time} was obtainable when the call
         * handed out its events: it started before the call did, or before the call's earliest
         * deadline when only the deadline can have ended the call.
         */
        boolean before(long tick, long time) {
            return tick < s0 || (deadlineOnly && time < earliestDeadline);
        }

        /**
         * Whether a descriptor's readiness, obtainable since {@code time}, proves a finding: only for
         * a call that can only have ended at its deadline, whose last look (rule T of the waiter
         * protocol) brings a poller out of the kernel with what it took and then looks at the
         * kernel itself; any other end can come while a poller holds the report.
         */
        boolean kernelHeld(long time) {
            return deadlineOnly && time < earliestDeadline;
        }
    }

    private final class Run {
        final Duration budget;
        final StressStats stats;
        final Workers workers;
        final Workers producers;
        final AtomicLong ticks = new AtomicLong();
        final LongAdder progress = new LongAdder();
        final AtomicLongArray userStarted = new AtomicLongArray(USER_IDS);
        final AtomicLongArray userReturned = new AtomicLongArray(USER_IDS);
        final AtomicLongArray userDelivered = new AtomicLongArray(USER_IDS);
        /** Armed timers: id → latest possible deadline (nanoTime), MAX while its ADD runs. */
        final ConcurrentHashMap<Long, Long> timers = new ConcurrentHashMap<>();
        final List<Drained> drained = new ArrayList<>();
        final List<TcpSocket> members = new ArrayList<>();
        final List<AutoCloseable> closeables = new ArrayList<>();
        /** fd → Drained, or Integer (rotation member index); written before any thread starts. */
        final Map<Long, Object> byFd = new HashMap<>();
        KeventQueue queue;

        volatile boolean producing = true;
        /**
         * {@code epoch << 1 | ROUNDS or MIXED}. The run starts quiet, while the engine's code is still
         * cold and its races are widest; no wakeup() was ever called then, so no fence is needed.
         */
        volatile int loadWord = ROUNDS;
        /** The last load word the wake-up thread saw without MIXED, after its last wakeup() returned. */
        volatile int wakeupPausedFor = -1;
        final AtomicLong wakeupsStarted = new AtomicLong();
        /**
         * In a quiet phase, once no wake-up can be pending: the tick after the fence (0 at the start,
         * before any wakeup()), and the wake-ups started by then; MAX outside quiet phases.
         */
        volatile long quietTick = 0;
        volatile long quietWakeups = 0;
        volatile Phase phase;

        /** {@code epoch << 2 | mode}; each waiter acknowledges the word it acts on. */
        volatile int modeWord = NORMAL;
        final AtomicIntegerArray acked = new AtomicIntegerArray(WAITERS);

        final ReentrantLock windowLock = new ReentrantLock();
        volatile boolean windowOpen;
        // Guarded by windowLock.
        final int[] lastPos = new int[ROTATION];
        int pos;
        int maxGap;
        final AtomicLong windowDeliveries = new AtomicLong();
        long windows;

        final LongAdder kernelEdgeFinds = new LongAdder();
        final LongAdder staleLevel = new LongAdder();
        final AtomicLong obtainable = new AtomicLong();
        final AtomicLongArray proofs = new AtomicLongArray(PROOF_NAMES.length);
        final AtomicLong deadlineProofs = new AtomicLong();
        final AtomicLong largestMargin = new AtomicLong();
        final AtomicLong longMargins = new AtomicLong();
        final AtomicLong gaps = new AtomicLong();
        final ConcurrentLinkedQueue<String> obtainableExamples = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> gapExamples = new ConcurrentLinkedQueue<>();
        final long started = System.nanoTime();

        Run(Duration budget, StressStats stats) {
            this.budget = budget;
            this.stats = stats;
            this.workers = new Workers(name(), stats);
            this.producers = new Workers(name(), stats);
        }

        void run() throws InterruptedException {
            long end = System.nanoTime() + budget.toNanos();
            try (TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64, false)) {
                queue = KeventQueue.open();
                try {
                    setUp(listener);
                    for (int w = 0; w < WAITERS; w++) {
                        int waiter = w;
                        workers.start("waiter" + w, () -> waiter(waiter));
                    }
                    Thread watchdog = workers.watch(queue, progress::sum, queue::isOpen);
                    startProducers();
                    phases(end);
                    producing = false;
                    producers.joinAll(Workers.DRAIN_NANOS, "after the load ended");
                    settle();
                    if (setMode(FOREVER, "to wait without a timeout before close")) {
                        Thread.sleep(20);
                    }
                    workers.closeAndJoin(queue, watchdog);
                } finally {
                    producing = false;
                    queue.close();
                    for (int k = closeables.size() - 1; k >= 0; k--) {
                        try {
                            closeables.get(k).close();
                        } catch (Exception e) {
                            stats.failed(name() + ": closing " + closeables.get(k) + ": " + e);
                        }
                    }
                }
            }
        }

        // ------------------------------------------------------------------------------ set-up

        void setUp(TcpListener listener) throws InterruptedException {
            for (int u = 0; u < USER_IDS; u++) {
                queue.add(Ukevent.user(u).withFlags(u < USER_ET ? Kevent.REQ_ET : Kevent.REQ_LEVEL));
            }
            Mode[] modes = Mode.values();
            for (int d = 0; d < 2 * modes.length; d++) {
                TcpSocket[] pair = connect(listener);
                Mode mode = modes[d % modes.length];
                KeventQueue aux = KeventQueue.open();
                closeables.add(aux);
                aux.add(Ukevent.poll(pair[1].id(), Kevent.POLLIN).withFlags(Kevent.REQ_ET));
                Drained source = new Drained(mode, pair[0], pair[1], aux);
                queue.add(mode.record(pair[1]));
                drained.add(source);
                byFd.put((long) pair[1].id(), source);
            }
            try (KeventQueue check = KeventQueue.open()) {
                for (int m = 0; m < ROTATION; m++) {
                    TcpSocket[] pair = connect(listener);
                    sendAll(pair[0], new byte[] {(byte) m});
                    check.add(Ukevent.poll(pair[1].id(), Kevent.POLLIN).withFlags(Kevent.REQ_ONESHOT));
                    members.add(pair[1]);
                    byFd.put((long) pair[1].id(), m);
                }
                // Every member holds its byte before any phase: each level phase starts ready.
                EventBuffer out = new EventBuffer(ROTATION);
                int seen = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (seen < ROTATION && System.nanoTime() < deadline) {
                    seen += check.getEvents(1, ROTATION, 100, TimeUnit.MILLISECONDS, out);
                }
                if (seen < ROTATION) {
                    throw new IllegalStateException("only " + seen + " of " + ROTATION + " rotation sockets readable within 10 s");
                }
            }
        }

        TcpSocket[] connect(TcpListener listener) throws InterruptedException {
            TcpSocket client = TcpSocket.connect(listener.localAddress());
            closeables.add(client);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            TcpSocket server;
            while ((server = listener.accept()) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no connection to accept within 10 s");
                }
                Thread.sleep(1);
            }
            closeables.add(server);
            client.setTcpNoDelay(true);
            return new TcpSocket[] {client, server};
        }

        void sendAll(TcpSocket s, byte[] bytes) {
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sent < bytes.length) {
                sent += s.send(bytes, sent, bytes.length - sent);
                if (sent < bytes.length && System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + sent + " of " + bytes.length + " bytes sent within 10 s");
                }
            }
        }

        // ------------------------------------------------------------------------------ producers

        void startProducers() {
            for (int t = 0; t < 2; t++) {
                producers.start("trigger" + t, () -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (producing) {
                        if ((loadWord & 1) != MIXED) {
                            LockSupport.parkNanos(1_000_000);
                            continue;
                        }
                        for (int b = 1 + random.nextInt(4); b > 0; b--) {
                            int id = random.nextInt(USER_IDS);
                            userStarted.incrementAndGet(id);
                            queue.trigger(id);
                            userReturned.incrementAndGet(id);
                            stats.operations(1);
                        }
                        LockSupport.parkNanos(random.nextLong(2_000_000));
                    }
                });
            }
            producers.start("timers", () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long id = TIMER_BASE; producing; id++) {
                    while ((timers.size() >= TIMERS_IN_FLIGHT || (loadWord & 1) != MIXED) && producing) {
                        LockSupport.parkNanos(100_000);
                    }
                    long delay = random.nextLong(3_000_000);
                    timers.put(id, Long.MAX_VALUE);
                    queue.add(Ukevent.timerNanos(id, delay));
                    // The deadline is the queue's clock at the ADD plus the delay: at most this.
                    timers.replace(id, Long.MAX_VALUE, System.nanoTime() + delay);
                    stats.operations(1);
                    LockSupport.parkNanos(random.nextLong(1_000_000));
                }
            });
            producers.start("writer", this::writeRounds);
            producers.start("wakeup", () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (producing) {
                    int word = loadWord;
                    if ((word & 1) != MIXED) {
                        // Acknowledged after the last wakeup() returned: none of them is still on its way.
                        wakeupPausedFor = word;
                        LockSupport.parkNanos(1_000_000);
                        continue;
                    }
                    wakeupsStarted.incrementAndGet();
                    queue.wakeup();
                    stats.operations(1);
                    LockSupport.parkNanos(random.nextLong(5_000_000));
                }
            });
        }

        /** Rounds of one production per idle connection: write all, confirm each, wait until consumed. */
        void writeRounds() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            EventBuffer auxOut = new EventBuffer(1);
            byte[] bytes = new byte[8];
            List<Drained> round = new ArrayList<>();
            while (producing) {
                round.clear();
                for (Drained d : drained) {
                    if (d.state.compareAndSet(IDLE, SENDING)) {
                        int n = 1 + random.nextInt(bytes.length);
                        // Counted before the bytes can arrive, so a claimant never reads more than produced.
                        d.produced.addAndGet(n);
                        d.productions.incrementAndGet();
                        sendAll(d.client, Arrays.copyOf(bytes, n));
                        round.add(d);
                        stats.operations(1);
                    }
                }
                for (Drained d : round) {
                    confirm(d, auxOut);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (producing && System.nanoTime() < deadline && !allIdle(round)) {
                    LockSupport.parkNanos(50_000);
                }
                LockSupport.parkNanos(random.nextLong(3_000_000));
            }
        }

        /**
         * Marks a production confirmed (its tick) once the confirming queue reports the socket
         * readable, unless a waiter claimed it first (then the confirming queue may never report it:
         * epoll re-checks readiness when it reports, and the bytes may be gone by then).
         */
        void confirm(Drained d, EventBuffer auxOut) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (d.state.get() == SENDING) {
                int e = d.aux.getEvents(1, 1, 10, TimeUnit.MILLISECONDS, auxOut);
                stats.operations(1);
                if (e == 1 && auxOut.id(0) == d.server.id()) {
                    // Readable when the kernel reported it, and unread since if nobody claimed it.
                    d.confirmTime = System.nanoTime();
                    d.state.compareAndSet(SENDING, ticks.incrementAndGet());
                    return;
                }
                if (System.nanoTime() > deadline) {
                    stats.failed(name() + ": " + d + " was neither delivered nor reported readable by a second queue "
                            + "within 1 s of a write");
                    return;
                }
            }
        }

        boolean allIdle(List<Drained> sources) {
            for (Drained d : sources) {
                if (d.state.get() != IDLE) {
                    return false;
                }
            }
            return true;
        }

        // ------------------------------------------------------------------------------ phases

        /** Quiet (rounds only), mixed, and mixed with a level phase, in turn, until the budget ends. */
        void phases(long end) throws InterruptedException {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            EventBuffer fence = new EventBuffer(FOLLOW_MAX);
            byte[] buf = new byte[256];
            for (int number = 0; System.nanoTime() < end; number++) {
                quiet(Math.min(end, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200 + random.nextInt(300))), fence, buf);
                sleepUntil(Math.min(end, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100 + random.nextInt(200))));
                if (System.nanoTime() >= end) {
                    return;
                }
                levelPhase(new Phase(number, number % 2 == 0), random);
            }
        }

        /**
         * A quiet phase: only the fd writer runs. Once the wake-up thread stopped (after its last
         * {@code wakeup()} returned), one call that cannot be satisfied takes any wake-up still pending,
         * so that from then on a short wait can only have ended at its deadline (see
         * {@link Check#deadlineOnly}).
         */
        void quiet(long until, EventBuffer fence, byte[] buf) throws InterruptedException {
            int word = ((loadWord >>> 1) + 1) << 1 | ROUNDS;
            loadWord = word;
            long deadline = System.nanoTime() + HANDSHAKE_NANOS;
            while (wakeupPausedFor != word && producing) {
                if (System.nanoTime() > deadline) {
                    stats.stuck(name() + ": the wake-up thread did not pause within " + TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_NANOS) + " s");
                    break;
                }
                Thread.sleep(1);
            }
            if (wakeupPausedFor == word) {
                // min = 64 is never met here, so the call reaches the wake-up check (or its deadline).
                int n = queue.getEvents(FOLLOW_MAX, FOLLOW_MAX, 1, TimeUnit.MILLISECONDS, fence);
                counted(n, 0);
                take(fence, n, buf, false, null);
                quietWakeups = wakeupsStarted.get();
                quietTick = ticks.incrementAndGet();
            }
            sleepUntil(until);
            quietTick = Long.MAX_VALUE;
            loadWord = ((word >>> 1) + 1) << 1 | MIXED;
        }

        void levelPhase(Phase p, ThreadLocalRandom random) throws InterruptedException {
            Ukevent[] records = new Ukevent[ROTATION];
            for (int m = 0; m < ROTATION; m++) {
                records[m] = p.poll ? Ukevent.poll(members.get(m).id(), Kevent.POLLIN)
                        : Ukevent.socket(members.get(m), Kevent.SOCKET_RECV);
            }
            phase = p;
            CtlResults added = queue.ctl(CtlOp.ADD, records);
            p.addedTime = System.nanoTime();
            p.addedTick = ticks.incrementAndGet();
            stats.operations(ROTATION);
            if (added.failures() > 0) {
                stats.failed(name() + ": adding the level set failed: " + added.errorName(firstFailure(added)) + " "
                        + added.message(firstFailure(added)));
            }
            sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30 + random.nextInt(70)));
            rotationWindow();
            p.removing = true;
            CtlResults removed = queue.ctl(CtlOp.REMOVE, records);
            stats.operations(ROTATION);
            if (removed.failures() > 0) {
                stats.failed(name() + ": removing the level set failed: " + removed.errorName(firstFailure(removed)));
            }
            phase = null;
        }

        int firstFailure(CtlResults r) {
            for (int k = 0; k < r.count(); k++) {
                if (!r.ok(k)) {
                    return k;
                }
            }
            return 0;
        }

        void sleepUntil(long deadline) throws InterruptedException {
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                Thread.sleep(Math.max(1, Math.min(10, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }

        /**
         * Serialises the waiters, records the members' deliveries in queue order until 4 rounds or
         * 200 ms, and lets them go again.
         */
        void rotationWindow() throws InterruptedException {
            if (!windowLock.tryLock(HANDSHAKE_NANOS, TimeUnit.NANOSECONDS)) {
                stats.stuck(name() + ": a waiter kept the window lock after its window for "
                        + TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_NANOS) + " s");
                return;
            }
            try {
                Arrays.fill(lastPos, -1);
                pos = 0;
            } finally {
                windowLock.unlock();
            }
            windowDeliveries.set(0);
            if (!setMode(SERIAL, "to take the window lock")) {
                setMode(NORMAL, "after a failed hand-shake");
                return;
            }
            windowOpen = true;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (windowDeliveries.get() < 4L * ROTATION && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            if (windowLock.tryLock(HANDSHAKE_NANOS, TimeUnit.NANOSECONDS)) {
                try {
                    windowOpen = false;
                    windows++;
                } finally {
                    windowLock.unlock();
                }
            } else {
                windowOpen = false;
                stats.stuck(name() + ": a waiter held the window lock (one getEvents call of at most 200 ms) for "
                        + TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_NANOS) + " s");
            }
            stats.rotationChecked(windowDeliveries.get());
            setMode(NORMAL, "to leave the window");
        }

        /**
         * Switches the waiters' mode and waits until each of them acted on it, i.e. came back from the
         * call it was in: bounded, a waiter that does not come back is stuck.
         */
        boolean setMode(int mode, String why) throws InterruptedException {
            int word = ((modeWord >>> 2) + 1) << 2 | mode;
            modeWord = word;
            long deadline = System.nanoTime() + HANDSHAKE_NANOS;
            for (;;) {
                int missing = -1;
                for (int w = 0; w < WAITERS; w++) {
                    if (acked.get(w) != word) {
                        missing = w;
                        break;
                    }
                }
                if (missing < 0) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    stats.stuck(name() + ": waiter" + missing + " did not come back from getEvents (timeouts are at most 200 ms) "
                            + why + " within " + TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_NANOS) + " s");
                    return false;
                }
                Thread.sleep(1);
            }
        }

        // ------------------------------------------------------------------------------ waiters

        void waiter(int w) throws Exception {
            int min = PROFILES[w][0];
            int max = PROFILES[w][1];
            EventBuffer out = new EventBuffer(max);
            EventBuffer follow = new EventBuffer(FOLLOW_MAX);
            byte[] buf = new byte[256];
            Check check = new Check();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (;;) {
                int word = modeWord;
                acked.set(w, word);
                switch (word & 3) {
                    case FOREVER -> {
                        int n = queue.getEvents(min, max, -1, TimeUnit.NANOSECONDS, out);
                        counted(n, 0);
                        take(out, n, buf, false, null);
                    }
                    case SERIAL -> {
                        if (windowLock.tryLock(100, TimeUnit.MILLISECONDS)) {
                            try {
                                call(w, min, max, out, follow, buf, check, windowOpen, false, random);
                            } finally {
                                windowLock.unlock();
                            }
                        }
                    }
                    default -> {
                        boolean quiet = (loadWord & 1) == ROUNDS;
                        int n = call(w, min, max, out, follow, buf, check, false, quiet, random);
                        if (quiet && n > 0) {
                            // Work on what came, as an event loop would: meanwhile the others sit in
                            // getEvents and must be the ones that notice the next writes.
                            LockSupport.parkNanos(1_000_000 + random.nextLong(9_000_000));
                        }
                    }
                }
                if (w == POLLER) {
                    LockSupport.parkNanos(50_000 + random.nextLong(150_000));
                }
            }
        }

        /** One call and, if it came back short, its check. @return events the call (not the check) took */
        int call(int w, int min, int max, EventBuffer out, EventBuffer follow, byte[] buf, Check check, boolean inWindow,
                 boolean quiet, ThreadLocalRandom random) {
            // The zero-timeout poller would find every missed edge at once: in quiet phases it waits too.
            long timeout = w == POLLER && !quiet ? 0 : TimeUnit.MILLISECONDS.toNanos(TIMEOUTS_MS[random.nextInt(TIMEOUTS_MS.length)]);
            check.reset();
            for (int u = 0; u < USER_IDS; u++) {
                check.userAtStart[u] = userReturned.get(u);
            }
            Phase p = phase;
            check.phase = p;
            check.phaseAdded = p == null ? Long.MAX_VALUE : p.addedTick;
            check.inWindow = inWindow;
            long quietSince = quietTick;
            long wakeupsBefore = wakeupsStarted.get();
            boolean fenced = wakeupsBefore == quietWakeups;
            check.s0 = ticks.incrementAndGet();
            check.t0 = System.nanoTime();
            check.earliestDeadline = check.t0 + timeout;
            int n = queue.getEvents(min, max, timeout, TimeUnit.NANOSECONDS, out);
            long took = System.nanoTime() - check.t0;
            check.took = took;
            // No wake-up pending when the call started (the fence came before it) and none started
            // during it: only the deadline can have ended it, at the earliest t0 + timeout.
            check.deadlineOnly = timeout > 0 && quietSince < check.s0 && fenced && wakeupsStarted.get() == wakeupsBefore;
            counted(n, took);
            check.membersInC = take(out, n, buf, inWindow, null);
            if (n >= min) {
                return n;
            }
            int f = queue.getEvents(0, FOLLOW_MAX, 0, TimeUnit.NANOSECONDS, follow);
            counted(f, 0);
            take(follow, f, buf, inWindow, check);
            if (check.proof != null) {
                stats.timeoutChecked(false);
                obtainable.incrementAndGet();
                proofs.incrementAndGet(check.proofKind);
                if (check.deadlineOnly) {
                    deadlineProofs.incrementAndGet();
                }
                largestMargin.accumulateAndGet(check.proofMargin, Math::max);
                if (check.proofMargin >= TimeUnit.MILLISECONDS.toNanos(10)) {
                    longMargins.incrementAndGet();
                }
                stats.countTimedOutWhileObtainable();
                if (obtainableExamples.size() < EXAMPLES) {
                    obtainableExamples.add(String.format(Locale.ROOT,
                            "waiter%d getEvents(%d, %d, %d ms) returned %d after %.1f ms%s%s; a zero-timeout getEvents right "
                                    + "after took %s", w, min, max, TimeUnit.NANOSECONDS.toMillis(timeout), n, took / 1e6,
                            check.deadlineOnly ? " (at its deadline: no wake-up could reach it)" : "",
                            inWindow ? " (rotation window)" : "", check.proof));
                }
            } else {
                stats.timeoutChecked(f > 0);
                if (check.kernelEdge) {
                    kernelEdgeFinds.increment();
                }
            }
            return n;
        }

        void counted(int n, long tookNanos) {
            stats.operations(1);
            if (n > 0) {
                stats.delivered(n);
                stats.waited(tookNanos);
                progress.add(n);
            }
        }

        /**
         * Keeps the books of one batch; with {@code check}, also judges each event as proof against
         * the short call the check describes.
         *
         * @return the rotation members in the batch, one bit each
         */
        int take(EventBuffer out, int n, byte[] buf, boolean inWindow, Check check) {
            int members = 0;
            for (int k = 0; k < n; k++) {
                EventType type = out.type(k);
                long id = out.id(k);
                switch (type) {
                    case USER -> user(id, out.data(k), check);
                    case TIMER -> timer(id, out.data(k), check);
                    case SOCKET, POLL -> {
                        Object source = byFd.get(id);
                        if (source instanceof Drained d) {
                            drainedEvent(d, type, buf, check);
                        } else if (source instanceof Integer m) {
                            members |= 1 << m;
                            member(m, type, inWindow, check);
                        } else {
                            stats.duplicated(1, name() + ": " + type + " " + id + " delivered, registered by nobody");
                        }
                    }
                    default -> stats.duplicated(1, name() + ": " + type + " " + id + " delivered, registered by nobody");
                }
            }
            return members;
        }

        void user(long id, long data, Check check) {
            if (id < 0 || id >= USER_IDS) {
                stats.duplicated(1, name() + ": USER " + id + " delivered but never registered");
                return;
            }
            int u = (int) id;
            userDelivered.addAndGet(u, data);
            if (check != null) {
                long since = userStarted.get(u) - check.userAtStart[u];
                if (data > since) {
                    check.prove(PROOF_USER, true, check.t0, String.format(Locale.ROOT, "USER %d (%s) with data %d, but at most %d of its triggers began after "
                            + "the call started: one was pending, undelivered, through the whole call", u,
                            u < USER_ET ? "ET" : "level", data, since));
                }
            }
        }

        void timer(long id, long data, Check check) {
            Long due = timers.remove(id);
            if (due == null) {
                stats.duplicated(1, name() + ": timer " + id + " fired twice or was never armed");
                return;
            }
            if (data != 1) {
                stats.failed(name() + ": one-shot timer " + id + " reported " + data + " expirations");
            }
            if (check != null && (due < check.t0 || (check.deadlineOnly && due < check.earliestDeadline))) {
                check.prove(PROOF_TIMER, due < check.t0, due, String.format(Locale.ROOT, "TIMER %d, due %.3f ms before the call %s (its own look at the clock "
                        + "fires it)", id, ((due < check.t0 ? check.t0 : check.earliestDeadline) - due) / 1e6, due < check.t0 ? "started" : "could end"));
            }
        }

        void drainedEvent(Drained d, EventType type, byte[] buf, Check check) {
            if (type != d.mode.type) {
                stats.failed(name() + ": " + d + " delivered as " + type);
                return;
            }
            for (;;) {
                long s = d.state.get();
                if (s == SENDING || s >= 0) {
                    if (!d.state.compareAndSet(s, TAKEN)) {
                        continue;
                    }
                    d.claims.incrementAndGet();
                    if (check != null && s >= 0 && check.before(s, d.confirmTime)) {
                        if (check.kernelHeld(d.confirmTime)) {
                            check.prove(PROOF_WRITE, false, d.confirmTime, String.format(Locale.ROOT, "%s, readable since a write confirmed %.3f ms before the "
                                    + "call could end and read by nobody since", d, (check.earliestDeadline - d.confirmTime) / 1e6));
                        } else {
                            check.kernelEdge = true;
                        }
                    }
                    readProduction(d, buf);
                    return;
                }
                // IDLE, or TAKEN by another waiter: no production is waiting for a claim.
                if (d.mode.et) {
                    stats.duplicated(1, name() + ": " + d + " delivered an ET event with no write outstanding");
                } else {
                    staleLevel.increment();
                }
                return;
            }
        }

        /** The claimant reads the production whole (bounded), then the connection is idle again. */
        void readProduction(Drained d, byte[] buf) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (d.consumed.get() < d.produced.get()) {
                int r = d.server.recv(buf, 0, buf.length);
                if (r > 0) {
                    d.consumed.addAndGet(r);
                } else if (r < 0) {
                    stats.failed(name() + ": " + d + " reached its end of stream");
                    return;
                } else if (System.nanoTime() > deadline) {
                    // Left TAKEN: the books report the missing bytes as lost.
                    stats.failed(name() + ": " + d + " had " + (d.produced.get() - d.consumed.get())
                            + " bytes of its production missing 1 s after its event");
                    return;
                } else {
                    Thread.onSpinWait();
                }
            }
            if (d.consumed.get() > d.produced.get()) {
                stats.duplicated(d.consumed.get() - d.produced.get(), name() + ": " + d + " read more bytes than were written");
            }
            d.state.set(IDLE);
        }

        void member(int m, EventType type, boolean inWindow, Check check) {
            if (inWindow) {
                Phase p = phase;
                if (p == null || (type == EventType.POLL) != p.poll) {
                    stats.failed(name() + ": rotation member " + m + " delivered as " + type + " inside a window of "
                            + (p == null ? "no phase" : p.poll ? "a POLL phase" : "a SOCKET phase"));
                } else if (pos < WINDOW_ROUNDS * ROTATION) {
                    int at = pos++;
                    if (lastPos[m] >= 0) {
                        int gap = at - lastPos[m];
                        maxGap = Math.max(maxGap, gap);
                        if (gap > ROTATION) {
                            gaps.incrementAndGet();
                            stats.countRotationGapOverBound();
                            if (gapExamples.size() < EXAMPLES) {
                                gapExamples.add(String.format(Locale.ROOT, "%s member %d delivered at positions %d and %d of "
                                        + "window %d: gap %d > %d", p.poll ? "POLL" : "SOCKET", m, lastPos[m], at, windows, gap,
                                        ROTATION));
                            }
                        }
                    }
                    lastPos[m] = at;
                    windowDeliveries.incrementAndGet();
                }
            }
            if (check != null && check.phase != null && check.before(check.phaseAdded, check.phase.addedTime) && phase == check.phase
                    && !check.phase.removing && (check.membersInC & (1 << m)) == 0
                    && (type == EventType.POLL) == check.phase.poll
                    && (check.inWindow || check.kernelHeld(check.phase.addedTime))) {
                check.prove(PROOF_MEMBER, check.phaseAdded < check.s0, check.phase.addedTime, String.format(Locale.ROOT, "%s fd %d (level, phase %d: added before the call %s, never read, "
                        + "still registered), which the call did not take", type, members.get(m).id(), check.phase.number,
                        check.phaseAdded < check.s0 ? "started" : "could end"));
            }
        }

        // ------------------------------------------------------------------------------ books

        boolean balanced() {
            for (int u = 0; u < USER_IDS; u++) {
                if (userDelivered.get(u) != userReturned.get(u)) {
                    return false;
                }
            }
            if (!timers.isEmpty()) {
                return false;
            }
            for (Drained d : drained) {
                if (d.state.get() != IDLE) {
                    return false;
                }
            }
            return true;
        }

        void settle() throws InterruptedException {
            boolean drainedAll = Workers.awaitDrain(this::balanced);
            String late = drainedAll ? "" : " (drain timed out)";
            workers.settle(userReturned, userDelivered, drainedAll);
            stats.lost(timers.size(), name() + ": " + timers.size() + " timers never fired" + late);
            long productions = 0;
            for (Drained d : drained) {
                long p = d.produced.get();
                long c = d.consumed.get();
                productions += d.productions.get();
                stats.lost(p - c, name() + ": " + d + " read " + c + " of " + p + " bytes written" + late);
                long unclaimed = d.productions.get() - d.claims.get();
                stats.lost(unclaimed, name() + ": " + d + " had " + unclaimed + " of " + d.productions.get()
                        + " writes never delivered" + late);
            }
            if (obtainable.get() > 0) {
                StringBuilder kinds = new StringBuilder();
                for (int k = 0; k < PROOF_NAMES.length; k++) {
                    if (proofs.get(k) > 0) {
                        kinds.append(kinds.isEmpty() ? "" : ", ").append(proofs.get(k)).append(" by a ").append(PROOF_NAMES[k]);
                    }
                }
                stats.failed(name() + ": " + obtainable.get() + " waits timed out while an event was obtainable (" + kinds
                        + "; " + deadlineProofs.get() + " of them ended at their deadline; obtainable during the wait for "
                        + String.format(Locale.ROOT, "up to %.1f ms, at least 10 ms in %d of them", largestMargin.get() / 1e6,
                        longMargins.get()) + "), e.g. " + String.join("; ", obtainableExamples));
            }
            int largestGap;
            if (windowLock.tryLock(HANDSHAKE_NANOS, TimeUnit.NANOSECONDS)) {
                try {
                    largestGap = maxGap;
                } finally {
                    windowLock.unlock();
                }
            } else {
                largestGap = -1;
            }
            if (gaps.get() > 0) {
                stats.failed(name() + ": " + gaps.get() + " level rotation gaps over " + ROTATION + ", e.g. "
                        + String.join("; ", gapExamples));
            }
            stats.note(String.format(Locale.ROOT, "%s: %,d writes on %d connections, %,d wake-ups, %d rotation windows "
                            + "(largest gap %d, bound %d); short waits not ended by their deadline whose check found a confirmed write "
                            + "older than the wait (no proof) %,d; stale level events %,d; %.1f s",
                    name(), productions, drained.size(), wakeupsStarted.get(), windows, largestGap, ROTATION, kernelEdgeFinds.sum(),
                    staleLevel.sum(), (System.nanoTime() - started) / 1e9));
        }
    }
}
