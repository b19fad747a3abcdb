package dev.imagesyncer.registry.auth;

import dev.imagesyncer.registry.ImageReference;
import dev.imagesyncer.registry.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** docker-credential-helpers' {@code get}: what a helper answers, and what happens when it does not. */
class CredentialHelperTest {

    private static final Repository REGISTRY = ImageReference.parse("reg.test/lab/app").repository();

    @TempDir
    Path bin;

    private CredentialHelper helper(String name, String script) throws Exception {
        Path program = bin.resolve("docker-credential-" + name);
        Files.writeString(program, "#!/bin/sh\n" + script + "\n");
        program.toFile().setExecutable(true);
        return new CredentialHelper(name, "credsStore in config.json", Duration.ofSeconds(1),
                Map.of("PATH", bin + ":/usr/bin:/bin"));
    }

    @Test
    void reads_username_and_secret_and_an_identity_token() throws Exception {
        CredentialHelper password = helper("pw", "read -r s; printf '{\"ServerURL\":\"%s\",\"Username\":\"me\","
                + "\"Secret\":\"p4ss\"}' \"$s\"");
        CredentialHelper token = helper("tok", "cat > /dev/null; echo '{\"Username\":\"<token>\",\"Secret\":\"r3fresh\"}'");

        assertThat(password.get(REGISTRY)).contains(new Credentials("me", "p4ss"));
        assertThat(token.get(REGISTRY)).hasValueSatisfying(user -> {
            assertThat(user.isIdentityToken()).isTrue();
            assertThat(user.password()).isEqualTo("r3fresh");
        });
    }

    @Test
    void a_helper_that_hangs_with_its_output_open_is_given_up_after_the_timeout() throws Exception {
        CredentialHelper hanging = helper("hang", "sleep 30");

        long started = System.nanoTime();
        assertThat(hanging.get(REGISTRY)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void nothing_found_failure_and_missing_helper_go_on_without_credentials() throws Exception {
        CredentialHelper none = helper("none", "echo 'credentials not found in native keychain'; exit 1");
        CredentialHelper broken = helper("broken", "echo 'secret-ish output'; exit 3");
        CredentialHelper missing = new CredentialHelper("desktop", "credsStore in config.json", Duration.ofSeconds(1),
                Map.of("PATH", bin.toString()));

        assertThat(none.get(REGISTRY)).isEmpty();
        assertThat(broken.get(REGISTRY)).isEmpty();
        assertThat(missing.get(REGISTRY)).isEmpty();
    }
}
