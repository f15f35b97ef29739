package org.kevent.bench.naio;

/**
 * The two workloads of {@code kevent bench naio} and their wire protocols, shared by the servers,
 * the load clients and the check.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>{@link #SENDFILE}: a client writes one byte ({@link #REQUEST}); the server answers with the
 *       whole file, {@link #FILE_BYTES} bytes, and waits for the next byte on the same connection.
 *       The client sends it only once it has read the whole file, so at most one transfer per
 *       connection is in flight.</li>
 *   <li>{@link #ECHO}: a client writes a {@link #MESSAGE_BYTES} message and reads as many bytes
 *       back before it writes the next one; the server returns every byte it receives, in order.</li>
 * </ul>
 */
public enum Part {
    /** A 256 MiB file sent again and again to 16 clients. */
    SENDFILE("sendfile", "256 MiB file served to 16 clients", 16),
    /** 16 KiB messages echoed over 64 connections. */
    ECHO("echo", "16 KiB echo over 64 connections", 64);

    /** The size of the file the sendfile servers send. */
    static final long FILE_BYTES = 256L << 20;
    /** The size of one echo message. */
    static final int MESSAGE_BYTES = 16 << 10;
    /** The byte that asks a sendfile server for the file. */
    static final byte REQUEST = 'F';

    /** Command-line and JSON name. */
    final String key;
    /** What the table's title says. */
    final String title;
    /** How many client connections load a server. */
    final int connections;

    Part(String key, String title, int connections) {
        this.key = key;
        this.title = title;
        this.connections = connections;
    }
}
