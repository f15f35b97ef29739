package org.kevent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
    /** One in-process run: exit status and both streams. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void demoForOneSecondPrintsTimerAndUserEventsAndASummary() {
        Run r = run("demo", "--seconds", "1");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out())
                .containsPattern("kevent demo: engine \\S+, JDK 25")
                .containsPattern("(?m)^\\s+\\d+\\s+TIMER\\s+2\\s+FIRED\\s+DONE\\s+\\d+\\s+late -?\\d+us\\s+1002")
                .containsPattern("(?m)^\\s+\\d+\\s+TIMER\\s+3\\s+FIRED\\s+DONE\\s+1\\s")
                .containsPattern("(?m)^\\s+\\d+\\s+USER\\s+7\\s+TRIGGER\\s+DONE\\s+\\d+\\s+0\\s+2007")
                .containsPattern("(?m)^\\s+\\d+\\s+USER\\s+8\\s+TRIGGER\\s+DONE\\s+\\d+\\s+0\\s+2008")
                .containsPattern("(?m)^summary after \\d+ ms:$")
                .containsPattern("(?m)^  TIMER\\s+[1-9]\\d* events")
                .containsPattern("(?m)^  USER\\s+[1-9]\\d* events")
                .containsPattern("(?m)^  total\\s+[1-9]\\d* events")
                .containsPattern("(?m)^  queue\\s+registered \\d+, delivered [1-9]\\d*, syscalls \\d+, wakeups \\d+")
                .containsPattern("(?m)^  engine\\s+\\S+")
                .containsPattern("(?m)^\\s+\\d+\\s+SOCKET\\s+\\d+\\s+CONNECT\\s+DONE.*connected")
                .containsPattern("(?m)^\\s+\\d+\\s+SOCKET\\s+\\d+\\s+RECV\\s+DONE.*got 'ping 1' back")
                .containsPattern("(?m)^  echo\\s+[1-9]\\d* pings sent, [1-9]\\d* echoed back")
                .containsPattern("(?m)^\\s+\\d+\\s+NAIO\\s+\\d+\\s+RECV\\s+DONE\\s+5\\s+received 'aio 1'")
                .containsPattern("(?m)^\\s+\\d+\\s+NAIO\\s+\\d+\\s+SEND\\s+DONE\\s+5\\s+sent 5 B")
                .containsPattern("(?m)^  aio\\s+[1-9]\\d* requests, [1-9]\\d* completions, [1-9]\\d* bytes, engine (io_uring|readiness)")
                .containsPattern("(?m)^\\s+\\d+\\s+NAIO\\s+\\d+\\s+RECV_MULTISHOT\\s+DONE\\|MORE\\s+4\\s+arrival 'ms 1' in lent buffer \\d+")
                .containsPattern("(?m)^  aio\\s+[1-9]\\d* multishot arrivals in lent buffers$")
                .doesNotContain("MISSING ARRIVALS")
                .containsPattern("(?m)^  engine\\s+\\S+, network AIO on (io_uring|readiness)")
                .containsPattern("(?m)^  virtual\\s+3 virtual threads waited on a queue: [1-9]\\d* timer, [1-9]\\d* user, [1-9]\\d* socket events; heartbeat [1-9]\\d* beats of 10 ms, longest gap \\d+ ms$")
                .containsPattern("(?m)^\\s+\\d+\\s+PROC\\s+\\d+\\s+EXIT\\s+DONE\\|BROKEN\\s+3\\s+exit 3\\s+4001\\s+child: sh, exit 3")
                .containsPattern("(?m)^\\s+\\d+\\s+PROC\\s+\\d+\\s+EXIT\\s+DONE\\|BROKEN\\s+137\\s+killed, signal 9\\s+4002\\s+child: sleep 60, SIGKILL")
                .containsPattern("(?m)^  proc\\s+2 children started, 2 exits seen: ")
                .containsPattern("(?m)^  PROC\\s+2 events, data summed 140$")
                .doesNotContain("MISSING EXITS")
                .doesNotContain("MISSING COMPLETIONS")
                .doesNotContain("MISSING ECHOES")
                .doesNotContain("MISMATCH");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void demoOnThePortableEngineRunsEverySectionTimerUserFileSocketAioVirtualAndProcess() {
        Run r = run("demo", "--seconds", "1", "--engine", "portable");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out())
                .containsPattern("kevent demo: engine portable, JDK 25")
                .doesNotContain("skipped inode")
                .containsPattern("(?m)^\\s+\\d+\\s+INODE\\s+20\\s+CREATE\\S*\\s+DONE\\s+0\\s+f0\\s+3020")
                .containsPattern("(?m)^  inode\\s+[1-9]\\d* entries created, [1-9]\\d* reported as CREATE; 0 renames")
                .doesNotContain("skipped echo").doesNotContain("skipped aio").doesNotContain("skipped virtual")
                .doesNotContain("skipped")
                // Exit statuses through the JDK's onExit(): the same figures as on Linux.
                .containsPattern("(?m)^\\s+\\d+\\s+PROC\\s+\\d+\\s+EXIT\\s+DONE\\|BROKEN\\s+3\\s+exit 3\\s+4001\\s+child: sh, exit 3")
                .containsPattern("(?m)^  proc\\s+2 children started, 2 exits seen: ")
                // The sections' sockets are the portable engine's: a socket follows the default
                // engine, which the demo sets to its queue's while the sections make them.
                .containsPattern("(?m)^\\s+\\d+\\s+SOCKET\\s+\\d+\\s+CONNECT\\s+DONE.*connected")
                .containsPattern("(?m)^  echo\\s+[1-9]\\d* pings sent, [1-9]\\d* echoed back")
                .containsPattern("(?m)^\\s+\\d+\\s+NAIO\\s+\\d+\\s+RECV\\s+DONE\\s+5\\s+received 'aio 1'")
                .containsPattern("(?m)^  aio\\s+[1-9]\\d* requests, [1-9]\\d* completions, [1-9]\\d* bytes, engine readiness")
                .containsPattern("(?m)^  virtual\\s+3 virtual threads waited on a queue: ")
                .containsPattern("(?m)^\\s+\\d+\\s+TIMER\\s+2\\s+FIRED\\s+DONE\\s+\\d+\\s+late -?\\d+us\\s+1002")
                .containsPattern("(?m)^\\s+\\d+\\s+USER\\s+7\\s+TRIGGER\\s+DONE\\s+\\d+\\s+0\\s+2007")
                .containsPattern("(?m)^  TIMER\\s+[1-9]\\d* events")
                .containsPattern("(?m)^  USER\\s+[1-9]\\d* events")
                .containsPattern("(?m)^  SOCKET\\s+[1-9]\\d* events")
                .containsPattern("(?m)^  queue\\s+registered \\d+, delivered [1-9]\\d*, syscalls 0, wakeups \\d+")
                .containsPattern("(?m)^  engine\\s+portable, network AIO on readiness$")
                .doesNotContain("MISSING")
                .doesNotContain("MISMATCH");
        assertThat(r.err()).isEmpty();
    }

    /** The stress scenarios' contract (nothing lost, duplicated or stuck) on the portable engine. */
    @Test
    void stressOnThePortableEngineRunsItsScenariosThereAndEndsClean() {
        Run r = run("stress", "--engine", "portable", "--seconds", "4");

        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("stress: queues on the portable engine")
                .contains("skipped waiters: it watches descriptors with POLL records, which the portable engine refuses")
                .contains("skipped http-abuse: evserver's defences it checks need the linux engine")
                .contains("[1/6 user-events] done").contains("[5/6 sockets] done").contains("[6/6 aio] done")
                .contains("result: ok");
        assertThat(System.getProperty("kevent.engine")).as("the property is put back").isNull();
    }

    @Test
    void stressWithAnEngineThatIsNoneIsAUsageError() {
        Run r = run("stress", "--engine", "epoll");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--engine must be linux, portable or auto, got epoll").contains("Usage: kevent stress");
    }

    @Test
    void anEngineThatIsNoneIsAUsageError() {
        Run r = run("demo", "--engine", "epoll");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--engine must be linux, portable or auto, got epoll").contains("Usage: kevent demo");
        assertThat(r.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void secondsBelowOneIsAUsageError(String seconds) {
        Run r = run("demo", "--seconds", seconds);

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--seconds must be at least 1, got " + seconds).contains("Usage: kevent demo");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void secondsThatIsNotANumberIsAUsageError() {
        Run r = run("demo", "--seconds", "soon");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("soon").contains("Usage: kevent demo");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run r = run("xyzzy"); // shares no letter pair with a command, so picocli prints the usage, not a suggestion

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("xyzzy").contains("Usage: kevent");
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = run();

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("Missing command");
    }

    @Test
    void helpListsTheDemo() {
        Run r = run("help");

        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("demo").contains("help");
    }

    @Test
    void anUnknownStressScenarioIsAUsageError() {
        Run r = run("stress", "--scenario", "nope");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("unknown scenario in [nope]");
    }

    @Test
    void anUnknownHttpAbuseAttackIsAUsageErrorNamingTheKnownOnes() {
        Run r = run("stress", "--scenario", "http-abuse", "--attacks", "slowloris,nope");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--attacks: unknown attack 'nope'; known: slowloris, pipeliners, abandoned, fifo, symlink");
        assertThat(r.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3"})
    void stressSecondsBelowOneIsAUsageError(String seconds) {
        Run r = run("stress", "--seconds", seconds);

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--seconds must be at least 1, got " + seconds).contains("Usage: kevent stress");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void stressForOneSecondPrintsProgressAndAnOkSummary() {
        // Not sockets here: StressScenariosTest runs it for 30 s.
        Run r = run("stress", "--seconds", "1", "--scenario", "user-events,close");

        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("[1/2 user-events] done", "[2/2 close] done")
                .containsPattern("(?m)^  lost\\s+0$").containsPattern("(?m)^  duplicated\\s+0$")
                .containsPattern("(?m)^  longest wait\\s+\\d+\\.\\d ms$")
                .endsWith("result: ok\n");
    }
}
