package org.kevent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JmhJsonTest {
    /**
     * A JMH 1.37 {@code -rf json} result of the three paired benchmarks, cut from a real run
     * (fewer percentiles, the rest as JMH writes it): NaN errors as strings, raw data as nested
     * arrays, and the two-thread group with its per-method and {@code @AuxCounters} secondaries.
     */
    static String sample(double oneThread, double b1, double groupCalls, double events, double groupAllocNorm) {
        return """
                [
                    {
                        "jmhVersion" : "1.37",
                        "benchmark" : "org.kevent.bench.EngineBenchmark.triggerDeliverOneThread",
                        "mode" : "thrpt",
                        "threads" : 1,
                        "forks" : 1,
                        "jvm" : "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java",
                        "jvmArgs" : [ "--enable-native-access=ALL-UNNAMED", "-Xmx1g" ],
                        "warmupTime" : "1 s",
                        "primaryMetric" : {
                            "score" : %s,
                            "scoreError" : "NaN",
                            "scoreConfidence" : [ "NaN", "NaN" ],
                            "scorePercentiles" : { "0.0" : 1.5634339631615552E8, "100.0" : 1.567139929028459E8 },
                            "scoreUnit" : "ops/s",
                            "rawData" : [ [ 1.5634339631615552E8, 1.567139929028459E8 ] ]
                        },
                        "secondaryMetrics" : {
                            "gc.alloc.rate" : { "score" : 0.034, "scoreError" : "NaN", "scoreUnit" : "MB/sec" },
                            "gc.alloc.rate.norm" : { "score" : 2.3299679728460776E-4, "scoreError" : "NaN", "scoreUnit" : "B/op" },
                            "gc.count" : { "score" : 0.0, "scoreError" : "NaN", "scoreUnit" : "counts" }
                        }
                    },
                    {
                        "jmhVersion" : "1.37",
                        "benchmark" : "org.kevent.bench.EngineBenchmark.triggerDeliverOneThreadB1",
                        "mode" : "thrpt",
                        "threads" : 1,
                        "primaryMetric" : {
                            "score" : %s,
                            "scoreError" : 1234567.5,
                            "scoreUnit" : "ops/s",
                            "rawData" : [ [ 2.9E7, 3.0E7 ] ]
                        },
                        "secondaryMetrics" : {
                            "gc.alloc.rate.norm" : { "score" : 0.001, "scoreError" : "NaN", "scoreUnit" : "B/op" }
                        }
                    },
                    {
                        "jmhVersion" : "1.37",
                        "benchmark" : "org.kevent.bench.EngineBenchmark.triggerDeliverTwoThreads",
                        "mode" : "thrpt",
                        "threads" : 2,
                        "primaryMetric" : {
                            "score" : %s,
                            "scoreError" : "NaN",
                            "scoreUnit" : "ops/s",
                            "rawData" : [ [ 9.9E6, 1.0E7 ] ]
                        },
                        "secondaryMetrics" : {
                            "consume" : { "score" : 2816487.645, "scoreError" : "NaN", "scoreUnit" : "ops/s" },
                            "events" : { "score" : %s, "scoreError" : 250000.0, "scoreUnit" : "ops/s" },
                            "gc.alloc.rate.norm" : { "score" : %s, "scoreError" : "NaN", "scoreUnit" : "B/op" },
                            "produce" : { "score" : 7169009.929, "scoreError" : "NaN", "scoreUnit" : "ops/s" },
                            "triggers" : { "score" : 7168809.226, "scoreError" : "NaN", "scoreUnit" : "ops/s" }
                        }
                    }
                ]
                """.formatted(oneThread, b1, groupCalls, events, groupAllocNorm);
    }

    @Test
    void eachBenchmarkIsKeyedByItsMethodWithScoreErrorAndAllocation() {
        Map<String, EngineRunner.Figure> f = JmhJson.figures(sample(1.565286946095007E8, 2.9575199E7, 9985497.574,
                5181703.637, 0.016));
        assertThat(f.keySet()).containsExactly("triggerDeliverOneThread", "triggerDeliverOneThreadB1",
                "triggerDeliverTwoThreads");
        assertThat(f.get("triggerDeliverOneThread").score()).isEqualTo(1.565286946095007E8);
        assertThat(f.get("triggerDeliverOneThread").alloc()).isEqualTo(2.3299679728460776E-4);
        assertThat(f.get("triggerDeliverOneThreadB1"))
                .isEqualTo(new EngineRunner.Figure(2.9575199E7, 1234567.5, 0.001));
    }

    @Test
    void anErrorJmhWritesAsTheStringNaNReadsAsNaN() {
        Map<String, EngineRunner.Figure> f = JmhJson.figures(sample(1, 2, 3, 4, 5));
        assertThat(f.get("triggerDeliverOneThread").error()).isNaN();
    }

    @Test
    void theTwoThreadGroupScoresTheConsumersDeliveredEventsAndBytesPerDeliveredEvent() {
        // As the normal table: the group's primary score (producer + consumer calls) is not the figure.
        EngineRunner.Figure two = JmhJson.figures(sample(1, 2, 9985497.574, 5181703.637, 0.016))
                .get("triggerDeliverTwoThreads");
        assertThat(two.score()).isEqualTo(5181703.637);
        assertThat(two.error()).isEqualTo(250000.0);
        assertThat(two.alloc()).isCloseTo(0.016 * 9985497.574 / 5181703.637, within(1e-12));
    }

    @Test
    void aBenchmarkWithAnEngineParameterIsKeyedMethodSlashEngine() {
        String json = """
                [ { "benchmark" : "org.kevent.bench.EngineBenchmark.aioSendRecv",
                    "params" : { "engine" : "io_uring" },
                    "primaryMetric" : { "score" : 42.0, "scoreError" : 1.0 } } ]""";
        Map<String, EngineRunner.Figure> f = JmhJson.figures(json);
        assertThat(f.keySet()).containsExactly("aioSendRecv/io_uring");
        // No gc.alloc.rate.norm (no -prof gc): NaN, not 0.
        assertThat(f.get("aioSendRecv/io_uring").alloc()).isNaN();
    }

    /**
     * The Linux engine's row keeps the plain name, so it pairs with a baseline jar that has no
     * queueEngine parameter; the portable engine's row is apart.
     */
    @Test
    void thePortableEnginesRowIsKeyedApartAndTheLinuxEnginesKeepsThePlainName() {
        String json = """
                [ { "benchmark" : "org.kevent.bench.EngineBenchmark.timerAddCancel",
                    "params" : { "queueEngine" : "linux" },
                    "primaryMetric" : { "score" : 9.0, "scoreError" : 1.0 } },
                  { "benchmark" : "org.kevent.bench.EngineBenchmark.timerAddCancel",
                    "params" : { "queueEngine" : "portable" },
                    "primaryMetric" : { "score" : 6.0, "scoreError" : 1.0 } } ]""";
        Map<String, EngineRunner.Figure> f = JmhJson.figures(json);
        assertThat(f.keySet()).containsExactly("timerAddCancel", "timerAddCancel/portable");
        assertThat(f.get("timerAddCancel").score()).isEqualTo(9.0);
        assertThat(f.get("timerAddCancel/portable").score()).isEqualTo(6.0);
    }

    @Test
    void theParserReadsEveryKindOfValue() {
        Object v = JmhJson.parse(" {\"s\": \"a\\\"b\\\\c\\/d\\n\\u00e9\", \"n\": [-1.5e3, 0, 12], "
                + "\"t\": true, \"f\": false, \"z\": null, \"o\": {}, \"e\": []} ");
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat(m.get("s")).isEqualTo("a\"b\\c/d\né");
        assertThat(m.get("n")).isEqualTo(List.of(-1500.0, 0.0, 12.0));
        assertThat(m.get("t")).isEqualTo(true);
        assertThat(m.get("f")).isEqualTo(false);
        assertThat(m.containsKey("z")).isTrue();
        assertThat(m.get("z")).isNull();
        assertThat(m.get("o")).isEqualTo(Map.of());
        assertThat(m.get("e")).isEqualTo(List.of());
    }

    @Test
    void numbersAndTheirStringFormsReadAsDoubles() {
        assertThat(JmhJson.number(1.5)).isEqualTo(1.5);
        assertThat(JmhJson.number("NaN")).isNaN();
        assertThat(JmhJson.number("Infinity")).isInfinite();
        assertThat(JmhJson.number(null)).isNaN();
        assertThat(JmhJson.number("fast")).isNaN();
    }

    @Test
    void textThatIsNotJsonIsRefusedWithWhere() {
        assertThatThrownBy(() -> JmhJson.parse("[1, 2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 5");
        assertThatThrownBy(() -> JmhJson.parse("{\"a\": 1} x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text after");
        assertThatThrownBy(() -> JmhJson.parse("{a: 1}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("member name");
        assertThatThrownBy(() -> JmhJson.figures("{\"benchmark\": \"x\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("array");
    }
}
