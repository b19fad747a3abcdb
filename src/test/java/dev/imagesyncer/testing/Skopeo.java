package dev.imagesyncer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code skopeo} binary (1.9) as an independent checker of what a registry holds. Missing skopeo is a
 * failure naming {@code apt-get install -y skopeo}.
 *
 * <p>Flags follow the endpoint: {@code --tls-verify=false} for plain HTTP; for TLS {@code --cert-dir=DIR} where
 * DIR holds only {@code ca.crt} (a copy of the endpoint's CA file), so verification stays on;
 * {@code --creds user:pass} when the endpoint has a user (Basic, or the token server's user), else
 * {@code --no-creds}.
 *
 * <p>skopeo's state stays out of {@code /var/lib/containers}: {@code HOME}, {@code XDG_*}, the auth file and
 * {@code registries.conf} point into one temporary directory per JVM, and when the JVM runs as root skopeo runs
 * as {@code nobody} through {@code setpriv} (as root, skopeo would write its blob-info cache under
 * {@code /var/lib/containers/cache} whatever the environment says). Each call times out after 60 s; a failure
 * carries skopeo's stderr.
 */
public final class Skopeo {

    private static final long TIMEOUT_SECONDS = 60;
    private static final int NOBODY = 65534;
    private static Path stateDir;

    private Skopeo() {
    }

    /** {@code skopeo inspect --raw docker://HOST/<repoAndRef>}: the manifest bytes as served. */
    public static byte[] inspectRaw(RegistryEndpoint registry, String repoAndRef) {
        List<String> args = new ArrayList<>(List.of("inspect", "--raw"));
        args.addAll(accessFlags(registry, ""));
        args.add(reference(registry, repoAndRef));
        return run(args);
    }

    /** {@code skopeo list-tags docker://HOST/<repository>}: every tag (skopeo follows {@code Link} pages). */
    public static List<String> listTags(RegistryEndpoint registry, String repository) {
        List<String> args = new ArrayList<>(List.of("list-tags"));
        args.addAll(accessFlags(registry, ""));
        args.add(reference(registry, repository));
        return Json.stringArrayValue(new String(run(args), StandardCharsets.UTF_8), "Tags");
    }

    /**
     * {@code skopeo copy [extraArgs] docker://SRC/<sourceRef> docker://DEST/<destinationRef>}, e.g. with
     * {@code "--all"} for every image of a list, or {@code "--preserve-digests"}. Runs with
     * {@code --insecure-policy}, so the host's {@code policy.json} does not matter.
     */
    public static void copy(RegistryEndpoint source, String sourceRef, RegistryEndpoint destination,
                            String destinationRef, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--insecure-policy", "copy"));
        args.addAll(List.of(extraArgs));
        args.addAll(accessFlags(source, "src-"));
        args.addAll(accessFlags(destination, "dest-"));
        args.add(reference(source, sourceRef));
        args.add(reference(destination, destinationRef));
        run(args);
    }

    /**
     * {@code skopeo copy docker://SRC/<sourceRef> <destination>}, to another transport: {@code oci:DIR:REF},
     * {@code oci-archive:FILE:REF} (skopeo runs as nobody when the tests are root: its directory must let it in).
     */
    public static void copyOut(RegistryEndpoint source, String sourceRef, String destination) {
        List<String> args = new ArrayList<>(List.of("--insecure-policy", "copy", "-q"));
        args.addAll(accessFlags(source, "src-"));
        args.add(reference(source, sourceRef));
        args.add(destination);
        run(args);
    }

    /** Runs {@code skopeo <args>} in the isolated environment; returns stdout. */
    public static byte[] run(List<String> args) {
        Path skopeo = TestFiles.requireExecutable("skopeo", "`apt-get install -y skopeo`");
        Path state = stateDir();
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            Path setpriv = TestFiles.requireExecutable("setpriv", "`apt-get install -y util-linux`");
            command.addAll(List.of(setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                    "--clear-groups", "--"));
        }
        command.add(skopeo.toString());
        command.addAll(args);
        String id = UUID.randomUUID().toString();
        Path stdout = state.resolve("out-" + id);
        Path stderr = state.resolve("err-" + id);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .directory(state.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("XDG_") || key.startsWith("REGISTRY_")
                || key.startsWith("CONTAINERS_") || key.equals("DOCKER_CONFIG"));
        env.put("HOME", state.resolve("home").toString());
        env.put("XDG_RUNTIME_DIR", state.resolve("run").toString());
        env.put("XDG_CONFIG_HOME", state.resolve("config").toString());
        env.put("XDG_DATA_HOME", state.resolve("data").toString());
        env.put("XDG_CACHE_HOME", state.resolve("cache").toString());
        env.put("REGISTRY_AUTH_FILE", state.resolve("auth.json").toString());
        env.put("CONTAINERS_REGISTRIES_CONF", state.resolve("registries.conf").toString());
        env.put("TMPDIR", state.resolve("tmp").toString());
        try {
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("skopeo timed out after " + TIMEOUT_SECONDS + " s: " + command
                        + "\nstderr:\n" + Files.readString(stderr));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("skopeo failed (exit " + process.exitValue() + "): " + command
                        + "\nstderr:\n" + Files.readString(stderr));
            }
            return Files.readAllBytes(stdout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            stdout.toFile().delete();
            stderr.toFile().delete();
        }
    }

    private static String reference(RegistryEndpoint registry, String repoAndRef) {
        return "docker://" + registry.host() + "/" + repoAndRef;
    }

    private static List<String> accessFlags(RegistryEndpoint registry, String prefix) {
        List<String> flags = new ArrayList<>();
        if (registry.isTls()) {
            flags.add("--" + prefix + "cert-dir=" + certDir(registry));
        } else {
            flags.add("--" + prefix + "tls-verify=false");
        }
        if (registry.username() != null) {
            flags.add("--" + prefix + "creds=" + registry.username() + ":" + registry.password());
        } else {
            flags.add("--" + prefix + "no-creds");
        }
        return flags;
    }

    /** A directory holding only {@code ca.crt}: skopeo reads every *.crt/*.cert/*.key of a cert dir. */
    private static Path certDir(RegistryEndpoint registry) {
        Path dir = stateDir().resolve("certs").resolve(registry.host().replace(':', '_'));
        try {
            Files.createDirectories(dir);
            Files.copy(registry.caFile(), dir.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path stateDir() {
        if (stateDir == null) {
            try {
                Path dir = Files.createTempDirectory("test-skopeo-");
                // world-writable, so skopeo can run as nobody when the tests run as root
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
                for (String sub : List.of("home", "run", "config", "data", "cache", "tmp")) {
                    Path subDir = Files.createDirectory(dir.resolve(sub));
                    Files.setPosixFilePermissions(subDir, PosixFilePermissions.fromString("rwx------"));
                    if (isRoot()) {
                        Files.setAttribute(subDir, "unix:uid", NOBODY);
                        Files.setAttribute(subDir, "unix:gid", NOBODY);
                    }
                }
                Files.writeString(dir.resolve("registries.conf"), "# empty: no mirrors, no short names\n");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> TestFiles.deleteRecursively(dir),
                        "skopeo-cleanup"));
                stateDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stateDir;
    }

    private static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }
}
