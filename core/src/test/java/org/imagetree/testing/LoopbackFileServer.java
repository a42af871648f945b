package org.imagetree.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Serves the files under a directory over HTTP on 127.0.0.1 at a free port ({@code GET} and {@code HEAD}; 404 for
 * anything else, including paths that leave the directory), recording every request as "METHOD /path". What the
 * test APT repositories are published through; containers built with host networking reach it.
 */
public final class LoopbackFileServer implements AutoCloseable {
    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public LoopbackFileServer(Path root) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path);
            Path file = root.resolve(path.substring(1)).normalize();
            boolean found = file.startsWith(root) && Files.isRegularFile(file);
            long length = found ? Files.size(file) : -1;
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(found ? 200 : 404, head || !found ? -1 : length == 0 ? -1 : length);
            if (found && !head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    Files.copy(file, out);
                }
            }
            exchange.close();
        });
        server.start();
    }

    /** {@code http://127.0.0.1:<port>/} followed by {@code path} (no leading slash). */
    public String url(String path) { return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path; }

    /** Every request served so far, as "METHOD /path". */
    public List<String> requests() { return List.copyOf(requests); }

    @Override
    public void close() { server.stop(0); }
}
