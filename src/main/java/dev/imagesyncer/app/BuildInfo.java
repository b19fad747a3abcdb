package dev.imagesyncer.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What the build recorded of itself: the git commit the jar was built from (git-commit-id-maven-plugin), and
 * the version of Camel it carries.
 */
final class BuildInfo {

    private BuildInfo() {
    }

    /** The version of Apache Camel in the jar (from camel-api's Maven properties), or "unknown". */
    static String camelVersion() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(
                "/META-INF/maven/org.apache.camel/camel-api/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties maven = new Properties();
            maven.load(in);
            return maven.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The abbreviated commit id, with {@code -dirty} for uncommitted changes; null when not recorded. */
    static String commit() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/camel-image-syncer-git.properties")) {
            if (in == null) {
                return null;
            }
            Properties git = new Properties();
            git.load(in);
            String commit = git.getProperty("git.commit.id.abbrev");
            return commit == null || commit.isBlank() ? null
                    : commit + ("true".equals(git.getProperty("git.dirty")) ? "-dirty" : "");
        } catch (IOException e) {
            return null;
        }
    }
}
