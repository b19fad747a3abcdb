package dev.imagesyncer.config;

import com.fasterxml.jackson.databind.JsonNode;

/** Words for the kinds of values a file can hold, for "expected X, found Y" messages. */
final class Nodes {

    private Nodes() {
    }

    /** "a string", "a list", ...: never the value itself, which may be a password. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a map";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "binary data";
    }
}
