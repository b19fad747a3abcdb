package dev.imagesyncer.testing;

import java.util.ArrayList;
import java.util.List;

/** The little JSON the harness needs, written by hand so the harness depends on the JDK only. */
final class Json {

    private Json() {
    }

    /** Returns {@code value} as a JSON string literal, quotes included. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Returns {@code ["a","b"]} for the given strings. */
    static String stringArray(List<String> values) {
        List<String> quoted = new ArrayList<>();
        values.forEach(v -> quoted.add(quote(v)));
        return "[" + String.join(",", quoted) + "]";
    }

    /**
     * Returns the strings of the array that is the value of the first {@code "key"} in {@code json},
     * an empty list when the value is {@code null} or the key is missing. Only arrays of plain strings are supported.
     */
    static List<String> stringArrayValue(String json, String key) {
        List<String> values = new ArrayList<>();
        int at = json.indexOf(quote(key));
        if (at < 0) {
            return values;
        }
        int colon = json.indexOf(':', at);
        int pos = skipSpace(json, colon + 1);
        if (json.startsWith("null", pos)) {
            return values;
        }
        if (json.charAt(pos) != '[') {
            throw new IllegalArgumentException("value of " + key + " is not an array: " + json);
        }
        pos = skipSpace(json, pos + 1);
        while (json.charAt(pos) != ']') {
            StringBuilder value = new StringBuilder();
            pos = readString(json, pos, value);
            values.add(value.toString());
            pos = skipSpace(json, pos);
            if (json.charAt(pos) == ',') {
                pos = skipSpace(json, pos + 1);
            }
        }
        return values;
    }

    /** Returns the value of the first {@code "key": "string"} in {@code json}, or null. */
    static String stringValue(String json, String key) {
        int at = json.indexOf(quote(key));
        if (at < 0) {
            return null;
        }
        int pos = skipSpace(json, json.indexOf(':', at) + 1);
        if (json.charAt(pos) != '"') {
            return null;
        }
        StringBuilder value = new StringBuilder();
        readString(json, pos, value);
        return value.toString();
    }

    /** Returns the value of the first {@code "key": 123} in {@code json}, or -1. */
    static long longValue(String json, String key) {
        int at = json.indexOf(quote(key));
        if (at < 0) {
            return -1;
        }
        int pos = skipSpace(json, json.indexOf(':', at) + 1);
        int end = pos;
        while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
            end++;
        }
        return Long.parseLong(json.substring(pos, end));
    }

    private static int skipSpace(String json, int pos) {
        while (pos < json.length() && Character.isWhitespace(json.charAt(pos))) {
            pos++;
        }
        return pos;
    }

    private static int readString(String json, int pos, StringBuilder value) {
        if (json.charAt(pos) != '"') {
            throw new IllegalArgumentException("expected a string at " + pos + ": " + json);
        }
        pos++;
        while (json.charAt(pos) != '"') {
            char c = json.charAt(pos++);
            if (c == '\\') {
                char e = json.charAt(pos++);
                switch (e) {
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    case 'b' -> value.append('\b');
                    case 'f' -> value.append('\f');
                    case 'u' -> {
                        value.append((char) Integer.parseInt(json.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> value.append(e);
                }
            } else {
                value.append(c);
            }
        }
        return pos + 1;
    }
}
