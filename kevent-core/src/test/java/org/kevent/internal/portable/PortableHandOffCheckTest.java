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

    /**
     * The selector's thread and one side of one socket, in miniature: a listener's backlog
     * ({@code OP_ACCEPT}, the receiving side) or a socket's room to send ({@code OP_WRITE}).
     */
    private static final class Stage {
        final int op;
        final int side;
        /** Connections waiting, or sends the socket's buffer has room for. */
        final AtomicInteger backlog;
        /** The key's interest set: op while the selector watches. */
        final AtomicInteger interest;
        final AtomicLong round = new AtomicLong();
        final Listener listener;

        Stage(int op, int pending) {
            this.op = op;
            this.side = op == SelectionKey.OP_WRITE ? SocketState.SEND_SIDE : SocketState.RECV_SIDE;
            this.interest = new AtomicInteger(op);
            this.backlog = new AtomicInteger(pending);
            this.listener = new Listener(this);
        }

        /** One round, as PortableSelector's loop and fired(): count it, look, take the op out, hand over. */
        void selectRound() {
            long r = round.incrementAndGet();
            if ((interest.get() & op) != 0 && backlog.get() > 0) {
                interest.getAndUpdate(i -> i & ~op);
                int again = listener.onSelected(op, r);
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
            boolean marked = (listener.state.readiness() & side) != 0;
            boolean pending = backlog.get() > 0;
            // AssertJ's assertions confuse the checker's method tracking: plain checks.
            if (marked && !pending) {
                throw new AssertionError("marked ready with nothing there (op " + op + ")");
            }
            if (pending && !marked) {
                throw new AssertionError("ready, and neither marked nor watched (op " + op + ", interest "
                        + interest.get() + ")");
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
            return ((readyOps & SelectionKey.OP_ACCEPT) != 0 ? EPOLLIN : 0)
                    | ((readyOps & SelectionKey.OP_WRITE) != 0 ? EPOLLOUT : 0);
        }

        @Override
        int readOp() {
            return SelectionKey.OP_ACCEPT;
        }

        /**
         * As PortableListener.accept (every accept a drain) or a send that filled the socket: the
         * kernel's call, then the drain.
         */
        void drain() {
            stage.backlog.getAndUpdate(b -> b > 0 ? b - 1 : 0);
            wouldBlock(stage.side);
        }
    }

    private static void check(int op, int pending, boolean connects) {
        Lincheck.runConcurrentTestInternal$lincheck(INVOCATIONS, new LincheckSettings(true, 10, 2000, 20), () -> {
            Stage stage = new Stage(op, pending);
            List<Thread> threads = new ArrayList<>();
            threads.add(new Thread(() -> {
                stage.selectRound();
                stage.selectRound();
            }));
            threads.add(new Thread(stage.listener::drain));
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
        check(SelectionKey.OP_ACCEPT, 1, false);
    }

    /** A connection arriving at any point against the selector and the accept is never lost. */
    @Test
    void aConnectionArrivingAtAnyTimeIsReportedOrTaken() {
        check(SelectionKey.OP_ACCEPT, 0, true);
    }

    /** Both: one pending, one arriving, one accept. */
    @Test
    void withOneConnectionWaitingAndOneArrivingTheMarkFollowsTheBacklog() {
        check(SelectionKey.OP_ACCEPT, 1, true);
    }

    /** The sending side, the same rules: room taken by a send while reported, and room freed at any time. */
    @Test
    void theSendingSideFollowsTheRoomToSendAlike() {
        check(SelectionKey.OP_WRITE, 1, false);
        check(SelectionKey.OP_WRITE, 1, true);
    }
}
