package dev.imagesyncer.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.PermanentRegistryException;
import dev.imagesyncer.registry.RegistryException;
import dev.imagesyncer.registry.TransientRegistryException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns failed calls into typed exceptions: transient (I/O, 408, 429, 5xx) or permanent (other 4xx, and a
 * registry out of space: 507 Insufficient Storage, RFC 4918 section 11.5, or a 5xx whose body says so).
 */
public final class RegistryErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BODY_LIMIT = 16 * 1024;
    /** Never wait longer than this for a registry that asks us to come back later. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
    private static final Pattern ENOSPC_DETAIL = Pattern.compile("\"err\"\\s*:\\s*28\\b");

    private RegistryErrors() {
    }

    /** Builds the exception for an unexpected answer from the OCI error body, and closes the response. */
    public static RegistryException fromResponse(String operation, RegistryResponse response) {
        try (response) {
            int status = response.status();
            String contentType = response.header("Content-Type").orElse("");
            byte[] body = response.readBodyPrefix(BODY_LIMIT);
            ErrorCode code = ErrorCode.UNKNOWN;
            String detail = "";
            JsonNode first = errorOf(body);
            if (first != null) {
                code = ErrorCode.of(first.path("code").asText(null));
                detail = first.path("code").asText("") + ": " + first.path("message").asText("");
            } else if (body.length > 0) {
                detail = "unexpected non-JSON answer" + (contentType.isEmpty() ? "" : " (" + contentType + ")");
            }
            String message = operation + ": HTTP " + status + (detail.isEmpty() ? "" : " " + detail);
            if (status == 507 || status >= 500 && saysOutOfSpace(body)) {
                // retrying in seconds only sends the same bytes into the same full disk
                return new PermanentRegistryException(message + ": the registry is out of space; free space there, "
                        + "then run again", status, code);
            }
            if (status == 429 || status == 408 || status >= 500) {
                if (status == 429 && code == ErrorCode.UNKNOWN) {
                    code = ErrorCode.TOOMANYREQUESTS;
                }
                Duration retryAfter = response.header("Retry-After").map(RegistryErrors::parseRetryAfter).orElse(null);
                return new TransientRegistryException(message, status, code, retryAfter, null);
            }
            if (code == ErrorCode.UNKNOWN) {
                code = switch (status) {
                    case 401 -> ErrorCode.UNAUTHORIZED;
                    case 403 -> ErrorCode.DENIED;
                    default -> ErrorCode.UNKNOWN;
                };
                if (detail.isEmpty() && code != ErrorCode.UNKNOWN) {
                    // HEAD answers carry no body: say what the status means
                    message += code == ErrorCode.UNAUTHORIZED
                            ? " UNAUTHORIZED: credentials missing or refused"
                            : " DENIED: access to the resource is denied";
                }
            }
            return new PermanentRegistryException(message, status, code);
        }
    }

    /**
     * Connection-level failures: a wrong host name, a certificate that cannot be verified or a registry that
     * speaks plain HTTP to a TLS client will not fix itself; resets, refusals and timeouts may.
     */
    public static RegistryException fromIo(String operation, IOException e) {
        if (e instanceof UnknownHostException) {
            return new PermanentRegistryException(operation + ": unknown host " + e.getMessage(), 0,
                    ErrorCode.UNKNOWN, e);
        }
        if (e instanceof SSLException && String.valueOf(e.getMessage()).contains("Unsupported or unrecognized SSL message")) {
            return new PermanentRegistryException(operation + ": the registry answered the TLS hello in plain HTTP;"
                    + " mark it \"insecure: true\" in the auth file", 0, ErrorCode.UNKNOWN, e);
        }
        if (e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException) {
            return new PermanentRegistryException(operation + ": TLS failed (" + e.getMessage()
                    + "); give the registry's CA certificate, or mark the registry insecure", 0, ErrorCode.UNKNOWN, e);
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new TransientRegistryException(operation + ": " + reason, 0, ErrorCode.UNKNOWN, null, e);
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date, capped; null when unreadable. */
    static Duration parseRetryAfter(String value) {
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                wait = Duration.between(Instant.now(), at.toInstant());
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    /**
     * A registry's own words for a full disk. Distribution 2.8 passes the storage driver's error on in its error's
     * detail: as text where it writes a blob ({@code "write ...: no space left on device"}), as the Go error's
     * fields where it starts an upload or commits one ({@code "Err":28}, ENOSPC on Linux); both measured on a full
     * tmpfs.
     */
    private static boolean saysOutOfSpace(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        return text.contains("no space left on device") || text.contains("insufficient storage")
                || text.contains("disk quota exceeded") || ENOSPC_DETAIL.matcher(text).find();
    }

    private static JsonNode errorOf(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).trim();
        if (!text.startsWith("{")) {
            return null;
        }
        try {
            JsonNode errors = JSON.readTree(text).path("errors");
            return errors.isArray() && !errors.isEmpty() ? errors.get(0) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
