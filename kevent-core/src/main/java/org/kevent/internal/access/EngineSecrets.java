package org.kevent.internal.access;

import java.util.function.Supplier;

/**
 * The bridge from {@code org.kevent.net} to the engine choice of {@code org.kevent}
 * (package-private there): a socket or a file follows the default engine when it is made
 * (docs/SEMANTICS.md §10). The {@code SharedSecrets} pattern, as {@link NetSecrets}: the choice
 * installs itself from its static initializer, and a getter that finds none yet initializes it.
 */
public final class EngineSecrets {
    /** What {@code EngineChoice} lends the sockets. */
    public interface Choice {
        /**
         * @param call     the call, named if linux was asked for and cannot run
         * @param linux    makes the object on the Linux engine
         * @param portable makes it on the portable engine
         * @return what the chosen supplier made
         */
        <T> T make(String call, Supplier<T> linux, Supplier<T> portable);
    }

    private static final String CHOICE_CLASS = "org.kevent.EngineChoice";

    private static volatile Choice choice;

    private EngineSecrets() {
    }

    /**
     * Installs the choice; called once, by {@code EngineChoice}'s static initializer.
     *
     * @param access the choice
     */
    public static void setChoice(Choice access) {
        choice = access;
    }

    /**
     * Makes a socket or a file on the default engine.
     *
     * @param call     the call, named if linux was asked for and cannot run
     * @param linux    makes it on the Linux engine
     * @param portable makes it on the portable engine
     * @return what the chosen supplier made
     */
    public static <T> T make(String call, Supplier<T> linux, Supplier<T> portable) {
        Choice c = choice;
        if (c == null) {
            try {
                Class.forName(CHOICE_CLASS, true, EngineSecrets.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot initialize " + CHOICE_CLASS, e);
            }
            c = choice;
        }
        return c.make(call, linux, portable);
    }
}
