package dev.imagesyncer.registry.http;

import dev.imagesyncer.registry.ErrorCode;
import dev.imagesyncer.registry.RegistryException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryErrorsTest {

    @Test
    void reads_the_oci_error_code_and_names_the_operation() {
        RegistryException error = RegistryErrors.fromResponse("GET manifest reg.io/lab/a:v1", response(404,
                "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{}}]}",
                null));

        assertThat(error.isTransient()).isFalse();
        assertThat(error.status()).isEqualTo(404);
        assertThat(error.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN);
        assertThat(error).hasMessage("GET manifest reg.io/lab/a:v1: HTTP 404 MANIFEST_UNKNOWN: manifest unknown");
    }

    @Test
    void too_many_requests_is_transient_and_carries_retry_after() {
        RegistryException error = RegistryErrors.fromResponse("GET blob", response(429, "", "7"));

        assertThat(error.isTransient()).isTrue();
        assertThat(error.code()).isEqualTo(ErrorCode.TOOMANYREQUESTS);
        assertThat(error.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void server_errors_are_transient_and_html_bodies_are_named_not_dumped() {
        RegistryException error = RegistryErrors.fromResponse("PUT manifest", response(502,
                "<html><body>Bad Gateway</body></html>", null));

        assertThat(error.isTransient()).isTrue();
        assertThat(error.getMessage()).isEqualTo("PUT manifest: HTTP 502 unexpected non-JSON answer (text/plain; charset=UTF-8)");
    }

    @Test
    void a_registry_out_of_space_is_not_retried_and_says_so() {
        RegistryException insufficientStorage = RegistryErrors.fromResponse("PATCH blob", response(507, "", null));
        // distribution passes the storage driver's error on in a 500
        RegistryException diskFull = RegistryErrors.fromResponse("PUT blob", response(500,
                "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"unknown error\",\"detail\":"
                        + "\"filesystem: write /var/lib/registry/data: no space left on device\"}]}", null));
        // and, where it starts or commits an upload, the Go error's fields: errno 28 is ENOSPC (measured, full tmpfs)
        RegistryException fullAtStart = RegistryErrors.fromResponse("POST blob", response(500,
                "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"unknown error\",\"detail\":{\"DriverName\":"
                        + "\"filesystem\",\"Enclosed\":{\"Op\":\"write\",\"Path\":\"/data/docker/registry/v2/"
                        + "repositories/lab/y/_uploads/e614e72b/startedat\",\"Err\":28}}}]}", null));
        RegistryException otherServerError = RegistryErrors.fromResponse("PUT blob", response(500,
                "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"unknown error\"}]}", null));

        assertThat(insufficientStorage.isTransient()).isFalse();
        assertThat(insufficientStorage).hasMessage("PATCH blob: HTTP 507: the registry is out of space; free space "
                + "there, then run again");
        assertThat(diskFull.isTransient()).isFalse();
        assertThat(diskFull.getMessage()).endsWith("the registry is out of space; free space there, then run again");
        assertThat(fullAtStart.isTransient()).isFalse();
        assertThat(fullAtStart.getMessage()).endsWith("the registry is out of space; free space there, then run again");
        assertThat(otherServerError.isTransient()).isTrue();
    }

    @Test
    void status_alone_classifies_denied_and_unauthorized() {
        assertThat(RegistryErrors.fromResponse("x", response(401, "", null)))
                .hasMessage("x: HTTP 401 UNAUTHORIZED: credentials missing or refused")
                .extracting(RegistryException::code).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(RegistryErrors.fromResponse("x", response(403, "", null)))
                .hasMessage("x: HTTP 403 DENIED: access to the resource is denied")
                .extracting(RegistryException::code).isEqualTo(ErrorCode.DENIED);
    }

    @Test
    void retry_after_accepts_an_http_date_and_is_capped() {
        String inTenSeconds = ZonedDateTime.now().plusSeconds(10).format(DateTimeFormatter.RFC_1123_DATE_TIME);

        assertThat(RegistryErrors.parseRetryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(RegistryErrors.parseRetryAfter("86400")).isEqualTo(Duration.ofMinutes(5));
        assertThat(RegistryErrors.parseRetryAfter("soon")).isNull();
    }

    @Test
    void connection_failures_are_transient_but_unknown_hosts_and_tls_failures_are_not() {
        assertThat(RegistryErrors.fromIo("op", new ConnectException("refused")).isTransient()).isTrue();
        assertThat(RegistryErrors.fromIo("op", new IOException("reset")).isTransient()).isTrue();
        assertThat(RegistryErrors.fromIo("op", new UnknownHostException("nowhere.invalid")).isTransient()).isFalse();
        RegistryException tls = RegistryErrors.fromIo("op", new SSLHandshakeException("PKIX path building failed"));
        assertThat(tls.isTransient()).isFalse();
        assertThat(tls.getMessage()).contains("mark the registry insecure");
    }

    private static RegistryResponse response(int status, String body, String retryAfter) {
        BasicClassicHttpResponse response = new BasicClassicHttpResponse(status);
        response.setEntity(new StringEntity(body, body.startsWith("{") ? ContentType.APPLICATION_JSON
                : ContentType.create("text/plain", "UTF-8")));
        response.setHeader("Content-Type", body.startsWith("{") ? "application/json" : "text/plain; charset=UTF-8");
        if (retryAfter != null) {
            response.setHeader("Retry-After", retryAfter);
        }
        return new RegistryResponse(response, URI.create("https://reg.io/v2/"));
    }
}
