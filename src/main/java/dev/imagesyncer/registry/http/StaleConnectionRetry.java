package dev.imagesyncer.registry.http;

import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;

/**
 * Sends an idempotent request once more, at once, when its connection was dropped before any answer came: no
 * answer at all, a broken pipe or a reset (not a refused connection: that is no dropped one). Mostly this is a
 * pooled connection that the server had closed after an error answer, which the request never got through.
 * Timeouts, statuses and second failures surface as exceptions, for the routes' redelivery policy, which waits
 * and counts.
 */
final class StaleConnectionRetry implements HttpRequestRetryStrategy {

    @Override
    public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
        boolean dropped = exception instanceof NoHttpResponseException
                || exception instanceof SocketException && !(exception instanceof ConnectException);
        return execCount <= 1 && dropped && Method.isIdempotent(request.getMethod());
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
        return false;
    }

    @Override
    public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
        return TimeValue.ZERO_MILLISECONDS;
    }
}
