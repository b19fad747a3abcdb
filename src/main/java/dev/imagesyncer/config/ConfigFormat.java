package dev.imagesyncer.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The two syntaxes of image-syncer's files. A file is read as a Jackson tree: {@code .json} as JSON,
 * {@code .yaml}/{@code .yml} as YAML, and any other name by its content (first non-blank character {@code {} or
 * {@code [} means JSON, anything else YAML). image-syncer itself rejects other suffixes; sniffing is friendlier and
 * cannot change the meaning of a file it accepts.
 *
 * <p>A key given twice, or anything after the first document, is an error. An empty YAML file (or one with only
 * comments) is an empty map, as with image-syncer's YAML decoder; an empty JSON file is an error, as with its JSON
 * decoder.
 */
public enum ConfigFormat {
    JSON(JsonMapper.builder()),
    YAML(YAMLMapper.builder());

    private static final Pattern JACKSON_SOURCE =
            Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)]");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

    private final ObjectMapper mapper;

    ConfigFormat(MapperBuilder<?, ?> builder) {
        this.mapper = builder
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** The format of {@code file}: by extension, else by its content. */
    public static ConfigFormat of(Path file, String content) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return JSON;
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return YAML;
        }
        return sniff(content);
    }

    /** JSON when the first non-blank character opens an object or array, else YAML. */
    public static ConfigFormat sniff(String content) {
        String start = content.stripLeading();
        return start.startsWith("{") || start.startsWith("[") ? JSON : YAML;
    }

    /**
     * Reads {@code file} and checks that it holds a map at the top.
     *
     * @param expected what the map is, for the message when it is not one, e.g. {@code "a map of source image to
     *                 destination image(s)"}
     * @throws ConfigException naming the file: missing, unreadable, binary, malformed (with line and column), or not
     *                         a map
     */
    public static ObjectNode readMap(Path file, String expected) {
        String name = file.toString();
        String content = readText(file, expected);
        JsonNode tree = of(file, content).parse(content, name);
        return requireMap(tree, name, expected);
    }

    /** Parses {@code content}; a syntax error becomes one line naming {@code fileName}, line and column. */
    public JsonNode parse(String content, String fileName) {
        try {
            JsonNode tree = mapper.readTree(content);
            if (tree == null || tree.isMissingNode() || (this == YAML && tree.isNull())) {
                if (this == JSON) {
                    throw ConfigException.inFile(fileName, "not valid JSON: the file is empty");
                }
                return JsonNodeFactory.instance.objectNode();
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new ConfigException(fileName + ": not valid " + name() + describe(e), e);
        }
    }

    /** {@code tree} as a map, or an error saying what was found instead. */
    static ObjectNode requireMap(JsonNode tree, String fileName, String expected) {
        if (tree instanceof ObjectNode map) {
            return map;
        }
        throw ConfigException.inFile(fileName, "expected " + expected + ", found " + Nodes.describe(tree));
    }

    private static String readText(Path file, String expected) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw ConfigException.inFile(name, "is a directory, not a file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw ConfigException.inFile(name, "no such file");
        } catch (AccessDeniedException e) {
            throw ConfigException.inFile(name, "cannot read: permission denied");
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read: " + e, e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw binary(name, expected);
        }
        if (looksBinary(text)) {
            throw binary(name, expected);
        }
        // A byte-order mark is legal in UTF-8 text but neither parser wants it.
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static ConfigException binary(String name, String expected) {
        return ConfigException.inFile(name, "expected " + expected + ", found binary data");
    }

    /** Control characters other than tab, CR and LF never occur in a hand-written JSON or YAML file. */
    private static boolean looksBinary(String text) {
        return text.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r');
    }

    private String describe(JsonProcessingException e) {
        MarkedYAMLException yaml = markedYamlCause(e);
        if (yaml != null && yaml.getProblem() != null) {
            // SnakeYAML says both where the problem is and, often, what it was parsing when it found it.
            String context = yaml.getContext() == null ? ""
                    : " (" + yaml.getContext() + locationOf(yaml.getContextMark()) + ")";
            return locationOf(yaml.getProblemMark()) + ": " + yaml.getProblem() + context;
        }
        String problem = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        if (e instanceof MismatchedInputException && problem.startsWith("Trailing token")) {
            problem = this == YAML ? "more than one document" : "more than one top-level value";
        }
        var duplicate = DUPLICATE.matcher(problem);
        if (duplicate.matches()) {
            problem = "duplicate key \"" + duplicate.group(1) + "\"";
        }
        problem = JACKSON_SOURCE.matcher(problem).replaceAll("line $1, column $2");
        // the text Jackson quotes may be a password in a broken auth file: say where, not what
        problem = problem.replaceAll("Unrecognized token '[^']*'", "Unrecognized token");
        JsonLocation location = e.getLocation();
        String where = location != null && location.getLineNr() > 0
                ? " at line " + location.getLineNr() + ", column " + location.getColumnNr() : "";
        return where + ": " + problem;
    }

    private static MarkedYAMLException markedYamlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked) {
                return marked;
            }
        }
        return null;
    }

    private static String locationOf(Mark mark) {
        return mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }
}
