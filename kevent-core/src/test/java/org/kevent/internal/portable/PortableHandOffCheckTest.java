package org.kevent.internal.portable;

import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckSettings;
import org.junit.jupiter.api.Test;
import org.kevent.internal.source.socket.SocketState;
import org.kevent.testing.CheckedThreads;

/**
 * The hand-off between the portable selector's thread and a caller that drains a side
 * (docs/SEMANTICS.md §10, "How readiness is learnt"), under a controlled-concurrency checker
 * (Lincheck's model checking): a listener's real {@link PortableChannel} logic — its readiness
 * word, {@code wouldBlock}, {@code onSelected} — between a stand-in selector (rounds over a
 * stand-in backlog and interest set, as {@code PortableSelector.fired} treats a key) and
 * callers that accept. The checker runs each program under thousands of interleavings. After
 * the threads, the selector runs quiescent rounds; then the listener must be marked acceptable
 * exactly when a connection waits: never with an empty backlog (a level ACCEPT interest would
 * report nothing to accept) and never unmarked and unwatched with one waiting (a lost report).
 */
class PortableHandOffCheckTest {
    private static final int INVOCATIONS = 3000;
    private static final int OP = SelectionKey.OP_ACCEPT;

    /** The selector's thread and the kernel's backlog of one listener, in miniature. */
    private static final class Stage {
        final AtomicInteger backlog;
        /** The key's interest set: OP while the selector watches. */
        final AtomicInteger interest = new AtomicInteger(OP);
        final AtomicLong round = new AtomicLong();
        final Listener listener = new Listener(this);

        Stage(int pending) {
            backlog = new AtomicInteger(pending);
        }

        /** One round, as PortableSelector's loop and fired(): count it, look, take the op out, hand over. */
        void selectRound() {
            long r = round.incrementAndGet();
            if ((interest.get() & OP) != 0 && backlog.get() > 0) {
                interest.getAndUpdate(i -> i & ~OP);
                int again = listener.onSelected(OP, r);
                if (again != 0) {
                    interest.getAndUpdate(i -> i | again);
                }
            }
        }

        /** A connection arrives. */
        void connect() {
            backlog.incrementAndGet();
        }

        void check() {
            boolean marked = (listener.state.readiness() & SocketState.RECV_SIDE) != 0;
            boolean pending = backlog.get() > 0;
            // AssertJ's assertions confuse the checker's method tracking: plain checks.
            if (marked && !pending) {
                throw new AssertionError("marked acceptable with an empty backlog");
            }
            if (pending && !marked) {
                throw new AssertionError("a connection waits, and the listener is neither marked nor watched "
                        + "(interest " + interest.get() + ")");
            }
        }
    }

    /** The real channel logic on the stand-in selector. */
    private static final class Listener extends PortableChannel {
        private final Stage stage;

        Listener(Stage stage) {
            super(null, new Object(), true, SocketState.CONNECT_NONE);
            this.stage = stage;
        }

        @Override
        long selectorRound() {
            return stage.round.get();
        }

        @Override
        void watchAgain(int op) {
            stage.interest.getAndUpdate(i -> i | op);
        }

        @Override
        int readyEvents(int readyOps) {
            return (readyOps & OP) != 0 ? EPOLLIN : 0;
        }

        @Override
        int readOp() {
            return OP;
        }

        /** As PortableListener.accept: the word first, then the kernel's accept, and every accept a drain. */
        void accept() {
            int before = state.readiness();
            stage.backlog.getAndUpdate(b -> b > 0 ? b - 1 : 0);
            wouldBlock(before, SocketState.RECV_SIDE);
        }
    }

    private static void check(int pending, boolean connects) {
        Lincheck.runConcurrentTestInternal$lincheck(INVOCATIONS, new LincheckSettings(true, 10, 2000, 20), () -> {
            Stage stage = new Stage(pending);
            List<Thread> threads = new ArrayList<>();
            threads.add(new Thread(() -> {
                stage.selectRound();
                stage.selectRound();
            }));
            threads.add(new Thread(stage.listener::accept));
            if (connects) {
                threads.add(new Thread(stage::connect));
            }
            CheckedThreads.runAll(threads);
            stage.selectRound();
            stage.selectRound();
            stage.check();
            stage.listener.close();
        });
    }

    /** The CI failure's race: the selector reports a connection the accept is taking meanwhile. */
    @Test
    void aConnectionAcceptedWhileTheSelectorReportsItLeavesNoReadinessBehind() {
        check(1, false);
    }

    /** A connection arriving at any point against the selector and the accept is never lost. */
    @Test
    void aConnectionArrivingAtAnyTimeIsReportedOrTaken() {
        check(0, true);
    }

    /** Both: one pending, one arriving, one accept. */
    @Test
    void withOneConnectionWaitingAndOneArrivingTheMarkFollowsTheBacklog() {
        check(1, true);
    }
}
