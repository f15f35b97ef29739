package org.kevent.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.quicktheories.QuickTheory;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.core.Reporter;
import org.quicktheories.impl.Constraint;

/**
 * How the property tests run QuickTheories: a fixed number of examples from a printed seed, which
 * {@code -Dkevent.seed=N} overrides ({@code -Dkevent.seed=random} draws one), bounded shrinking, and
 * a failure that names the seed to rerun and shows the smallest failing value.
 *
 * <p>Every {@link #check} prints one line when it starts (name, examples, seed) and one when it
 * passes (examples run, time). A failing one throws an {@link AssertionError} whose message reads
 * <pre>
 * ModelPropertiesTest.getEventsAgreesWithTheModel failed on example 1 of 6000 (seed 20260611);
 * shrunk 1184 times (20000 tries, -Dkevent.shrinks=N for more) to:
 *     ctl(ADD, [timer(0, 0ms).period(1ms).cookie(0)])
 *     getEvents(min=0, max=1, timeout=0ms)
 * failure: [events of getEvents(0, 1, 0 ns)] Expecting actual: ...
 * rerun: mvn -B -q -pl kevent-core test -Dtest=ModelPropertiesTest#getEventsAgreesWithTheModel -Dkevent.seed=20260611
 * </pre>
 * with the failure of the smallest value as its cause. The same seed gives the same examples, so
 * the rerun fails the same way (as long as the generators and the code under test are unchanged).
 *
 * <h2>Sequences</h2>
 * QuickTheories shrinks the numbers drawn for a value (its "precursor"), each towards its target,
 * one at a time, and keeps a change when the property still fails; the value is drawn again from
 * the changed numbers, in order. {@link #sequence} lays a sequence out so that this removes steps:
 * a length (target: the shortest), then per step an "on" number (target 0, which is off) followed by the
 * step's own numbers. An off step is still drawn, so the steps after it keep their numbers, but it
 * is neither run nor shown: shrinking turns off every step the failure does not need, and what is
 * printed is the rest, one per line. {@link #some} does the same for the items of one step.
 *
 * <p>For the same reason a step should draw the same count of numbers whatever they are (draw the
 * alternatives of a choice unconditionally and use one): then shrinking one number of a step leaves
 * the numbers of the steps after it where they were.
 *
 * <h2>Choices</h2>
 * Generators are functions of {@link Choices}, a source of bounded numbers, so that no
 * QuickTheories type shows in the tests: {@link #check} draws the numbers from QuickTheories (so
 * they shrink); another source of numbers (a fuzzer's input, say) could drive the same generators.
 */
public final class PropertyChecks {
    /** The system property that replaces every property's fixed seed. */
    public static final String SEED = "kevent.seed";
    /** The system property that sets the shrink budget (tries) of a failing property. */
    public static final String SHRINKS = "kevent.shrinks";
    /** Shrink tries by default: a few seconds for the model sequences. */
    static final int DEFAULT_SHRINKS = 20_000;

    private PropertyChecks() {
    }

    /** @return the seed to use: {@code -Dkevent.seed} if given ({@code random} draws one), else {@code fixed} */
    public static long seed(long fixed) {
        String s = System.getProperty(SEED);
        if (s == null || s.isBlank()) {
            return fixed;
        }
        if (s.strip().equals("random")) {
            return new SplittableRandom().nextLong() & Long.MAX_VALUE;
        }
        return Long.parseLong(s.strip());
    }

    /**
     * Checks {@code property} on {@code examples} values drawn by {@code draw}; see the class
     * comment. The property fails by throwing (an AssertJ assertion, say). The name printed is the
     * caller's class and method, so call this from the test method itself.
     */
    public static <T> void check(long fixedSeed, int examples, Function<Choices, T> draw, Consumer<T> property) {
        StackWalker.StackFrame caller = StackWalker.getInstance()
                .walk(s -> s.filter(f -> !f.getClassName().equals(PropertyChecks.class.getName())).findFirst())
                .orElseThrow();
        String test = caller.getClassName().substring(caller.getClassName().lastIndexOf('.') + 1);
        String name = test + "." + caller.getMethodName();
        long seed = seed(fixedSeed);
        int shrinks = Integer.getInteger(SHRINKS, DEFAULT_SHRINKS);
        String given = System.getProperty(SEED);
        System.out.printf("[property] %s: %d examples, seed %d (%s)%n", name, examples, seed,
                given == null || given.isBlank() ? "fixed; -D" + SEED + "=N to change" : "-D" + SEED + "=" + given);
        AtomicInteger run = new AtomicInteger();
        long t0 = System.nanoTime();
        String rerun = "mvn -B -q -pl kevent-core test -Dtest=" + test + "#" + caller.getMethodName()
                + " -D" + SEED + "=" + seed;
        QuickTheory.qt()
                .withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(shrinks)
                .withReporter(new FailureReporter(name, examples, shrinks, rerun))
                .forAll(gen(draw))
                .checkAssert(value -> {
                    run.incrementAndGet();
                    property.accept(value);
                });
        System.out.printf("[property] %s: %d examples passed in %.2f s%n", name, run.get(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** Throws the failure described in the class comment (0.26 spells the method "falisification"). */
    private record FailureReporter(String name, int examples, int shrinks, String rerun) implements Reporter {
        @Override
        public void falisification(long seed, int count, Object smallest, Throwable cause, List<Object> found,
                                  AsString<Object> toString) {
            throw new AssertionError(message(seed, count, toString.asString(smallest), found.size() - 1,
                    String.valueOf(cause.getMessage()).strip()), cause);
        }

        @Override
        public void falisification(long seed, int count, Object smallest, List<Object> found,
                                  AsString<Object> toString) {
            throw new AssertionError(message(seed, count, toString.asString(smallest), found.size() - 1,
                    "the property returned false"));
        }

        @Override
        public void valuesExhausted(int completed) {
            throw new IllegalStateException(name + ": gave up after " + completed + " examples");
        }

        private String message(long seed, int count, String smallest, int shrunk, String failure) {
            return name + " failed on example " + count + " of " + examples + " (seed " + seed + ");\nshrunk "
                    + shrunk + " times (" + shrinks + " tries, -D" + SHRINKS + "=N for more) to:\n"
                    + smallest.lines().map(l -> "    " + l).collect(Collectors.joining("\n"))
                    + "\nfailure: " + failure + "\nrerun: " + rerun;
        }
    }

    // ---------------------------------------------------------------------------------- choices

    /** A source of bounded numbers that generators draw from. */
    public interface Choices {
        /** @return a number in {@code [min, max]}; shrinking moves it towards 0 (or the bound nearer 0) */
        long between(long min, long max);

        default int between(int min, int max) {
            return (int) between((long) min, (long) max);
        }

        default boolean bool() {
            return between(0, 1) == 1;
        }

        /** @return the index of one weight, chosen with probability weight / sum; shrinks towards 0 */
        default int weighted(int... weights) {
            int sum = 0;
            for (int w : weights) {
                sum += w;
            }
            int roll = between(0, sum - 1);
            for (int i = 0; ; i++) {
                roll -= weights[i];
                if (roll < 0) {
                    return i;
                }
            }
        }

        @SuppressWarnings("unchecked")
        default <T> T pick(T... values) {
            return values[between(0, values.length - 1)];
        }
    }

    /** @return a QuickTheories generator that draws through {@link Choices}, so that its numbers shrink */
    private static <T> Gen<T> gen(Function<Choices, T> draw) {
        return in -> draw.apply(new QtChoices(in));
    }

    private record QtChoices(RandomnessSource in) implements Choices {
        @Override
        public long between(long min, long max) {
            return in.next(Constraint.between(min, max));
        }
    }

    // ---------------------------------------------------------------------------------- sequences

    /** The steps of one sequence that are on, in order; {@code toString} shows one per line. */
    public record Sequence<A>(List<A> steps) {
        @Override
        public String toString() {
            if (steps.isEmpty()) {
                return "(no steps)";
            }
            return steps.stream().map(String::valueOf).collect(Collectors.joining("\n"));
        }
    }

    /**
     * @return a sequence of {@code minSteps} to {@code maxSteps} steps (uniformly) drawn by {@code step},
     *         laid out for shrinking as the class comment says; a step drawn as null is left out. Its
     *         length varies, so draw it after everything else of a value.
     */
    public static <A> Sequence<A> sequence(Choices c, int minSteps, int maxSteps, Function<Choices, A> step) {
        int n = c.between(minSteps, maxSteps);
        List<A> on = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean isOn = on(c);
            A a = step.apply(c);
            if (isOn && a != null) {
                on.add(a);
            }
        }
        return new Sequence<>(on);
    }

    /**
     * @return {@code min} to {@code max} items (uniformly), fewer if shrinking turned some off; always
     *         draws {@code max} of them, so that the draws after these stay in place
     */
    public static <A> List<A> some(Choices c, int min, int max, Function<Choices, A> item) {
        int n = c.between(min, max);
        List<A> on = new ArrayList<>(n);
        for (int i = 0; i < max; i++) {
            boolean isOn = on(c);
            A a = item.apply(c);
            if (isOn && i < n) {
                on.add(a);
            }
        }
        return on;
    }

    /** 1 in 64 generated items is off; shrinking aims at 0, off. */
    private static boolean on(Choices c) {
        return c.between(0, 63) != 0;
    }
}
