package dev.rtmpserver.it;

import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless Chromium plays a live stream on the player page, /play/APP/NAME, with the vendored
 * hls.js over LL-HLS and mpegts.js over HTTP-FLV and WebSocket-FLV: the video element reports
 * the stream's size and its clock advances, so frames were really decoded and shown.
 */
@Timeout(150)
class BrowserPlaybackIT {
    @TempDir
    Path dir;

    @Test
    void chromiumPlaysALiveStreamOverLlHlsHttpFlvAndWebSocketFlv() throws Exception {
        try (TestServer server = new TestServer(ServerConfig.forTests()
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty())))) {
            Tools.Run publisher = Tools.publishTestStream("browser-publish", server.url("live", "cam"), "320x240", 40,
                    true, true);
            String page = "http://127.0.0.1:" + server.server.httpPort().orElseThrow() + "/play/live/cam";
            try (Browser browser = Browser.open(dir.resolve("chromium"), page, 800, 600)) {
                // The page's script has run once the status is no longer the page's own "loading…": a
                // click before that finds no button, or no handler.
                browser.await("String(document.getElementById('status') !== null"
                        + " && document.getElementById('status').textContent !== 'loading…')", "true"::equals,
                        "the player page's script");
                for (String transport : new String[] {"hls", "http", "ws"}) {
                    browser.evaluate("document.getElementById('" + transport + "').click(), ''");
                    String start = browser.await("document.querySelector('video').currentTime.toFixed(2)",
                            t -> Double.parseDouble(t) > 0.5, transport + ": the video plays");
                    String size = browser.evaluate("document.querySelector('video').videoWidth + 'x'"
                            + " + document.querySelector('video').videoHeight");
                    assertTrue(size.equals("320x240"), transport + ": " + size);
                    // A young stream may stall a player once at its start, on a busy machine: the
                    // clock must move on, within the wait, not at any set pace.
                    double from = Double.parseDouble(start);
                    browser.await("document.querySelector('video').currentTime.toFixed(2)",
                            t -> Double.parseDouble(t) > from + 1, transport + ": the clock runs on from " + start);
                    String frames = "document.querySelector('video').getVideoPlaybackQuality().totalVideoFrames";
                    long decoded = Long.parseLong(browser.evaluate(frames));
                    browser.await(frames, f -> Long.parseLong(f) > decoded + 10, transport + ": frames keep coming");
                    String status = browser.evaluate("document.getElementById('status').textContent");
                    assertTrue(status.startsWith(switch (transport) {
                        case "hls" -> "LL-HLS";
                        case "ws" -> "WebSocket-FLV";
                        default -> "HTTP-FLV";
                    }), status);
                }
                String urls = browser.evaluate("[...document.querySelectorAll('#urls input')].map(i => i.value)"
                        + ".join(' ')");
                for (String expected : new String[] {"rtmp://127.0.0.1:" + server.port() + "/live/cam",
                    page.replace("/play", "") + "/index.m3u8", page.replace("/play", "") + ".flv"}) {
                    assertTrue(urls.contains(expected), expected + " in " + urls);
                }

                // The publisher's connection drops and it comes back within the reconnect grace: the
                // LL-HLS player goes on along the same playlist, without a reload.
                browser.evaluate("document.getElementById('hls').click(), ''");
                browser.await("document.querySelector('video').currentTime.toFixed(2)", t -> Double.parseDouble(t) > 1,
                        "LL-HLS plays again");
                publisher.kill();
                publisher = Tools.publishTestStream("browser-republish", server.url("live", "cam"), "320x240", 30,
                        true, true);
                double before = Double.parseDouble(browser.evaluate(
                        "document.querySelector('video').currentTime.toFixed(2)"));
                browser.await("document.querySelector('video').currentTime.toFixed(2)",
                        t -> Double.parseDouble(t) > before + 4, "the player is past the republish");
                String status = browser.evaluate("document.getElementById('status').textContent");
                assertTrue(status.startsWith("LL-HLS"), "no error, no reload: " + status);
            }
            publisher.kill();
        }
    }
}
