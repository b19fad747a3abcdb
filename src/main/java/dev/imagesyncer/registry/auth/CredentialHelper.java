package dev.imagesyncer.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.registry.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Docker credential helper ({@code docker-credential-<name>}, as {@code credsStore} or {@code credHelpers} of
 * {@code config.json} name it), asked with its {@code get} command: the server URL on stdin, a JSON object
 * {@code {"ServerURL", "Username", "Secret"}} on stdout (docker-credential-helpers protocol). A {@code Username} of
 * {@code <token>} means {@code Secret} is an identity token ({@link Credentials#isIdentityToken()}).
 *
 * <p>Each registry is asked once per run. A helper that is missing, fails, takes longer than the timeout or
 * answers nonsense is said in one line per registry, and gives no credentials. Nothing
 * the helper prints is ever logged: it may be a secret.
 */
public final class CredentialHelper {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialHelper.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final String name;
    private final String configuredIn;
    private final Duration timeout;
    private final Map<String, String> environment;
    private final Map<String, Optional<Credentials>> answers = new ConcurrentHashMap<>();

    /**
     * @param name         the helper's name: the program is {@code docker-credential-<name>}, found on PATH
     * @param configuredIn where it is named, for messages, e.g. {@code credsStore in /home/me/.docker/config.json}
     * @param timeout      how long one {@code get} may take
     * @param environment  the variables the helper runs with (PATH finds it)
     */
    public CredentialHelper(String name, String configuredIn, Duration timeout, Map<String, String> environment) {
        this.name = name;
        this.configuredIn = configuredIn;
        this.timeout = timeout;
        this.environment = Map.copyOf(environment);
    }

    /** The credentials the helper holds for {@code repository}'s registry; empty when it has none or fails. */
    public Optional<Credentials> get(Repository repository) {
        return answers.computeIfAbsent(repository.registry(), registry -> ask(serverUrl(registry), registry));
    }

    private Optional<Credentials> ask(String serverUrl, String registry) {
        String program = "docker-credential-" + name;
        Optional<Path> found = onPath(program);
        if (found.isEmpty()) {
            return failed(registry, program + " is not on PATH");
        }
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(found.get().toString(), "get")
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear();
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            return failed(registry, program + " could not be started (" + e.getClass().getSimpleName() + ")");
        }
        // read on a thread of its own, so that the timeout holds even when the helper never closes its stdout
        CompletableFuture<byte[]> answered = CompletableFuture.supplyAsync(() -> {
            try (InputStream out = process.getInputStream()) {
                return out.readNBytes(MAX_ANSWER_BYTES);
            } catch (IOException e) {
                return new byte[0];
            }
        }, task -> {
            Thread reader = new Thread(task, "credential-helper-" + name);
            reader.setDaemon(true);
            reader.start();
        });
        try {
            try (OutputStream in = process.getOutputStream()) {
                in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return failed(registry, program + " did not answer within " + timeout.toSeconds() + " s");
            }
            byte[] answer = answered.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (process.exitValue() != 0) {
                if (new String(answer, StandardCharsets.UTF_8).contains("credentials not found")) {
                    return Optional.empty(); // how helpers say they hold nothing for this server
                }
                return failed(registry, program + " exited with " + process.exitValue());
            }
            JsonNode json = JSON.readTree(answer);
            String username = json.path("Username").asText("");
            String secret = json.path("Secret").asText("");
            if (secret.isEmpty()) {
                return failed(registry, program + " answered without a Secret");
            }
            return Optional.of(new Credentials(username, secret));
        } catch (IOException e) {
            process.destroyForcibly();
            return failed(registry, program + " answered something that is not JSON");
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            return failed(registry, program + " did not answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Optional<Credentials> failed(String registry, String why) {
        LOG.warn("credential helper for {} ({}): {}; going on without it", registry, configuredIn, why);
        return Optional.empty();
    }

    /** What {@code docker login} stores as the server: Docker Hub's v1 URL, else the registry's host[:port]. */
    private static String serverUrl(String registry) {
        return Repository.DOCKER_HUB.equals(registry) ? "https://index.docker.io/v1/" : registry;
    }

    private Optional<Path> onPath(String program) {
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
