package dev.hindsight.api;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.IOException;

/**
 * A POST with {@value ApiServer#METHOD_OVERRIDE}: PATCH is a PATCH, for clients whose HTTP has no
 * PATCH (the CLI's HttpURLConnection). Done before routing, so the PATCH route's checks all apply.
 */
final class MethodOverrideFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && "POST".equals(http.getMethod())
                && "PATCH".equalsIgnoreCase(http.getHeader(ApiServer.METHOD_OVERRIDE))) {
            chain.doFilter(new HttpServletRequestWrapper(http) {
                @Override
                public String getMethod() {
                    return "PATCH";
                }
            }, response);
            return;
        }
        chain.doFilter(request, response);
    }
}
