package dev.imagesyncer.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged {@code application.properties} is the one list of settings: every {@code sync.*} key the routes
 * or the code read is there, with a comment and its default, and the README's tables say the same defaults.
 */
class ApplicationPropertiesTest {

    private static final Pattern KEY_LINE = Pattern.compile("^([a-z][A-Za-z0-9.]*)\\s*=\\s*(.*)$");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(sync\\.[A-Za-z0-9.]+)}}");
    private static final Pattern LITERAL = Pattern.compile("\"(sync\\.[A-Za-z0-9.]+)\"");

    /** Key to default, in the order of the file; fails when a key has no comment above its block. */
    private static Map<String, String> packaged() throws IOException {
        String text;
        try (InputStream in = ApplicationPropertiesTest.class.getResourceAsStream("/application.properties")) {
            assertThat(in).as("application.properties on the classpath (packaged into the jar)").isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> keys = new LinkedHashMap<>();
        String previous = "";
        for (String line : text.lines().toList()) {
            Matcher key = KEY_LINE.matcher(line);
            if (key.matches()) {
                assertThat(previous).as("a comment above %s", key.group(1))
                        .matches(p -> p.startsWith("#") || KEY_LINE.matcher(p).matches());
                keys.put(key.group(1), key.group(2).trim());
            }
            previous = line;
        }
        return keys;
    }

    /** Every match of {@code pattern}'s first group in the files under {@code root} ending with {@code suffix}. */
    private static Set<String> found(String root, String suffix, Pattern pattern) throws IOException {
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of(root))) {
            for (Path file : files.filter(f -> f.toString().endsWith(suffix)).toList()) {
                Matcher matcher = pattern.matcher(Files.readString(file));
                while (matcher.find()) {
                    found.add(matcher.group(1));
                }
            }
        }
        return found;
    }

    @Test
    void every_sync_placeholder_of_the_routes_is_a_documented_key() throws Exception {
        Set<String> used = found("routes", ".yaml", PLACEHOLDER);

        assertThat(used).contains("sync.retries", "sync.events.uri", "sync.schedule", "sync.webhook.url");
        assertThat(packaged().keySet()).containsAll(used);
    }

    @Test
    void every_sync_key_the_code_reads_is_a_documented_key_and_every_documented_key_is_read() throws Exception {
        Map<String, String> keys = packaged();
        Set<String> read = found("src/main/java", ".java", LITERAL);
        read.removeIf(literal -> literal.endsWith(".yaml")); // a route file's name (sync.camel.yaml), not a key

        assertThat(read).contains("sync.proc", "sync.images.file", "sync.http.port");
        assertThat(keys.keySet()).containsAll(read);
        List<String> unread = new ArrayList<>(keys.keySet().stream().filter(k -> k.startsWith("sync.")).toList());
        unread.removeAll(read);
        unread.removeAll(found("routes", ".yaml", PLACEHOLDER));
        assertThat(unread).as("documented keys nothing reads").isEmpty();
    }

    @Test
    void the_readme_gives_each_property_the_packaged_default() throws Exception {
        Map<String, String> keys = packaged();
        Pattern row = Pattern.compile("\\| `(sync\\.[A-Za-z0-9.]+)` \\|([^|]*)\\|");
        int rows = 0;
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher matcher = row.matcher(line);
            if (matcher.find()) {
                rows++;
                String key = matcher.group(1);
                assertThat(keys).as("README row %s", line).containsKey(key);
                String readme = matcher.group(2).replace("`", "").trim();
                if (!keys.get(key).isEmpty() && !readme.isEmpty()) {
                    assertThat(keys.get(key)).as("the default of %s", key).startsWith(readme.replace("...", ""));
                }
            }
        }
        assertThat(rows).as("README rows naming properties").isGreaterThan(15);
    }
}
