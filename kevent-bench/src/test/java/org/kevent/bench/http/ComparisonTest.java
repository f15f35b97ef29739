package org.kevent.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.bench.support.Output;

class ComparisonTest {
    private static final Figures.Measure CPU = Figures.Measure.CPU_PER_REQ;
    private static final Figures.Measure REQ = Figures.Measure.REQ_PER_S;
    private static final Figures.Measure P99 = Figures.Measure.P99;

    private static Contender server(String key, String name) {
        return new Contender(key, name, null, (port, threads) -> List.of());
    }

    private static Figures vthreadsFigures(List<String> keys) {
        List<Contender> servers = keys.stream().map(k -> server(k, k + " name")).toList();
        return new Figures(1, servers, List.of(Workload.C16, Workload.C256), 3);
    }

    /** Sets every round of {@code measure} for {@code key} in both workloads. */
    private static void set(Figures f, String key, Figures.Measure measure, double... rounds) {
        for (int w = 0; w < f.workloads.size(); w++) {
            for (int r = 0; r < rounds.length; r++) {
                f.set(measure, f.index(key), w, r, rounds[r]);
            }
        }
    }

    private static Comparison.Target target(String what) {
        return Comparison.VTHREADS.targetSets().getFirst().targets().stream().filter(t -> t.what().equals(what))
                .findFirst().orElseThrow();
    }

    @Test
    void aTargetIsJudgedOnTheMedianOfThePerRoundRatiosNotOnTheRatioOfTheMedians() {
        Figures f = vthreadsFigures(List.of(Contender.EVSERVER_VTHREADS, Contender.JDK_VTHREADS_PROCESSOR));
        // Per round: 0.7, 0.9, 0.75 -> median 0.75 (met); medians 7 / 8 = 0.875 would not be.
        set(f, Contender.EVSERVER_VTHREADS, CPU, 7, 9, 6);
        set(f, Contender.JDK_VTHREADS_PROCESSOR, CPU, 10, 10, 8);
        Comparison.Verdict v = target("CPU/request ≤ 0.8× JDK virtual threads (same HttpProcessor), c=256").judge(f, Contender.EVSERVER_VTHREADS);
        assertThat(v.met()).isTrue();
        assertThat(v.text()).isEqualTo("met (0.75× (0.70..0.90))");
    }

    @Test
    void theBoundItselfIsMetAndJustPastItIsNot() {
        Figures f = vthreadsFigures(List.of(Contender.EVSERVER_VTHREADS, Contender.JDK_VTHREADS_PROCESSOR));
        set(f, Contender.EVSERVER_VTHREADS, REQ, 120, 120, 120);
        set(f, Contender.JDK_VTHREADS_PROCESSOR, REQ, 100, 100, 100);
        set(f, Contender.EVSERVER_VTHREADS, P99, 100.1, 100.1, 100.1);
        set(f, Contender.JDK_VTHREADS_PROCESSOR, P99, 100, 100, 100);
        Comparison.Target reqs = target("req/s ≥ 1.2× JDK virtual threads (same HttpProcessor), c=256");
        assertThat(reqs.judge(f, Contender.EVSERVER_VTHREADS).met()).isTrue();
        set(f, Contender.EVSERVER_VTHREADS, REQ, 119.9, 119.9, 119.9);
        assertThat(reqs.judge(f, Contender.EVSERVER_VTHREADS).met()).isFalse();
        set(f, Contender.EVSERVER_VTHREADS, REQ, 119, 119, 119);
        assertThat(reqs.judge(f, Contender.EVSERVER_VTHREADS).text()).isEqualTo("NOT MET (1.19× (1.19..1.19))");
        Comparison.Verdict p99 = target("p99 ≤ JDK virtual threads (same HttpProcessor), c=16").judge(f, Contender.EVSERVER_VTHREADS);
        assertThat(p99.met()).isFalse();
    }

    @Test
    void aTargetIsNotJudgedWithoutItsSubjectItsPeerItsWorkloadOrAPairedRound() {
        Comparison.Target cpu = target("CPU/request ≤ 0.8× JDK virtual threads (same HttpProcessor), c=16");
        Figures noSubject = vthreadsFigures(List.of(Contender.JDK_VTHREADS_PROCESSOR));
        set(noSubject, Contender.JDK_VTHREADS_PROCESSOR, CPU, 1, 1, 1);
        assertThat(cpu.judge(noSubject, Contender.EVSERVER_VTHREADS))
                .isEqualTo(new Comparison.Verdict(null, "n/a (evserver-vthreads not loaded)"));

        Figures noPeer = vthreadsFigures(List.of(Contender.EVSERVER_VTHREADS, Contender.EVSERVER));
        set(noPeer, Contender.EVSERVER_VTHREADS, CPU, 1, 1, 1);
        assertThat(cpu.judge(noPeer, Contender.EVSERVER_VTHREADS))
                .isEqualTo(new Comparison.Verdict(null, "n/a (no paired round with jdk-vthreads-processor)"));

        // Both loaded, but never a round where both have a figure (a failed run is NaN, not 0).
        Figures unpaired = vthreadsFigures(List.of(Contender.EVSERVER_VTHREADS, Contender.JDK_VTHREADS_PROCESSOR));
        set(unpaired, Contender.EVSERVER_VTHREADS, CPU, 1, Double.NaN, 1);
        set(unpaired, Contender.JDK_VTHREADS_PROCESSOR, CPU, Double.NaN, 2, Double.NaN);
        assertThat(cpu.judge(unpaired, Contender.EVSERVER_VTHREADS).met()).isNull();

        Figures onlyC16 = new Figures(1, List.of(server(Contender.EVSERVER_VTHREADS, "a"),
                server(Contender.JDK_VTHREADS_PROCESSOR, "b")), List.of(Workload.C16), 1);
        assertThat(target("CPU/request ≤ 0.8× JDK virtual threads (same HttpProcessor), c=256").judge(onlyC16, Contender.EVSERVER_VTHREADS))
                .isEqualTo(new Comparison.Verdict(null, "n/a (c=256 not run)"));
    }

    @Test
    void theVthreadsTargetsAreIssue14sAgainstTheSameHttpProcessorOnJdkVirtualThreadSockets() {
        List<Comparison.TargetSet> sets = Comparison.VTHREADS.targetSets();
        assertThat(sets).hasSize(1);
        assertThat(sets.getFirst().subject()).isEqualTo(Contender.EVSERVER_VTHREADS);
        assertThat(sets.getFirst().targets()).allSatisfy(t -> assertThat(t.peer()).isEqualTo(Contender.JDK_VTHREADS_PROCESSOR));
        assertThat(sets.getFirst().targets()).extracting(t -> t.measure() + " " + t.workload().key() + " "
                + (t.atMost() ? "<= " : ">= ") + t.bound()).containsExactly(
                "CPU_PER_REQ c16 <= 0.8", "CPU_PER_REQ c256 <= 0.8", "REQ_PER_S c256 >= 1.2", "P99 c16 <= 1.0",
                "P99 c256 <= 1.0");
    }

    /** What {@link Tables} printed: each table's rows, and every note line. */
    private record Printed(List<List<String[]>> tables, List<String> notes, List<String> metrics) {
        static Printed print(Figures f, Comparison c) {
            Printed p = new Printed(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            Output out = new Output((a, b) -> { }, (variant, metric, value, unit) ->
                    p.metrics.add(variant + " " + metric + " " + value), p.notes::add, p.tables::add);
            Tables.print(out, f, 5, c);
            return p;
        }
    }

    @Test
    void theVthreadsTablesTakeTheirRatiosAgainstBothJdkServersAndEvserverAndSayWhichPeerIsLeaner() {
        Figures f = vthreadsFigures(List.of(Contender.EVSERVER_VTHREADS, Contender.JDK_VTHREADS_PROCESSOR,
                Contender.VIRTUAL_THREADS, Contender.EVSERVER));
        set(f, Contender.EVSERVER_VTHREADS, REQ, 120, 120, 120);
        set(f, Contender.JDK_VTHREADS_PROCESSOR, REQ, 100, 100, 100);
        set(f, Contender.VIRTUAL_THREADS, REQ, 240, 240, 240);
        set(f, Contender.EVSERVER, REQ, 150, 150, 150);
        set(f, Contender.EVSERVER_VTHREADS, Figures.Measure.SYS_PER_REQ, 4, 5, 6);
        Printed p = Printed.print(f, Comparison.VTHREADS);
        assertThat(p.tables()).hasSize(2);
        String[] head = p.tables().getFirst().getFirst();
        assertThat(head).containsExactly("http 1 carrier, c=16", "req/s", "p50 µs", "p99 µs", "CPU µs/req",
                "req/s ÷ JDK vt", "CPU ÷ JDK vt", "p99 ÷ JDK vt", "req/s ÷ lean JDK vt", "CPU ÷ lean JDK vt",
                "req/s ÷ evserver", "CPU ÷ evserver", "sys µs/req", "errors");
        String[] vt = p.tables().getFirst().get(1);
        assertThat(vt[0]).isEqualTo("evserver-vthreads name");
        assertThat(vt[5]).isEqualTo("1.20× (1.20..1.20)");
        assertThat(vt[8]).isEqualTo("0.50× (0.50..0.50)");
        assertThat(vt[10]).isEqualTo("0.80× (0.80..0.80)");
        assertThat(vt[12]).as("the kernel's part of the CPU, median of rounds").isEqualTo("5.00");
        assertThat(p.tables().getFirst().get(2)[12]).isEqualTo("n/a");
        assertThat(p.tables().getFirst().get(2)[5]).isEqualTo("—");   // the JDK server against itself
        assertThat(p.tables().getFirst().get(3)[8]).isEqualTo("—");   // the lean one against itself
        assertThat(p.tables().getFirst().get(4)[10]).isEqualTo("—");  // evserver against itself
        assertThat(p.tables().get(1).getFirst()[0]).isEqualTo("http 1 carrier, c=256");
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).startsWith("JDK vt = issue 14's peer: evserver's HttpProcessor"));
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).startsWith("lean JDK vt (virtual thread/conn) does less"));
        assertThat(p.notes()).contains("targets (issue 14), evserver --vthreads with 1 carrier, on the median paired ratio:",
                "  req/s ≥ 1.2× JDK virtual threads (same HttpProcessor), c=256: met (1.20× (1.20..1.20))",
                "  CPU/request ≤ 0.8× JDK virtual threads (same HttpProcessor), c=16: n/a (no paired round with jdk-vthreads-processor)");
        assertThat(p.metrics()).contains("evserver-vthreads/t1 target req/s ≥ 1.2× JDK virtual threads (same HttpProcessor), c=256 1.0");
        assertThat(p.metrics()).noneMatch(m -> m.contains("CPU/request"));   // not judged: not recorded
    }

    @Test
    void theHttpTablesKeepTheirEpollAndCFloorColumnsAndTheAioTargetOnlyWhenAioRan() {
        List<Contender> servers = List.of(server(Contender.EVSERVER, "evserver (kevent)"),
                server(Contender.NETTY_EPOLL, "netty epoll"), server(Contender.C_FLOOR, "C epoll floor"));
        Figures f = new Figures(2, servers, List.of(Workload.ALL), 1);
        Printed p = Printed.print(f, Comparison.HTTP);
        assertThat(p.tables()).hasSize(3);
        assertThat(p.tables().get(2).getFirst()).containsExactly("http 2 threads, pipelined ×16, c=16", "req/s", "p50 µs",
                "p99 µs", "CPU µs/req", "req/s ÷ epoll", "CPU ÷ epoll", "p99 ÷ epoll", "CPU ÷ C floor",
                "CPU ÷ C uring floor", "sys µs/req", "errors");
        assertThat(p.notes()).noneMatch(n -> n.contains("issue 5") || n.contains("leaner"));
        assertThat(p.notes()).contains("targets (issue 3), evserver with 2 threads, on the median paired ratio:");

        // Issue 17 replaced issue 5's target (≤ 0.85× the epoll floor, which loopback TCP makes
        // unreachable) with targets against the C io_uring floor.
        Figures withAio = new Figures(1, List.of(server(Contender.EVSERVER_AIO, "aio"),
                server(Contender.C_URING_FLOOR, "C uring")), List.of(Workload.ALL), 1);
        withAio.set(CPU, 0, 1, 0, 10.8);
        withAio.set(CPU, 1, 1, 0, 10);
        withAio.set(CPU, 0, 2, 0, 11.5);
        withAio.set(CPU, 1, 2, 0, 10);
        List<String> notes = Printed.print(withAio, Comparison.HTTP).notes();
        assertThat(notes).contains("target (issue 17), evserver --aio with 1 thread: CPU/request ≤ 1.10× C uring floor,"
                        + " c=256: met (1.08× (1.08..1.08))",
                "target (issue 17), evserver --aio with 1 thread: CPU/request ≤ 1.10× C uring floor, pipelined ×16:"
                        + " NOT MET (1.15× (1.15..1.15))",
                "  CPU/request ≤ 1.0× Netty epoll, c=16: n/a (evserver not loaded)");
        assertThat(notes).noneMatch(n -> n.contains("issue 5") || n.contains("kevent-lean"));
    }

    @Test
    void issue3AndIssue15ShareTheReqPerSecondAndP99TargetsAgainstNettyEpollAfterTheirOwnCpuTargets() {
        List<String> peerTargets = List.of("req/s ≥ Netty epoll, c=16", "req/s ≥ Netty epoll, c=256",
                "req/s ≥ Netty epoll, pipelined ×16", "p99 ≤ Netty epoll, c=16", "p99 ≤ Netty epoll, c=256",
                "p99 ≤ Netty epoll, pipelined ×16");
        Comparison.TargetSet issue3 = Comparison.HTTP.targetSets().get(1);
        assertThat(issue3.subject()).isEqualTo(Contender.EVSERVER);
        assertThat(issue3.targets()).extracting(Comparison.Target::what).startsWith(
                "CPU/request ≤ 1.05× C floor, pipelined ×16", "CPU/request ≤ 0.92× Netty epoll, pipelined ×16",
                "CPU/request ≤ 1.0× Netty epoll, c=16", "CPU/request ≤ 1.0× Netty epoll, c=256");
        assertThat(issue3.targets().subList(4, issue3.targets().size())).extracting(Comparison.Target::what)
                .containsExactlyElementsOf(peerTargets);
        assertThat(Comparison.NETTY.targetSets()).hasSize(1);
        Comparison.TargetSet issue15 = Comparison.NETTY.targetSets().getFirst();
        assertThat(issue15.issue()).isEqualTo("issue 15");
        assertThat(issue15.subject()).isEqualTo(Contender.NETTY_KEVENT);
        assertThat(issue15.targets()).allSatisfy(t -> assertThat(t.peer()).isEqualTo(Contender.NETTY_EPOLL));
        assertThat(issue15.targets()).extracting(t -> t.measure() + " " + t.workload().key() + " "
                + (t.atMost() ? "<= " : ">= ") + t.bound()).startsWith("CPU_PER_REQ c256 <= 0.95",
                "CPU_PER_REQ pipelined16 <= 0.95");
        assertThat(issue15.targets().subList(2, issue15.targets().size())).extracting(Comparison.Target::what)
                .containsExactlyElementsOf(peerTargets);
    }

    @Test
    void theNettyTablesTakeTheirRatiosAgainstNettyEpollAloneAndJudgeTheKeventTransport() {
        List<Contender> servers = List.of(server(Contender.NETTY_KEVENT, "netty kevent"),
                server(Contender.NETTY_EPOLL, "netty epoll"));
        Figures f = new Figures(1, servers, List.of(Workload.ALL), 1);
        f.set(CPU, 0, 1, 0, 9);
        f.set(CPU, 1, 1, 0, 10);
        Printed p = Printed.print(f, Comparison.NETTY);
        assertThat(p.tables()).hasSize(3);
        assertThat(p.tables().get(1).getFirst()).containsExactly("http 1 thread, c=256", "req/s", "p50 µs", "p99 µs",
                "CPU µs/req", "req/s ÷ epoll", "CPU ÷ epoll", "p99 ÷ epoll", "sys µs/req", "errors");
        assertThat(p.notes()).contains("targets (issue 15), netty-kevent with 1 thread, on the median paired ratio:",
                "  CPU/request ≤ 0.95× Netty epoll, c=256: met (0.90× (0.90..0.90))",
                "  req/s ≥ Netty epoll, c=16: n/a (no paired round with netty-epoll)");
        assertThat(p.notes()).noneMatch(n -> n.contains("issue 3") || n.contains("issue 5"));
        assertThat(p.metrics()).containsExactly("netty-kevent/t1 target CPU/request ≤ 0.95× Netty epoll, c=256 1.0");
    }

    @Test
    void everyFigureIsRecordedWithItsRatiosAgainstEachReference() {
        Figures f = vthreadsFigures(List.of(Contender.EVSERVER_VTHREADS, Contender.JDK_VTHREADS_PROCESSOR));
        set(f, Contender.EVSERVER_VTHREADS, CPU, 6, 6, 6);
        set(f, Contender.JDK_VTHREADS_PROCESSOR, CPU, 8, 8, 8);
        List<String> recorded = new ArrayList<>();
        Tables.record((variant, metric, value, unit) -> recorded.add(variant + " " + metric + " " + value),
                f, Comparison.VTHREADS);
        assertThat(recorded).contains("evserver-vthreads/t1/c256 cpu_per_req_round3 6.0",
                "evserver-vthreads/t1/c256 cpu_per_req_vs_jdk-vthreads-processor_paired_median 0.75",
                "evserver-vthreads/t1/c16 req_per_s_vs_jdk-vthreads-processor_paired_median NaN");
        // No ratio of a server to itself, and none against a reference that was not loaded (evserver).
        assertThat(recorded).noneMatch(m -> m.startsWith("jdk-vthreads-processor/t1/c16 cpu_per_req_vs_jdk-vthreads-processor"));
        assertThat(recorded).noneMatch(m -> m.contains("_vs_evserver_"));
        assertThat(recorded).noneMatch(m -> m.contains("pipelined16") || m.contains("netty-epoll"));
    }

    @Test
    void evserverVthreadsRunsServeVthreadsFromTheCliJarWithExactlyNCarriers() {
        Contender c = Contender.evserverVthreads("/jdk/bin/java", Path.of("/cli.jar"), null);
        assertThat(c.key()).isEqualTo("evserver-vthreads");
        List<String> cmd = c.command(8080, 2);
        assertThat(cmd).containsSubsequence("/jdk/bin/java", "-Djdk.virtualThreadScheduler.parallelism=2",
                "-Djdk.virtualThreadScheduler.maxPoolSize=2", "-cp", "/cli.jar", "org.kevent.cli.Main", "serve",
                "--port", "8080", "--vthreads");
        assertThat(cmd).doesNotContain("--threads");
        assertThat(cmd.getLast()).isEqualTo("--vthreads");
        // The event-loop evserver's command is what it always was.
        assertThat(Contender.evserver("/jdk/bin/java", Path.of("/cli.jar"), null).command(8080, 2))
                .endsWith("org.kevent.cli.Main", "serve", "--port", "8080", "--threads", "2")
                .noneMatch(a -> a.startsWith("-Djdk.virtualThreadScheduler"));
        assertThat(Contender.evserverAio("/jdk/bin/java", Path.of("/cli.jar"), null).command(1, 1))
                .endsWith("serve", "--port", "1", "--threads", "1", "--aio");
    }

    /** The portable row is the same evserver, its engine chosen by the property and nothing else. */
    @Test
    void thePortableEvserverIsTheSameServeCommandWithThePortableEngineProperty() {
        List<String> portable = Contender.evserverPortable("/jdk/bin/java", Path.of("/cli.jar"), null).command(8080, 2);
        List<String> linux = Contender.evserver("/jdk/bin/java", Path.of("/cli.jar"), null).command(8080, 2);
        assertThat(portable).contains("-Dkevent.engine=portable");
        assertThat(portable.indexOf("-Dkevent.engine=portable")).as("a JVM flag").isLessThan(portable.indexOf("-cp"));
        assertThat(portable.stream().filter(a -> !a.equals("-Dkevent.engine=portable")).toList()).isEqualTo(linux);
        assertThat(Contender.evserverPortable("/jdk/bin/java", null, "no CLI jar").available()).isFalse();
    }

    @Test
    void anUnavailableEvserverVthreadsSaysWhyAndRefusesToStart() {
        Contender c = Contender.evserverVthreads("/jdk/bin/java", null, "no CLI jar at /x.jar");
        assertThat(c.available()).isFalse();
        assertThat(c.unavailable()).isEqualTo("no CLI jar at /x.jar");
        assertThatThrownBy(() -> c.command(1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("evserver-vthreads is not available");
    }

    @Test
    void theVthreadsRunLoadsC16AndC256AndThePipelinedWorkloadOnlyWhenAsked() {
        assertThat(HttpBench.vthreadsWorkloads(Map.of())).containsExactly(Workload.C16, Workload.C256);
        assertThat(HttpBench.vthreadsWorkloads(Map.of("pipelined", "true")))
                .containsExactly(Workload.C16, Workload.C256, Workload.PIPELINED);
    }

    @Test
    void evserverBaselineIsEvserversServeCommandFromTheBaselineJar() {
        Contender baseline = Contender.evserverBaseline("/jdk/bin/java", Path.of("/base.jar"), null);
        assertThat(baseline.key()).isEqualTo("evserver-baseline");
        assertThat(baseline.name()).isEqualTo("evserver (baseline jar)");
        List<String> evserver = Contender.evserver("/jdk/bin/java", Path.of("/cli.jar"), null).command(8080, 2);
        assertThat(baseline.command(8080, 2))
                .isEqualTo(evserver.stream().map(a -> a.equals("/cli.jar") ? "/base.jar" : a).toList())
                .endsWith("org.kevent.cli.Main", "serve", "--port", "8080", "--threads", "2");
        Contender missing = Contender.evserverBaseline("/jdk/bin/java", null, "not selected by --only");
        assertThat(missing.available()).isFalse();
        assertThatThrownBy(() -> missing.command(1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("evserver-baseline is not available");
    }

    @Test
    void baselineCliJarTakesAReadableFileAndIsNeededByOnlyEvserverBaseline(@TempDir Path dir) throws Exception {
        assertThat(HttpBench.OPTIONS).contains("baseline-cli-jar");
        assertThat(HttpBench.baselineCliJar(Map.of())).isNull();
        assertThat(HttpBench.baselineCliJar(Map.of("only", "evserver,netty-epoll"))).isNull();
        Path jar = Files.createFile(dir.resolve("kevent-cli-all-b03918c.jar"));
        assertThat(HttpBench.baselineCliJar(Map.of("baseline-cli-jar", jar.toString()))).isEqualTo(jar);
        assertThat(HttpBench.baselineCliJar(Map.of("baseline-cli-jar", jar.toString(), "only",
                "evserver,evserver-baseline"))).isEqualTo(jar);

        Path absent = dir.resolve("absent.jar");
        assertThatThrownBy(() -> HttpBench.baselineCliJar(Map.of("baseline-cli-jar", absent.toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--baseline-cli-jar " + absent + ": no readable file");
        assertThatThrownBy(() -> HttpBench.baselineCliJar(Map.of("baseline-cli-jar", dir.toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no readable file");
        // "--baseline-cli-jar" with no value parses as the flag value "true": not a file either.
        assertThatThrownBy(() -> HttpBench.baselineCliJar(Map.of("baseline-cli-jar", "true")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--baseline-cli-jar true: no readable file");
        assertThatThrownBy(() -> HttpBench.baselineCliJar(Map.of("only", "evserver,evserver-baseline")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--only evserver-baseline needs --baseline-cli-jar JAR");
    }

    @Test
    void withABaselineJarTheHttpTablesGainEvserverOverEvserverBaselineColumnsPairedByRound() {
        assertThat(HttpBench.httpComparison(null)).isSameAs(Comparison.HTTP);
        Comparison c = HttpBench.httpComparison(Path.of("/base.jar"));
        Figures f = new Figures(1, List.of(server(Contender.EVSERVER, "evserver (kevent)"),
                server(Contender.EVSERVER_BASELINE, "evserver (baseline jar)")), List.of(Workload.ALL), 3);
        for (int w = 0; w < 3; w++) {
            for (int r = 0; r < 3; r++) {
                f.set(REQ, 0, w, r, new double[] {99, 104, 101}[r]);
                f.set(REQ, 1, w, r, 100);
                f.set(CPU, 0, w, r, 2.0);
                f.set(CPU, 1, w, r, new double[] {2.0, 1.6, 2.5}[r]);
                f.set(P99, 0, w, r, 300);
                f.set(P99, 1, w, r, 200);
            }
        }
        Printed p = Printed.print(f, c);
        assertThat(p.tables()).hasSize(3);
        for (List<String[]> table : p.tables()) {
            assertThat(table.getFirst()).endsWith("CPU ÷ C floor", "CPU ÷ C uring floor", "req/s ÷ baseline", "CPU ÷ baseline",
                    "p99 ÷ baseline", "sys µs/req", "errors");
            assertThat(table.get(1)).endsWith("1.01× (0.99..1.04)", "1.00× (0.80..1.25)", "1.50× (1.50..1.50)", "n/a", "0");
            assertThat(table.get(2)).endsWith("—", "—", "—", "n/a", "0");
        }
        List<String> recorded = new ArrayList<>();
        Tables.record((variant, metric, value, unit) -> recorded.add(variant + " " + metric + " " + value), f, c);
        assertThat(recorded).contains("evserver/t1/c16 req_per_s_vs_evserver-baseline_paired_median 1.01",
                "evserver/t1/c256 cpu_per_req_vs_evserver-baseline_paired_min 0.8",
                "evserver/t1/pipelined16 p99_vs_evserver-baseline_paired_max 1.5");
        assertThat(recorded).noneMatch(m -> m.startsWith("evserver-baseline/t1/c16 req_per_s_vs_evserver-baseline"));
    }

    @Test
    void theLeanServersAreJudgedAgainstTheirFloorsAndKeventLeanAlsoAgainstItsJavaPeers() {
        List<Contender> servers = List.of(server(Contender.KEVENT_LEAN, "kevent lean"),
                server(Contender.KEVENT_LEAN_AIO, "kevent lean aio"), server(Contender.C_FLOOR, "C epoll floor"),
                server(Contender.C_URING_FLOOR, "C io_uring floor"), server(Contender.NIO_SELECTOR, "selector"));
        Figures f = new Figures(1, servers, List.of(Workload.ALL), 3);
        for (int w = 0; w < 3; w++) {
            for (int r = 0; r < 3; r++) {
                f.set(CPU, 0, w, r, new double[] {10.2, 10.4, 10.9}[r]);
                f.set(CPU, 1, w, r, 10.6);
                f.set(CPU, 2, w, r, 10);
                f.set(CPU, 3, w, r, 10);
                f.set(CPU, 4, w, r, 11);
                f.set(REQ, 0, w, r, 100);
                f.set(REQ, 4, w, r, 90);
            }
        }
        Printed p = Printed.print(f, Comparison.HTTP);
        assertThat(p.tables().get(1).get(1)).startsWith("kevent lean").contains("1.04× (1.02..1.09)", "1.04× (1.02..1.09)");
        assertThat(p.notes()).contains(
                "target (issue 17), kevent-lean with 1 thread: CPU/request ≤ 1.03× C floor, c=256: NOT MET (1.04× (1.02..1.09))",
                "target (issue 17), kevent-lean with 1 thread: CPU/request ≤ NIO Selector, c=16: met (0.95× (0.93..0.99))",
                "target (issue 17), kevent-lean with 1 thread: req/s ≥ NIO Selector, pipelined ×16, c=16: met (1.11× (1.11..1.11))",
                "target (issue 17), kevent-lean with 1 thread: req/s ≥ Netty lean epoll, c=16: n/a (no paired round with netty-lean-epoll)",
                "target (issue 17), kevent-lean-aio with 1 thread: CPU/request ≤ 1.05× C uring floor, c=256: NOT MET (1.06× (1.06..1.06))");
        // evserver's issue 17 targets are printed only when evserver ran.
        assertThat(p.notes()).noneMatch(n -> n.contains("evserver with 1 thread: CPU/request ≤ 1.10× C floor"));
    }

    @Test
    void onlyRefusesAKeyThatNamesNoServerOfTheBench() {
        HttpBench.checkOnly(List.of("kevent-lean", "c-floor", "c-uring-floor", "netty-lean-epoll"), HttpBench.HTTP_KEYS);
        assertThatThrownBy(() -> HttpBench.checkOnly(List.of("kevent-lean", "c-flor"), HttpBench.HTTP_KEYS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--only c-flor: no such server; keys: " + HttpBench.HTTP_KEYS);
        assertThatThrownBy(() -> HttpBench.checkOnly(List.of("kevent-lean"), HttpBench.NETTY_KEYS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
