package org.careledger.api.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Map;

/**
 * The HTTP edge reads input strictly, so what it accepts is what the ledger stores (ADR 9):
 * <ul>
 *     <li>a date in a JSON body is an ISO-8601 string ({@code "2024-01-01"}); a JSON number is refused, never
 *     read as an epoch day;</li>
 *     <li>a JSON object that names a field twice is refused as malformed (found by fuzzing: Jackson cannot bind a
 *     record's creator property twice and answered 500), never silently the last value;</li>
 *     <li>a single-valued query parameter given twice ({@code purpose=A&purpose=B}) is refused, never silently
 *     the first;</li>
 *     <li>a URL the firewall rejects (encoded slashes, {@code ..} segments) answers problem+json, not the
 *     server's HTML error page: Tomcat passes an encoded slash through to Spring Security's firewall, which
 *     rejects it and the {@link RequestRejectedHandler} here answers.</li>
 * </ul>
 * The value rules themselves (text, dates, numbers) live in the domain's value objects ({@code Values}).
 */
@Configuration(proxyBeanMethods = false)
public class InputRules implements WebMvcConfigurer {

    @Bean
    Jackson2ObjectMapperBuilderCustomizer strictDates() {
        return builder -> builder.deserializerByType(LocalDate.class, new IsoDateOnly());
    }

    @Bean
    Jackson2ObjectMapperBuilderCustomizer noDuplicateFields() {
        return builder -> builder.featuresToEnable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** A LocalDate only from an ISO-8601 date string. */
    static final class IsoDateOnly extends StdScalarDeserializer<LocalDate> {
        IsoDateOnly() {
            super(LocalDate.class);
        }

        @Override
        public LocalDate deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (LocalDate) ctxt.handleUnexpectedToken(LocalDate.class, p);
            }
            String text = p.getText().strip();
            try {
                return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE);
            } catch (DateTimeParseException e) {
                return (LocalDate) ctxt.handleWeirdStringValue(LocalDate.class, text, "not an ISO-8601 date");
            }
        }
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new SingleValuedParameters());
    }

    /** Refuses a request that repeats a query parameter its handler takes as one value. */
    static final class SingleValuedParameters implements HandlerInterceptor {
        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
            if (!(handler instanceof HandlerMethod method)) {
                return true;
            }
            Map<String, String[]> given = request.getParameterMap();
            for (MethodParameter parameter : method.getMethodParameters()) {
                RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
                if (param == null) {
                    continue;
                }
                Class<?> type = parameter.getParameterType();
                if (type.isArray() || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
                    continue;
                }
                String name = !param.name().isEmpty() ? param.name()
                        : !param.value().isEmpty() ? param.value() : parameter.getParameter().getName();
                String[] values = name == null ? null : given.get(name);
                if (values != null && values.length > 1) {
                    throw new ProblemException(Problem.VALIDATION_FAILED,
                            "Parameter '" + name + "' may be given once only.");
                }
            }
            return true;
        }
    }

    /** An encoded slash reaches Spring Security's firewall (which refuses it) instead of Tomcat's HTML page. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashesReachTheFirewall() {
        return factory -> factory.addConnectorCustomizers(connector ->
                connector.setEncodedSolidusHandling("passthrough"));
    }

    @Bean
    RequestRejectedHandler requestRejectedAsProblem(ProblemResponses problems) {
        return (request, response, rejected) -> problems.write(request, response, Problem.MALFORMED_REQUEST,
                "The URL is not allowed.");
    }
}
