package org.careledger.api.problem;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Refuses request bodies over {@code careledger.api.max-request-bytes} (default 256 KiB; the largest legitimate
 * body, an entry with 20,000 characters of free text, is well below it; the FHIR import at {@value #IMPORTS}:
 * {@code careledger.api.max-import-bytes}, default 64 MiB, streamed) with 413 problem+json: at once when
 * Content-Length says so, and while reading when a chunked body grows past it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestSizeLimit extends OncePerRequestFilter {

    private final long defaultMax;
    private final long importMax;
    private final ProblemResponses problems;

    /** The path of the administrator's FHIR import, whose bodies (a patient's Bundle, NDJSON) are larger. */
    static final String IMPORTS = "/api/admin/imports";

    public RequestSizeLimit(@Value("${careledger.api.max-request-bytes:262144}") long max,
                            @Value("${careledger.api.max-import-bytes:67108864}") long importMax,
                            ProblemResponses problems) {
        this.defaultMax = max;
        this.importMax = importMax;
        this.problems = problems;
    }

    /** Thrown while reading a body that grows past the limit; answered 413. */
    public static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("request body exceeds the limit", null, false, false);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long max = request.getRequestURI().equals(IMPORTS) ? importMax : defaultMax;
        if (request.getContentLengthLong() > max) {
            problems.write(request, response, Problem.PAYLOAD_TOO_LARGE, "A request body may hold at most " + max + " bytes.");
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(request) {
            private ServletInputStream limited;

            @Override
            public ServletInputStream getInputStream() throws IOException {
                if (limited == null) {
                    limited = new Limited(super.getInputStream(), max);
                }
                return limited;
            }
        }, response);
    }

    private static final class Limited extends ServletInputStream {
        private final ServletInputStream in;
        private final long max;
        private long read;

        Limited(ServletInputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > max) {
                throw new TooLarge();
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
