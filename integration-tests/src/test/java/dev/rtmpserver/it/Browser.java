package dev.rtmpserver.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven over the DevTools protocol, for what {@code --dump-dom} cannot do:
 * wait for a page that refreshes itself, run script in it (click a button) and look again. Only
 * the three DevTools methods the tests need, with just enough JSON handling for their answers.
 */
final class Browser implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern PAGE_SOCKET = Pattern.compile(
            "\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+)\"");
    private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");
    /** A string result; {@link #evaluate} makes every value one of these, URI-encoded, so it needs no JSON unescaping. */
    private static final Pattern VALUE = Pattern.compile("\"value\":\"([^\"\\\\]*)\"");
    private static final Pattern DATA = Pattern.compile("\"data\":\"([A-Za-z0-9+/=]*)\"");

    private final Tools.Run process;
    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<String>> answers = new ConcurrentHashMap<>();

    private Browser(Tools.Run process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts Chromium at {@code width}x{@code height} on {@code url} with a fresh profile in {@code profile}. */
    static Browser open(Path profile, String url, int width, int height) throws Exception {
        String executable = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "chromium";
        Files.createDirectories(profile);
        Tools.Run process = Tools.start("chromium-devtools", executable, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--remote-debugging-port=0", url);
        try {
            // Chromium writes the port it picked, and the browser's own socket path, into the profile.
            Path activePort = profile.resolve("DevToolsActivePort");
            int port = Await.value(() -> Integer.parseInt(Files.readAllLines(activePort).get(0).strip()),
                    "Chromium's DevTools port (log " + process.log() + ")");
            HttpClient http = HttpClient.newHttpClient();
            String page = Await.value(() -> {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = PAGE_SOCKET.matcher(list);
                return m.find() ? m.group(1) : null;
            }, "the page's DevTools socket");
            Browser[] self = new Browser[1];
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new WebSocket.Listener() {
                private final StringBuilder message = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    message.append(data);
                    if (last) {
                        self[0].answered(message.toString());
                        message.setLength(0);
                    }
                    ws.request(1);
                    return null;
                }
            }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            self[0] = new Browser(process, socket);
            return self[0];
        } catch (Exception | AssertionError e) {
            process.kill();
            throw e;
        }
    }

    private void answered(String json) {
        Matcher m = ID.matcher(json);
        if (m.find()) {
            CompletableFuture<String> answer = answers.remove(Integer.parseInt(m.group(1)));
            if (answer != null) {
                answer.complete(json);
            }
        }
    }

    private String call(String method, String params) throws Exception {
        int id = nextId.getAndIncrement();
        CompletableFuture<String> answer = new CompletableFuture<>();
        answers.put(id, answer);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String json = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (json.contains("\"exceptionDetails\"") || json.startsWith("{\"id\":" + id + ",\"error\"")) {
            throw new AssertionError(method + " failed: " + json);
        }
        return json;
    }

    /**
     * Runs {@code script} (an expression, awaited if it is a promise) in the page and returns its
     * value as a string.
     */
    String evaluate(String script) throws Exception {
        String expression = "(async () => encodeURIComponent(String(await (" + script + "))))()";
        String json = call("Runtime.evaluate", "{\"expression\":" + jsonString(expression)
                + ",\"awaitPromise\":true,\"returnByValue\":true}");
        Matcher m = VALUE.matcher(json);
        if (!m.find()) {
            throw new AssertionError("no string from " + script + ": " + json);
        }
        // encodeURIComponent leaves no '+', so decoding it as a form value changes nothing else.
        return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    /**
     * Evaluates {@code script} until its value passes {@code test}; returns that value. A script
     * that throws (the page is still loading, the element not there yet) counts as not yet.
     */
    String await(String script, Predicate<String> test, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String last;
            try {
                String value = evaluate(script);
                if (test.test(value)) {
                    return value;
                }
                last = value;
            } catch (AssertionError e) {
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "; last: " + last);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /** Lays the page out as a screen of this size would, as phones do (no scrollbars taking width). */
    void resize(int width, int height, boolean mobile) throws Exception {
        call("Emulation.setDeviceMetricsOverride", "{\"width\":" + width + ",\"height\":" + height
                + ",\"deviceScaleFactor\":1,\"mobile\":" + mobile + "}");
    }

    /**
     * Reloads the page with its Content-Security-Policy ignored, so that a benchmark can point the
     * player page at another server.
     */
    void reloadIgnoringContentSecurityPolicy() throws Exception {
        call("Page.setBypassCSP", "{\"enabled\":true}");
        call("Page.reload", "{\"ignoreCache\":true}");
    }

    void screenshot(Path png) throws Exception {
        Matcher m = DATA.matcher(call("Page.captureScreenshot", "{\"format\":\"png\"}"));
        if (!m.find()) {
            throw new AssertionError("no screenshot");
        }
        Files.write(png, Base64.getDecoder().decode(m.group(1)));
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            process.kill();
        }
    }
}
