package org.imagetree.policy.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers itself (a malformed request, a head too large, 503 while shutting down, a failed handler)
 * as {@code {"error": "..."}}, like the handler's own: the status's reason or Jetty's short message ("Invalid SNI"),
 * never a stack trace or another exception's text.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final ObjectMapper mapper;

    JsonErrorHandler(ObjectMapper mapper) {
        this.mapper = mapper;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        // a failure's message may be an exception's text: only Jetty's own HTTP errors ("Invalid SNI") say more than the status
        byte[] body = json(mapper, reason(code, cause == null || cause instanceof HttpException ? message : null));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(json(mapper, reason(status, reason)));
    }

    private static String reason(int code, String message) {
        return message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    }

    /** {@code {"error": message}}. */
    static byte[] json(ObjectMapper mapper, String message) {
        try {
            return mapper.writeValueAsBytes(mapper.createObjectNode().put("error", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
