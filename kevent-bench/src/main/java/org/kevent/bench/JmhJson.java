package org.kevent.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JMH result file ({@code -rf json}) for {@link EnginePaired}: per benchmark, the
 * {@link EngineRunner.Figure figure} the engine table shows.
 *
 * <h2>Semantics</h2>
 * A small JSON parser (objects, arrays, strings, numbers, true, false, null): kevent-bench has no
 * JSON library, and JMH ships none it exposes, so this reads the handful of fields needed rather
 * than add a dependency. JMH writes NaN and the infinities as strings ({@code "NaN"}), JSON having
 * no such numbers; {@link #number} reads either form. A field that is absent reads as NaN.
 *
 * <h2>Threading</h2>
 * Stateless; safe from any thread.
 */
final class JmhJson {
    private JmhJson() {
    }

    /**
     * The figures of every benchmark in a JMH JSON result.
     *
     * @param json the text of the result file: an array of one object per benchmark (and params)
     * @return figure per benchmark, keyed by method (group) name, or {@code method/engine} for a
     *         benchmark with an {@code engine} parameter, in file order
     * @throws IllegalArgumentException if the text is not JSON or not an array of objects
     */
    static Map<String, EngineRunner.Figure> figures(String json) {
        Map<String, EngineRunner.Figure> figures = new LinkedHashMap<>();
        if (!(parse(json) instanceof List<?> runs)) {
            throw new IllegalArgumentException("a JMH result is a JSON array, this is not");
        }
        for (Object run : runs) {
            Map<?, ?> r = object(run, "benchmark result");
            String name = String.valueOf(r.get("benchmark"));
            String method = name.substring(name.lastIndexOf('.') + 1);
            Map<?, ?> primary = object(r.get("primaryMetric"), "primaryMetric of " + name);
            Map<?, ?> secondary = r.get("secondaryMetrics") instanceof Map<?, ?> m ? m : Map.of();
            Map<?, ?> events = secondary.get("events") instanceof Map<?, ?> m ? m : Map.of();
            Map<?, ?> alloc = secondary.get("gc.alloc.rate.norm") instanceof Map<?, ?> m ? m : Map.of();
            Map<?, ?> params = r.get("params") instanceof Map<?, ?> m ? m : Map.of();
            figures.put(EngineRunner.variant(method, params.get("engine"), params.get("queueEngine")), EngineRunner.Figure.of(method,
                    number(primary.get("score")), number(primary.get("scoreError")), number(alloc.get("score")),
                    number(events.get("score")), number(events.get("scoreError"))));
        }
        return figures;
    }

    /**
     * @param value a parsed JSON value: a number, or a string such as {@code "NaN"} or {@code "Infinity"}
     * @return its value as a double; NaN for anything else, an absent field included
     */
    static double number(Object value) {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /**
     * Parses one JSON document.
     *
     * @return a {@code Map<String, Object>} (in document order), a {@code List<Object>}, a String,
     *         a Double, a Boolean or null
     * @throws IllegalArgumentException with the offset of the first character that is not JSON
     */
    static Object parse(String json) {
        Parser p = new Parser(json);
        Object value = p.value();
        p.skipSpace();
        if (p.at < json.length()) {
            throw p.error("text after the JSON value");
        }
        return value;
    }

    private static Map<?, ?> object(Object value, String what) {
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException(what + " is not a JSON object");
    }

    /** Recursive descent over the text; {@link #at} is the next character to read. */
    private static final class Parser {
        private final String s;
        private int at;

        Parser(String s) {
            this.s = s;
        }

        Object value() {
            skipSpace();
            if (at >= s.length()) {
                throw error("end of text where a value was expected");
            }
            char c = s.charAt(at);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++; // '{'
            if (closed('}')) {
                return map;
            }
            do {
                skipSpace();
                if (peek() != '"') {
                    throw error("a member name must be a string");
                }
                String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
            } while (more('}'));
            return map;
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            at++; // '['
            if (closed(']')) {
                return list;
            }
            do {
                list.add(value());
            } while (more(']'));
            return list;
        }

        /** After an opening bracket: consumes {@code close} and says so if the object or array is empty. */
        private boolean closed(char close) {
            skipSpace();
            if (peek() == close) {
                at++;
                return true;
            }
            return false;
        }

        /** After a member or element: true past a comma, false past {@code close}; anything else is an error. */
        private boolean more(char close) {
            skipSpace();
            if (peek() == ',') {
                at++;
                return true;
            }
            expect(close);
            return false;
        }

        private String string() {
            StringBuilder sb = new StringBuilder();
            at++; // '"'
            while (true) {
                if (at >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(at++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (at >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (at + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        at += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private Double number() {
            int start = at;
            while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
            try {
                return Double.valueOf(s.substring(start, at));
            } catch (NumberFormatException e) {
                at = start;
                throw error("bad number");
            }
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, at)) {
                throw error("unexpected '" + s.charAt(at) + "'");
            }
            at += word.length();
            return value;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        /** @return the next character, or 0 at the end of the text */
        private char peek() {
            return at < s.length() ? s.charAt(at) : 0;
        }

        void skipSpace() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
                at++;
            }
        }

        IllegalArgumentException error(String problem) {
            return new IllegalArgumentException("not JSON at offset " + at + ": " + problem);
        }
    }
}
