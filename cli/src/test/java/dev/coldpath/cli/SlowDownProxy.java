package dev.coldpath.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on 127.0.0.1 in front of an S3 server that answers a share of the requests itself with
 * {@code 503 SlowDown}, as S3 does when it throttles, and forwards the others. The faults are bounded: at most
 * {@code maxFaults}, and only during {@code window} from the start; after either, it only forwards. It closes
 * itself after {@code lifetime}, or on {@link #close()}. Each request gets a connection of its own to the
 * server ({@code Connection: close}), so the fault decision is made per request even when clients keep their
 * connections alive. Thread safe. For tests only: it parses no more of HTTP than S3 clients use.
 */
final class SlowDownProxy implements AutoCloseable {
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    private final int targetPort;
    private final double failureRate;
    private final int maxFaults;
    private final long faultsUntil;
    private final long closeAt;
    private final Random random;
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "slowdown-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger faults = new AtomicInteger();
    private final List<String> faulted = new ArrayList<>();

    private SlowDownProxy(int targetPort, double failureRate, int maxFaults, Duration window, Duration lifetime,
                          long seed) throws IOException {
        if (failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("failureRate must be in [0, 1]: " + failureRate);
        }
        this.targetPort = targetPort;
        this.failureRate = failureRate;
        this.maxFaults = maxFaults;
        long now = System.nanoTime();
        this.faultsUntil = now + window.toNanos();
        this.closeAt = now + lifetime.toNanos();
        this.random = new Random(seed);
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    }

    /**
     * Starts a proxy to the server on {@code 127.0.0.1:targetPort} that fails each request with probability
     * {@code failureRate} (a seeded draw), at most {@code maxFaults} times within {@code window}.
     */
    static SlowDownProxy start(int targetPort, double failureRate, int maxFaults, Duration window,
                               Duration lifetime, long seed) throws IOException {
        SlowDownProxy proxy = new SlowDownProxy(targetPort, failureRate, maxFaults, window, lifetime, seed);
        Thread acceptor = new Thread(proxy::accept, "slowdown-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests seen so far, failed ones included. */
    int requests() {
        return requests.get();
    }

    /** Requests answered with 503 so far. */
    int faults() {
        return faults.get();
    }

    /** The request lines of the failed requests ("PUT /bucket/key"), in order. */
    synchronized List<String> faulted() {
        return List.copyOf(faulted);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.shutdownNow();
    }

    private void accept() {
        try {
            server.setSoTimeout(1000);
            while (!server.isClosed() && System.nanoTime() < closeAt) {
                try {
                    Socket client = server.accept();
                    connections.execute(() -> serve(client));
                } catch (java.net.SocketTimeoutException tick) {
                    // look at the clock again
                }
            }
        } catch (IOException closed) {
            // close() was called
        } finally {
            close();
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(60_000);
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            Request request = Request.parse(new String(head, StandardCharsets.ISO_8859_1));
            requests.incrementAndGet();
            if (shouldFail(request)) {
                if (!request.expectsContinue()) {
                    in.skipNBytes(request.contentLength()); // the client sends its body before it reads
                }
                slowDown(client.getOutputStream(), request);
            } else {
                forward(client, request);
            }
        } catch (IOException | RuntimeException e) {
            // the client or the server went away: the client sees a broken connection, which it retries too
        }
    }

    private synchronized boolean shouldFail(Request request) {
        if (faults.get() >= maxFaults || System.nanoTime() > faultsUntil || random.nextDouble() >= failureRate) {
            return false;
        }
        faults.incrementAndGet();
        faulted.add(request.method() + " " + request.target());
        return true;
    }

    private void slowDown(OutputStream out, Request request) throws IOException {
        String requestId = String.format(Locale.ROOT, "FAULT%011d", faults.get());
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
                + "<Message>Please reduce your request rate.</Message><RequestId>" + requestId + "</RequestId>"
                + "<HostId>slowdown-proxy</HostId></Error>").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 503 Slow Down\r\n"
                + "Content-Type: application/xml\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "x-amz-request-id: " + requestId + "\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (!request.method().equals("HEAD")) {
            out.write(body);
        }
        out.flush();
    }

    /**
     * Sends the request's head, with {@code Connection: close}, to the server and then copies bytes both ways
     * (the body, after a {@code 100 Continue} when the client asked for one) until the server has answered.
     */
    private void forward(Socket client, Request request) throws IOException {
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            upstream.setSoTimeout(120_000);
            OutputStream toServer = upstream.getOutputStream();
            toServer.write(request.withConnectionClose().getBytes(StandardCharsets.ISO_8859_1));
            toServer.flush();
            Thread body = new Thread(() -> copy(client, upstream), "slowdown-proxy-body");
            body.setDaemon(true);
            body.start();
            upstream.getInputStream().transferTo(client.getOutputStream()); // streamed: a 100 Continue goes on at once
            client.getOutputStream().flush();
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException | RuntimeException closed) {
            // one side closed: the exchange is over
        }
    }

    /** The request line and headers, up to and including the blank line; null at end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < HEAD_END.length) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == HEAD_END[matched] ? matched + 1 : (b == HEAD_END[0] ? 1 : 0);
            if (head.size() > 256 * 1024) {
                throw new SocketException("request head over 256 KiB");
            }
        }
        return head.toByteArray();
    }

    /** A request head: its first line and its header lines, as received. */
    private record Request(String method, String target, List<String> lines) {
        static Request parse(String head) {
            List<String> lines = new ArrayList<>(List.of(head.split("\r\n")));
            String[] first = lines.get(0).split(" ");
            return new Request(first[0], first.length > 1 ? first[1] : "", lines);
        }

        private String header(String name) {
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        long contentLength() {
            String value = header("Content-Length");
            return value == null ? 0 : Long.parseLong(value);
        }

        boolean expectsContinue() {
            String value = header("Expect");
            return value != null && value.equalsIgnoreCase("100-continue");
        }

        /** The head with its connection headers replaced by {@code Connection: close}. */
        String withConnectionClose() {
            StringBuilder head = new StringBuilder(lines.get(0)).append("\r\n");
            for (String line : lines.subList(1, lines.size())) {
                String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim() : line;
                if (!name.equalsIgnoreCase("Connection") && !name.equalsIgnoreCase("Keep-Alive")) {
                    head.append(line).append("\r\n");
                }
            }
            return head.append("Connection: close\r\n\r\n").toString();
        }
    }
}
