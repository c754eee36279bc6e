package org.careledger.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.careledger.shared.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every error becomes RFC 9457 problem+json with a stable {@code type} ({@link Problem}). Bodies and logs name
 * fields and ids only: never the request's text, record content, exception messages of libraries (they can quote
 * the input) or stack traces.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);
    private static final Set<String> MISSING = Set.of("NotNull", "NotBlank", "NotEmpty");

    /**
     * What a 500 may truthfully say. It cannot say "nothing was written": the failure may come after a commit (a
     * FHIR export whose audit event is stored before the bundle is rendered, a policy activated before its views
     * are rebuilt). Each change is stored whole or not at all, so the caller is told to look before retrying.
     */
    static final String INTERNAL_ERROR_DETAIL = "Something went wrong and the request did not complete. Any change "
            + "it made is stored whole or not at all (a read may have been audited); check the current state before "
            + "retrying.";

    @ExceptionHandler(Refusal.class)
    ResponseEntity<Object> refusal(Refusal refusal, WebRequest request) {
        Problem problem = Problem.of(refusal.kind());
        String detail = problem == Problem.RECORD_NOT_AVAILABLE ? Problem.RECORD_NOT_AVAILABLE_DETAIL
                : refusal.getMessage();
        return respond(problem, detail, request);
    }

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<Object> problem(ProblemException e, WebRequest request) {
        return respond(e.problem(), e.getMessage(), request);
    }

    @ExceptionHandler(RequestSizeLimit.TooLarge.class)
    ResponseEntity<Object> tooLarge(RequestSizeLimit.TooLarge e, WebRequest request) {
        return respond(Problem.PAYLOAD_TOO_LARGE, "The request body is too large.", request);
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<Object> denied(AccessDeniedException e, WebRequest request) {
        return respond(Problem.FORBIDDEN, "Your role may not do this.", request);
    }

    /**
     * A parameter outside its range (e.g. {@code size=0}) on a {@code @Validated} controller: 400 naming the
     * parameter, never the value.
     */
    @ExceptionHandler(jakarta.validation.ConstraintViolationException.class)
    ResponseEntity<Object> outOfRange(jakarta.validation.ConstraintViolationException e, WebRequest request) {
        List<String> names = e.getConstraintViolations().stream().map(v -> {
            String name = null;
            for (jakarta.validation.Path.Node node : v.getPropertyPath()) {
                name = node.getName();
            }
            return parameterName(name, request);
        }).distinct().sorted().toList();
        ProblemDetail body = body(Problem.VALIDATION_FAILED, "Parameter out of range: " + String.join(", ", names),
                request);
        body.setProperty("errors", names.stream().map(n -> Map.of("field", n, "problem", "out of range")).toList());
        return new ResponseEntity<>(body, headers(), Problem.VALIDATION_FAILED.status());
    }

    /** FHIR's {@code _count} is bound to a Java parameter named {@code count}: report the name the caller used. */
    private static String parameterName(String name, WebRequest request) {
        if (name != null && request.getParameter(name) == null && request.getParameter("_" + name) != null) {
            return "_" + name;
        }
        return String.valueOf(name);
    }

    /**
     * The firewall checks parameter names and values lazily, when the request's parameters are first read (a NUL or
     * control character in a name): refused like a URL the firewall rejects up front (found by fuzzing: was a 500).
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<Object> rejected(RequestRejectedException e, WebRequest request) {
        return respond(Problem.MALFORMED_REQUEST, "The URL is not allowed.", request);
    }

    /** Commands come back from Axon as they were thrown, or wrapped: look for what we know in the causes. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Refusal refusal) {
                return refusal(refusal, request);
            }
            if (t instanceof RequestSizeLimit.TooLarge) {
                return respond(Problem.PAYLOAD_TOO_LARGE, "The request body is too large.", request);
            }
            String name = t.getClass().getSimpleName();
            if (name.equals("ConcurrencyException") || name.equals("AggregateStreamCreationException")
                    || name.equals("DuplicateKeyException")) {
                return respond(Problem.CONCURRENT_CHANGE,
                        "Someone else changed the same record at the same moment; read it again and retry.", request);
            }
        }
        log.error("unexpected {} at {}", e.getClass().getName(), path(request));
        log.debug("unexpected error", e);
        return respond(Problem.INTERNAL_ERROR, INTERNAL_ERROR_DETAIL, request);
    }

    // ---- Spring MVC's own exceptions ----------------------------------------------------------------------

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<Map<String, String>> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.of("field", f.getField(), "problem", String.valueOf(f.getDefaultMessage())))
                .toList();
        boolean allMissing = ex.getBindingResult().getFieldErrors().stream()
                .allMatch(f -> MISSING.contains(f.getCode()));
        Problem problem = allMissing ? Problem.MISSING_FIELD : Problem.VALIDATION_FAILED;
        String fields = ex.getBindingResult().getFieldErrors().stream().map(FieldError::getField).distinct()
                .collect(Collectors.joining(", "));
        ProblemDetail body = body(problem, (allMissing ? "Missing: " : "Invalid: ") + fields, request);
        body.setProperty("errors", errors);
        return new ResponseEntity<>(body, headers(), problem.status());
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
                                                                            HttpHeaders headers,
                                                                            HttpStatusCode status,
                                                                            WebRequest request) {
        return respond(Problem.VALIDATION_FAILED, "A parameter is out of range.", request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof Refusal refusal) {
                return refusal(refusal, request);
            }
            if (t instanceof RequestSizeLimit.TooLarge) {
                return respond(Problem.PAYLOAD_TOO_LARGE, "The request body is too large.", request);
            }
        }
        Throwable cause = ex.getCause();
        if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = path(mismatch);
            ProblemDetail body = body(Problem.WRONG_TYPE, "Field '" + field + "' has the wrong type or value.",
                    request);
            body.setProperty("errors", List.of(Map.of("field", field, "problem", "wrong type or value")));
            return new ResponseEntity<>(body, headers(), Problem.WRONG_TYPE.status());
        }
        if (cause instanceof JsonProcessingException) {
            return respond(Problem.MALFORMED_REQUEST, "The body is not well-formed JSON.", request);
        }
        return respond(Problem.MALFORMED_REQUEST, "A JSON body is required.", request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(org.springframework.beans.TypeMismatchException ex,
                                                        HttpHeaders headers, HttpStatusCode status,
                                                        WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof Refusal refusal) {
                return refusal(refusal, request);
            }
        }
        String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
        return respond(Problem.WRONG_TYPE, "Parameter '" + name + "' has the wrong type or value.", request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        Problem problem;
        String detail;
        if (ex instanceof HttpRequestMethodNotSupportedException m) {
            problem = Problem.METHOD_NOT_ALLOWED;
            detail = "Method " + m.getMethod() + " is not supported here.";
        } else if (ex instanceof HttpMediaTypeNotSupportedException) {
            problem = Problem.UNSUPPORTED_MEDIA_TYPE;
            detail = "Send application/json.";
        } else if (ex instanceof HttpMediaTypeNotAcceptableException) {
            problem = Problem.NOT_ACCEPTABLE;
            detail = "This resource answers application/json.";
        } else if (ex instanceof MissingServletRequestParameterException m) {
            problem = Problem.MISSING_PARAMETER;
            detail = "Parameter '" + m.getParameterName() + "' is required.";
        } else if (ex instanceof MissingRequestHeaderException m) {
            problem = "If-Match".equalsIgnoreCase(m.getHeaderName()) ? Problem.PRECONDITION_REQUIRED
                    : Problem.MISSING_PARAMETER;
            detail = "Header '" + m.getHeaderName() + "' is required.";
        } else if (ex instanceof NoResourceFoundException) {
            problem = Problem.NOT_FOUND;
            detail = "No such resource.";
        } else {
            HttpStatusCode status = statusCode;
            problem = status.value() == 404 ? Problem.NOT_FOUND : status.is4xxClientError()
                    ? Problem.MALFORMED_REQUEST : Problem.INTERNAL_ERROR;
            detail = problem == Problem.INTERNAL_ERROR ? INTERNAL_ERROR_DETAIL
                    : "The request could not be processed.";
        }
        ProblemDetail problemBody = body(problem, detail, request);
        HttpHeaders out = headers();
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (!k.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                    out.addAll(k, v);
                }
            });
        }
        return new ResponseEntity<>(problemBody, out, problem.status());
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private ResponseEntity<Object> respond(Problem problem, String detail, WebRequest request) {
        return new ResponseEntity<>(body(problem, detail, request), headers(), problem.status());
    }

    private static ProblemDetail body(Problem problem, String detail, WebRequest request) {
        ProblemDetail body = problem.detail(detail);
        String path = path(request);
        if (path != null) {
            body.setInstance(URI.create(path));
        }
        return body;
    }

    private static HttpHeaders headers() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON);
        return headers;
    }

    private static String path(WebRequest request) {
        return request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI() : null;
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
