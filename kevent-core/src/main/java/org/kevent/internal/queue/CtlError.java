package org.kevent.internal.queue;

/**
 * Why one control record failed: the symbolic errno of docs/SEMANTICS.md §4 and a message naming the record.
 *
 * @param errorName e.g. {@code "EEXIST"}
 * @param message   what was wrong, in words
 */
public record CtlError(String errorName, String message) {
    public static CtlError of(String errorName, String message) {
        return new CtlError(errorName, message);
    }
}
