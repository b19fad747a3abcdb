package dev.imagesyncer.service;

import io.vertx.core.http.HttpMethod;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import java.util.Locale;

/**
 * Keeps the body of {@code POST /sync} as sent, whatever its {@code Content-Type}. {@code curl --data-binary}
 * sends {@code application/x-www-form-urlencoded} unless told otherwise, and platform-http (Vert.x) then parses the
 * body as a form and hands the route no body at all ({@code populateBodyWithForm=false} only stops it from making
 * the form fields the body). A handler put before platform-http's on the same router declares such a body
 * {@code application/octet-stream}, so that it arrives raw and is read as JSON or YAML like a file.
 */
public final class RawPostBodies {

    private static final String FORM = "application/x-www-form-urlencoded";

    private RawPostBodies() {
    }

    /** Installs the handler for POST {@code path} on the router of the main HTTP server, on {@code port}. */
    public static void keep(CamelContext context, int port, String path) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context);
        }
        if (router == null) {
            throw new IllegalStateException("no platform-http router for port " + port);
        }
        router.route(HttpMethod.POST, path).order(-1000).handler(request -> {
            String type = request.request().getHeader("Content-Type");
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
                request.request().headers().set("Content-Type", "application/octet-stream");
            }
            request.next();
        });
    }
}
