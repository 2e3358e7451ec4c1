package dev.postern.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.common.Json;
import dev.postern.common.api.ErrorBody;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Caps every request body at {@link #MAX_BYTES}, whatever its framing. Javalin's own limit reads the
 * Content-Length header only, so a {@code Transfer-Encoding: chunked} body was read to its end, however
 * long: here the stream itself stops one byte past the cap with a 413, before the rest is read.
 */
final class BodyLimitFilter implements Filter {
    private static final ObjectMapper JSON = Json.mapper();
    /** API bodies are small JSON objects; the largest (a join or issue request) is a few KiB. */
    static final int MAX_BYTES = 64 * 1024;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getContentLengthLong() > MAX_BYTES) {
            // said so up front: answered here without reading a byte of it (Jetty then closes the connection)
            HttpServletResponse r = (HttpServletResponse) response;
            r.setStatus(413);
            r.setContentType("application/json");
            r.getOutputStream().write(JSON.writeValueAsBytes(new ErrorBody(tooLarge().getMessage())));
            return;
        }
        chain.doFilter(new Limited((HttpServletRequest) request), response);
    }

    static HttpResponseException tooLarge() {
        return new HttpResponseException(413, "the request body is over " + MAX_BYTES / 1024 + " KiB; API bodies are"
                + " small JSON objects (see docs/API.md)");
    }

    /** The request with its body stream capped. */
    private static final class Limited extends HttpServletRequestWrapper {
        private ServletInputStream stream;

        Limited(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CappedStream(super.getInputStream());
            }
            return stream;
        }
    }

    /** Counts what is read and refuses the byte past the cap. */
    private static final class CappedStream extends ServletInputStream {
        private final ServletInputStream in;
        private long read;

        CappedStream(ServletInputStream in) {
            this.in = in;
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
            // never ask for more than one byte past the cap, so a huge body is not pulled in by one read
            int n = in.read(buffer, offset, (int) Math.min(length, MAX_BYTES + 1L - read));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > MAX_BYTES) {
                throw tooLarge();
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
