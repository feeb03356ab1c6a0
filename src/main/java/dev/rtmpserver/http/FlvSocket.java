package dev.rtmpserver.http;

import dev.rtmpserver.browser.FlvPlayback;
import dev.rtmpserver.browser.FlvViewer;
import dev.rtmpserver.concurrent.Threads;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * The same path as {@link LiveFlv}, upgraded to a WebSocket (WS-FLV): the same FLV bytes, a
 * binary message per batch of frames, for pages whose player reads WebSockets (mpegts.js). One
 * listener per connection; its own virtual thread writes, as the connection's thread only reads.
 */
final class FlvSocket implements WsListener {
    private final FlvPlayback flv;
    private final HttpConfig config;
    private volatile FlvViewer viewer;

    FlvSocket(FlvPlayback flv, HttpConfig config) {
        this.flv = flv;
        this.config = config;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        if (!LiveFlv.PATH.matcher(prologue.uriPath().rawPath()).matches()) {
            throw new WsUpgradeException("no WebSocket here: expected /APP/NAME.flv");
        }
        // Browsers send their page's origin; other sites' pages may open the socket only if allowed.
        Optional<String> origin = headers.first(HeaderNames.ORIGIN);
        boolean sameOrigin = origin.isPresent() && origin.get().endsWith("://" + headers.first(HeaderNames.HOST)
                .orElse(""));
        if (origin.isPresent() && !sameOrigin && config.allowOrigin(origin.get()) == null) {
            throw new WsUpgradeException("pages of " + origin.get() + " may not open this stream");
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        HttpPrologue prologue = session.prologue();
        String client = session.socketContext().remotePeer().address() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : "unknown";
        FlvPlayback.Admission admission;
        try {
            String query = prologue.query().rawValue();
            admission = flv.open(LiveFlv.key(prologue.uriPath().rawPath()), query.isEmpty() ? null : query, client,
                    prologue.uriPath().rawPath(), FlvViewer.Protocol.WS_FLV);
        } catch (HttpError e) {
            admission = new FlvPlayback.Refusal(e.status, e.getMessage());
        }
        if (admission instanceof FlvPlayback.Refusal refusal) {
            // 4000 + the HTTP status: applications may use 4000-4999 (RFC 6455, 7.4.2).
            session.close(4000 + refusal.status(), refusal.reason());
            return;
        }
        FlvPlayback.Opened opened = (FlvPlayback.Opened) admission;
        viewer = opened.viewer();
        Threads.startVirtual("ws-flv-" + opened.viewer().id(), () -> write(session, opened));
    }

    private void write(WsSession session, FlvPlayback.Opened opened) {
        boolean ended = flv.play(opened, (bytes, length) -> {
            try {
                session.send(BufferData.create(Arrays.copyOf(bytes, length)), true);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        });
        if (ended) {
            try {
                session.close(WsCloseCodes.NORMAL_CLOSE, "the stream ended");
            } catch (UncheckedIOException e) {
                // The client left meanwhile.
            }
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        FlvViewer v = viewer;
        if (v != null) {
            v.end("the client closed the WebSocket");
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        onClose(session, WsCloseCodes.UNEXPECTED_CONDITION, t.toString());
    }
}
