package dev.imagesyncer.service;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * What the management server does with a request before any route sees it, as a Vert.x handler put first on
 * platform-http's router (so it holds whatever routes directory is loaded, and before a body is read):
 * <ul>
 * <li>when a token is set ({@code sync.http.token} or {@code sync.http.tokenFile}), every path but
 * {@code /health} requires {@code Authorization: Bearer <token>} (RFC 6750), compared in constant time; without
 * it the answer is 401, and neither is ever logged;</li>
 * <li>{@code POST /sync} keeps its body as sent: {@code curl --data-binary} labels it
 * {@code application/x-www-form-urlencoded}, and platform-http would parse it as a form and hand the route no body
 * at all ({@code populateBodyWithForm=false} only stops it from making the fields the body), so such a body is
 * relabelled {@code application/octet-stream}; a multipart form is answered 415.</li>
 * </ul>
 */
public final class ManagementGuard {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String MULTIPART = "multipart/";

    private final byte[] expected;

    /** @param token the bearer token, or null for none */
    public ManagementGuard(String token) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    public boolean requiresToken() {
        return expected != null;
    }

    /**
     * Puts the handler first on the router of the main HTTP server, on {@code port}.
     *
     * @throws IllegalStateException when platform-http has no router there
     */
    public void install(CamelContext context, int port) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context);
        }
        if (router == null) {
            throw new IllegalStateException("no platform-http router for port " + port);
        }
        router.route().order(-1000).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        String path = context.normalizedPath();
        if (expected != null && !"/health".equals(path)) {
            String given = String.valueOf(request.getHeader("Authorization")).trim();
            if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                context.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
                        .putHeader("Content-Type", "application/json")
                        .end("{\"error\":\"a bearer token is required (Authorization: Bearer <sync.http.token>)\"}");
                return;
            }
        }
        if (request.method() == HttpMethod.POST && "/sync".equals(path)) {
            String type = String.valueOf(request.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
            if (type.startsWith(MULTIPART)) {
                context.response().setStatusCode(415).putHeader("Content-Type", "application/json")
                        .end("{\"status\":\"refused\",\"error\":\"send the images map as the body "
                                + "(curl --data-binary @images.yaml), not as a multipart form\"}");
                return;
            }
            if (type.startsWith(FORM)) {
                request.headers().set("Content-Type", "application/octet-stream");
            }
        }
        context.next();
    }
}
