package dev.imagesyncer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagesyncer.registry.Repository;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The images file: a map of source image to a destination image or a list of them, read into {@link SyncRule}s in
 * file order. Everything that can be checked without a registry is checked when loading: references, tag lists,
 * regexes, digests, tag counts (except for sources whose tags are known only after listing, see
 * {@link SyncRule#pairs(List)}). Repeated destinations of a source are dropped. Destinations are expanded from the
 * environment; sources are not.
 *
 * @param rules the rules, in file order
 */
public record ImagesConfig(List<SyncRule> rules) {

    static final String EXPECTED = "a map of source image to destination image(s)";
    private static final List<String> LONG_FORM_KEYS = List.of("to", "tags", "repositories", "skipExisting",
            "referrers");
    private static final List<String> TAG_KEYS = List.of("include", "exclude", "semver", "latest");

    public ImagesConfig {
        rules = List.copyOf(rules);
    }

    /**
     * Reads an images file ({@code --images}).
     *
     * @param defaults the destination for {@code ""} destinations (image-syncer v1.0–v1.4), or
     *                 {@link DefaultDestination#none()}
     * @throws ConfigException naming the file and entry
     */
    public static ImagesConfig load(Path file, Map<String, String> env, DefaultDestination defaults) {
        return fromTree(ConfigFormat.readMap(file, EXPECTED), file.toString(), env, defaults);
    }

    /**
     * Builds the rules from an already parsed map, e.g. the {@code images} section of a legacy {@code --config} file.
     *
     * @param fileName names the file in error messages
     * @throws ConfigException naming the file and entry
     */
    public static ImagesConfig fromTree(JsonNode imagesSection, String fileName, Map<String, String> env,
                                        DefaultDestination defaults) {
        Objects.requireNonNull(defaults, "defaults");
        EnvironmentExpander expander = EnvironmentExpander.of(env);
        ObjectNode map = ConfigFormat.requireMap(imagesSection, fileName, EXPECTED);
        List<SyncRule> rules = new ArrayList<>(map.size());
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            rules.add(rule(fileName, entry.getKey(), entry.getValue(), expander, defaults));
        }
        refuseArchiveReadAndWritten(fileName, rules);
        return new ImagesConfig(rules);
    }

    /**
     * An archive is read whole or written whole (a new file beside the old one): one that a run both reads and
     * writes would be read as it was and replaced, a mirror of itself. Refused, naming the rule that writes it.
     */
    private static void refuseArchiveReadAndWritten(String file, List<SyncRule> rules) {
        Set<Path> read = new java.util.HashSet<>();
        for (SyncRule rule : rules) {
            Repository source = rule.sourceRepository();
            if (source.isArchive()) {
                read.add(source.layoutPath());
            }
        }
        for (SyncRule rule : rules) {
            for (Destination destination : rule.destinations()) {
                Repository written = destination.repository();
                if (written.isArchive() && read.contains(written.layoutPath())) {
                    throw ConfigException.atDestination(file, rule.source(), written.registry(), "this archive is "
                            + "also a source of the run; an archive is read or written whole: write to another file");
                }
            }
        }
    }

    private static SyncRule rule(String file, String source, JsonNode value, EnvironmentExpander expander,
                                 DefaultDestination defaults) {
        RuleParser.Source parsed;
        Namespace namespace;
        try {
            namespace = RuleParser.namespace(source);
            parsed = namespace == null ? RuleParser.source(source) : null;
        } catch (IllegalArgumentException e) {
            throw ConfigException.atEntry(file, source, e.getMessage());
        }
        Selection selection = namespace == null ? parsed.selection() : Selection.allTags();
        RuleOptions options = RuleOptions.NONE;
        if (value instanceof ObjectNode longForm) {
            options = longFormOptions(file, source, longForm, selection);
            if (longForm.has("repositories")) {
                if (namespace == null) {
                    throw ConfigException.atEntry(file, source, "\"repositories\" chooses among the repositories of a "
                            + "namespace (REG/ns/*, REG/ns/**); this source is one repository");
                }
                namespace = withRepositories(file, source, namespace, longForm.get("repositories"));
            }
            value = longForm.get("to");
        }
        if (namespace != null) {
            return namespaceRule(file, source, namespace, value, expander, options);
        }
        Set<Destination> destinations = new LinkedHashSet<>();
        for (String written : destinationTexts(file, source, value)) {
            Destination destination = written.isEmpty()
                    ? defaultDestination(file, source, parsed, defaults)
                    : destination(file, source, written, expander);
            try {
                checkPair(parsed.selection(), destination);
            } catch (IllegalArgumentException e) {
                throw ConfigException.atDestination(file, source, written, e.getMessage());
            }
            destinations.add(destination);
        }
        return new SyncRule(file, source, parsed.repository(), parsed.selection(), List.copyOf(destinations),
                options);
    }

    /** A namespace's rule: its destinations are prefixes, under which each repository keeps its path. */
    private static SyncRule namespaceRule(String file, String source, Namespace namespace, JsonNode value,
                                          EnvironmentExpander expander, RuleOptions options) {
        Set<Destination> prefixes = new LinkedHashSet<>();
        for (String written : destinationTexts(file, source, value)) {
            if (written.isEmpty()) {
                throw ConfigException.atEntry(file, source, "a namespace needs its destination prefix written out "
                        + "(REG/prefix): \"\" names one repository");
            }
            String expanded = expander.expand(written, file + ": entry \"" + source + "\", destination");
            try {
                prefixes.add(new Destination(RuleParser.prefix(expanded), List.of(), null));
            } catch (IllegalArgumentException e) {
                throw ConfigException.atDestination(file, source, written, e.getMessage());
            }
        }
        return new SyncRule(file, source, null, Selection.allTags(), List.copyOf(prefixes), options, namespace);
    }

    /** {@code repositories: {include: [...], exclude: [...]}}: regexes on the path below the namespace's prefix. */
    private static Namespace withRepositories(String file, String source, Namespace namespace, JsonNode node) {
        if (!(node instanceof ObjectNode repositories)) {
            throw ConfigException.atEntry(file, source, "\"repositories\" must be a map of include, exclude, found "
                    + Nodes.describe(node));
        }
        for (String key : repositories.properties().stream().map(Map.Entry::getKey).toList()) {
            if (!key.equals("include") && !key.equals("exclude")) {
                throw ConfigException.atEntry(file, source, "unknown key \"repositories." + key
                        + "\" (expected include, exclude)");
            }
        }
        try {
            List<java.util.regex.Pattern> include = regexes(file, source, repositories, "repositories", "include");
            List<java.util.regex.Pattern> exclude = regexes(file, source, repositories, "repositories", "exclude");
            return namespace.withRepositories(include, exclude);
        } catch (IllegalArgumentException e) {
            throw ConfigException.atEntry(file, source, "repositories." + e.getMessage());
        }
    }

    /**
     * The long form of a rule: {@code to} (a destination or a list), {@code tags} ({@code include},
     * {@code exclude}, {@code semver}, {@code latest}), {@code skipExisting}, {@code referrers}.
     */
    private static RuleOptions longFormOptions(String file, String source, ObjectNode rule, Selection selection) {
        for (String key : rule.properties().stream().map(Map.Entry::getKey).toList()) {
            if (!LONG_FORM_KEYS.contains(key)) {
                throw ConfigException.atEntry(file, source, "unknown key \"" + key + "\" (a rule's keys are "
                        + String.join(", ", LONG_FORM_KEYS) + ")");
            }
        }
        if (!rule.has("to")) {
            throw ConfigException.atEntry(file, source, "a rule written as a map needs \"to\": its destination(s)");
        }
        TagFilter tags = TagFilter.NONE;
        JsonNode tagsNode = rule.get("tags");
        if (tagsNode != null && !tagsNode.isNull()) {
            if (!selection.needsTagListing()) {
                throw ConfigException.atEntry(file, source, "\"tags\" filters the tags a registry lists; a tag list "
                        + "or a digest is copied as written: leave \"tags\" out, or name the repository alone");
            }
            tags = tagFilter(file, source, tagsNode);
        }
        return new RuleOptions(tags, bool(file, source, rule, "skipExisting"), bool(file, source, rule, "referrers"));
    }

    private static TagFilter tagFilter(String file, String source, JsonNode node) {
        if (!(node instanceof ObjectNode tags)) {
            throw ConfigException.atEntry(file, source, "\"tags\" must be a map of include, exclude, semver, latest, "
                    + "found " + Nodes.describe(node));
        }
        for (String key : tags.properties().stream().map(Map.Entry::getKey).toList()) {
            if (!TAG_KEYS.contains(key)) {
                throw ConfigException.atEntry(file, source, "unknown key \"tags." + key + "\" (expected "
                        + String.join(", ", TAG_KEYS) + ")");
            }
        }
        JsonNode latest = tags.get("latest");
        if (latest != null && !latest.isNull() && !latest.canConvertToInt()) {
            throw ConfigException.atEntry(file, source, "\"tags.latest\" must be a whole number, found "
                    + Nodes.describe(latest));
        }
        JsonNode semver = tags.get("semver");
        if (semver != null && !semver.isNull() && !semver.isTextual()) {
            throw ConfigException.atEntry(file, source, "\"tags.semver\" must be a string such as '>=1.2.0 <2', "
                    + "found " + Nodes.describe(semver));
        }
        try {
            return new TagFilter(regexes(file, source, tags, "tags", "include"),
                    regexes(file, source, tags, "tags", "exclude"),
                    semver == null || semver.isNull() ? null : semver.textValue(),
                    latest == null || latest.isNull() ? null : latest.intValue());
        } catch (IllegalArgumentException e) {
            throw ConfigException.atEntry(file, source, "tags." + e.getMessage());
        }
    }

    /** A regex or a list of them, compiled; null when the key is absent. */
    private static List<java.util.regex.Pattern> regexes(String file, String source, ObjectNode section,
                                                         String sectionName, String key) {
        String field = sectionName + "." + key;
        JsonNode node = section.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        if (node.isTextual()) {
            texts.add(node.textValue());
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isTextual()) {
                    throw ConfigException.atEntry(file, source, "\"" + field + "\" must hold regexes (strings), "
                            + "found " + Nodes.describe(item));
                }
                texts.add(item.textValue());
            }
        } else {
            throw ConfigException.atEntry(file, source, "\"" + field + "\" must be a regex or a list of them, "
                    + "found " + Nodes.describe(node));
        }
        return TagFilter.patterns(texts, key);
    }

    private static Boolean bool(String file, String source, ObjectNode rule, String key) {
        JsonNode node = rule.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw ConfigException.atEntry(file, source, "\"" + key + "\" must be true or false, found "
                    + Nodes.describe(node));
        }
        return node.booleanValue();
    }

    /** A string, or a list of strings; null (YAML {@code src:} with nothing after it) is {@code ""}. */
    private static List<String> destinationTexts(String file, String source, JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of("");
        }
        if (value.isTextual()) {
            return List.of(value.textValue());
        }
        if (!value.isArray()) {
            throw ConfigException.atEntry(file, source,
                    "destination must be a string or a list of strings, found " + Nodes.describe(value));
        }
        if (value.isEmpty()) {
            throw ConfigException.atEntry(file, source, "empty destination list");
        }
        List<String> texts = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual()) {
                throw ConfigException.atEntry(file, source,
                        "destination " + (i + 1) + " of the list must be a string, found " + Nodes.describe(item));
            }
            texts.add(item.textValue());
        }
        return texts;
    }

    private static Destination defaultDestination(String file, String source, RuleParser.Source parsed,
                                                  DefaultDestination defaults) {
        if (parsed.repository().isLayout()) {
            throw ConfigException.atEntry(file, source, "an image of an OCI layout needs its destination written out "
                    + "(REG/repository[:tag]): \"\" names a registry repository after the source's last path element");
        }
        if (!defaults.isComplete()) {
            throw ConfigException.atEntry(file, source,
                    "empty destination needs --registry and --namespace (or DEFAULT_REGISTRY and DEFAULT_NAMESPACE)");
        }
        try {
            return RuleParser.defaultDestination(parsed.repository(), defaults);
        } catch (IllegalArgumentException e) {
            throw ConfigException.atEntry(file, source, "default destination "
                    + defaults.registry() + "/" + defaults.namespace() + ": " + e.getMessage());
        }
    }

    private static Destination destination(String file, String source, String written, EnvironmentExpander expander) {
        String expanded = expander.expand(written, file + ": entry \"" + source + "\", destination");
        if (expanded.isBlank()) {
            // Only a literal "" asks for the default destination; an unset variable is a mistake.
            throw ConfigException.atDestination(file, source, written, "empty after expanding environment variables");
        }
        try {
            return RuleParser.destination(expanded);
        } catch (IllegalArgumentException e) {
            throw ConfigException.atDestination(file, source, written, e.getMessage());
        }
    }

    /** image-syncer's rules 4 and 7, as far as they can be checked before listing tags. */
    private static void checkPair(Selection selection, Destination destination) {
        if (destination.digest() != null) {
            if (selection.kind() != Selection.Kind.DIGEST) {
                throw new IllegalArgumentException("a destination digest needs a source with the same digest");
            }
            if (!destination.digest().equals(selection.digest())) {
                throw new IllegalArgumentException("the digest of source (" + selection.digest()
                        + ") and destination (" + destination.digest() + ") must match");
            }
        }
        int sourceTags = switch (selection.kind()) {
            case TAGS -> selection.tags().size();
            case DIGEST -> 1;
            case ALL_TAGS, REGEX -> -1; // known after listing
        };
        if (!destination.keepsSourceTags() && sourceTags >= 0 && sourceTags != destination.tags().size()) {
            throw new IllegalArgumentException(SyncRule.tagCountMismatch(sourceTags, destination.tags().size()));
        }
    }
}
