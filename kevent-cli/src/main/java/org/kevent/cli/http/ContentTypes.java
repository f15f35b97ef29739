package org.kevent.cli.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** Content-Type by file-name extension, as header-ready bytes; unknown extensions are octet-stream. */
public final class ContentTypes {
    /** The type for a name with no known extension. */
    public static final String DEFAULT = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"));

    private static final Map<String, byte[]> BYTES = Map.copyOf(BY_EXTENSION.entrySet().stream()
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                    e -> e.getValue().getBytes(StandardCharsets.US_ASCII))));
    private static final byte[] DEFAULT_BYTES = DEFAULT.getBytes(StandardCharsets.US_ASCII);

    private ContentTypes() {
    }

    /**
     * @param fileName a file name (the last path segment)
     * @return its Content-Type, {@link #DEFAULT} when the extension is missing or unknown
     */
    public static String of(String fileName) {
        return new String(bytesOf(fileName), StandardCharsets.US_ASCII);
    }

    static byte[] bytesOf(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return DEFAULT_BYTES;
        }
        byte[] type = BYTES.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
        return type != null ? type : DEFAULT_BYTES;
    }
}
