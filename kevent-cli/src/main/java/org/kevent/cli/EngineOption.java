package org.kevent.cli;

import org.kevent.QueueEngine;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --engine} option of the commands that take one: its parsing, and running code with
 * the chosen engine as the library's default, which queues opened with the defaults and every
 * socket made meanwhile follow (docs/SEMANTICS.md §10).
 */
final class EngineOption {
    /** The system property the library reads for the default engine. */
    private static final String PROPERTY = "kevent.engine";

    private EngineOption() {
    }

    /** What runs with the engine as the default; may throw what its caller throws. */
    @FunctionalInterface
    interface Body<T, E extends Exception> {
        T get() throws E;
    }

    /**
     * @param spec  the command, for the usage error
     * @param value the option's value
     * @return the engine it names
     * @throws ParameterException if it names none
     */
    static QueueEngine parse(CommandSpec spec, String value) {
        try {
            return QueueEngine.of(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--engine must be linux, portable or auto, got " + value);
        }
    }

    /**
     * Runs {@code body} with {@code engine} as the default engine, then puts the property back as
     * it was: the command may run inside another program (the tests).
     */
    static <T, E extends Exception> T asDefault(QueueEngine engine, Body<T, E> body) throws E {
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, engine.toString());
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }
}
