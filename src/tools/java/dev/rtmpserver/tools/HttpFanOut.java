package dev.rtmpserver.tools;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Browser viewers' load on any server: one synthetic RTMP publisher (as {@link FanOut}'s) and many
 * HTTP viewers in one JVM, HTTP-FLV viewers reading the live FLV and HLS viewers fetching the way
 * hls.js does: blocking playlist reloads and every part of a Low-Latency HLS playlist, or, for a
 * plain playlist, a reload every target duration and each new segment once.
 *
 * <pre>java -cp rtmp-server-tools.jar dev.rtmpserver.tools.HttpFanOut --url rtmp://127.0.0.1:1935/live/load \
 *      --flv http://127.0.0.1:8080/live/{name}.flv --flv-viewers 500 \
 *      --hls http://127.0.0.1:8080/live/{name}/index.m3u8 --hls-viewers 1000 --server-pid 1234</pre>
 *
 * HTTP-FLV viewers count the media they get exactly: every synthetic frame carries its send time,
 * so each viewer sums the frames sent inside the window, wherever they arrive, as {@link FanOut}'s
 * players do. HLS viewers cannot see those stamps inside segments; they count the seconds of media
 * they fetched during the window and the segments or parts they missed (a gap in what the
 * playlist offered them). The report is a table and one {@code RESULT key=value ...} line.
 */
public final class HttpFanOut {
    private static final int TIMEOUT_MS = 15_000;
    /** Joins in flight at once, as in {@link FanOut}. */
    private static final int JOIN_CONCURRENCY = 64;
    private static final long DELIVERY_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** hls.js starts three target durations behind the live edge of a plain playlist. */
    private static final int PLAIN_START_SEGMENTS = 3;
    private static final Pattern PART = Pattern.compile("#EXT-X-PART:.*?DURATION=([0-9.]+).*?URI=\"([^\"]+)\"");

    private HttpFanOut() {
    }

    record Options(FanOut.Options rtmp, String flvUrl, int flvViewers, String hlsUrl, int hlsViewers,
                   boolean plainHls) {
        String url(String template) {
            return template.replace("{name}", rtmp.streamName(0));
        }
    }

    /** What every viewer shares. */
    static final class Shared {
        final FanOut.Window window;
        final CountDownLatch firstMedia;
        final Semaphore joinPermits = new Semaphore(JOIN_CONCURRENCY);
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        final LongAdder requests = new LongAdder();
        volatile boolean stopping;

        Shared(FanOut.Window window, int viewers) {
            this.window = window;
            this.firstMedia = new CountDownLatch(viewers);
        }

        void error(String what) {
            if (!stopping) {
                errors.computeIfAbsent(what, k -> new LongAdder()).increment();
            }
        }
    }

    /** One HTTP/1.1 connection, kept alive while the server allows it and opened again when not. */
    static final class Http implements AutoCloseable {
        private final Shared shared;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private boolean reusable;

        Http(Shared shared) {
            this.shared = shared;
        }

        /** GETs {@code uri} and returns its body; the connection is ready for the next request once it is read. */
        InputStream get(URI uri) throws IOException {
            if (socket == null || !reusable) {
                close();
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), TIMEOUT_MS);
                socket.setSoTimeout(TIMEOUT_MS);
                in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
                out = socket.getOutputStream();
            }
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nUser-Agent: rtmp-server HttpFanOut\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            shared.requests.increment();
            String status = line(in);
            if (status.isEmpty()) {
                // The server closed a kept-alive connection as the request went out.
                reusable = false;
                throw new EOFException("connection closed before an answer");
            }
            String[] parts = status.split(" ", 3);
            int code = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            long length = -1;
            boolean chunked = false;
            reusable = status.startsWith("HTTP/1.1");
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    reusable = false;
                }
            }
            if (!chunked && length < 0) {
                reusable = false;
            }
            InputStream body = chunked ? new Chunked(in) : new Limited(in, length);
            if (code != 200) {
                body.readAllBytes();
                throw new IOException("HTTP " + code + " for " + uri.getRawPath());
            }
            return body;
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // dropping the connection; nothing left to read
                }
                socket = null;
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** A response body: reads of one byte go through the reads of many. */
    abstract static class Body extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }
    }

    /** A body of known length, or up to the end of the connection when {@code left} is negative. */
    static final class Limited extends Body {
        private final InputStream in;
        private long left;

        Limited(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, left < 0 ? len : (int) Math.min(len, left));
            if (n > 0 && left > 0) {
                left -= n;
            }
            return n;
        }
    }

    /** A chunked body: the chunks' data, without their framing. */
    static final class Chunked extends Body {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                int semi = size.indexOf(';');
                left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                if (left == 0) {
                    for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
                        // trailers carry nothing a viewer needs
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("chunked body cut short");
            }
            left -= n;
            if (left == 0) {
                line(in);
            }
            return n;
        }
    }

    /** A viewer's counts; read by the main thread after the window. */
    abstract static class Viewer implements Runnable {
        final Shared shared;
        final URI url;
        final Http http;
        /** Written by the viewer's thread alone, read by the main thread after the window. */
        final AtomicLong windowBytes = new AtomicLong();
        final AtomicLong windowMediaMicros = new AtomicLong();
        final AtomicLong missed = new AtomicLong();
        private boolean started;

        Viewer(Shared shared, URI url) {
            this.shared = shared;
            this.url = url;
            this.http = new Http(shared);
        }

        void firstMedia() {
            if (!started) {
                started = true;
                shared.firstMedia.countDown();
            }
        }

        @Override
        public void run() {
            try {
                view();
            } catch (IOException | RuntimeException e) {
                shared.error(getClass().getSimpleName() + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
            } finally {
                firstMedia();
                http.close();
            }
        }

        abstract void view() throws IOException;
    }

    /** Reads the live FLV and sums the payloads of the frames sent inside the window. */
    static final class FlvViewer extends Viewer {
        FlvViewer(Shared shared, URI url) {
            super(shared, url);
        }

        @Override
        void view() throws IOException {
            InputStream body;
            shared.joinPermits.acquireUninterruptibly();
            try {
                body = http.get(url);
            } finally {
                shared.joinPermits.release();
            }
            body.readNBytes(13);
            byte[] header = new byte[11];
            while (!shared.stopping) {
                if (body.readNBytes(header, 0, 11) < 11) {
                    throw new EOFException("the FLV ended");
                }
                int type = header[0] & 0x1F;
                int size = (header[1] & 0xFF) << 16 | (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
                byte[] data = body.readNBytes(size);
                body.readNBytes(4);
                if (data.length < size) {
                    throw new EOFException("the FLV ended inside a tag");
                }
                if (type == 8 || type == 9) {
                    long stamp = SyntheticMedia.stampOf(type == 9, data);
                    if (stamp != Long.MIN_VALUE) {
                        firstMedia();
                        if (shared.window.contains(stamp)) {
                            windowBytes.lazySet(windowBytes.get() + data.length);
                        }
                    }
                }
            }
        }
    }

    /** One segment or part a playlist offers: where it is and how long it plays. */
    record Media(String uri, double seconds) {
    }

    /** What one load of a media playlist says. */
    record Playlist(long mediaSequence, double targetDuration, List<Media> segments, List<Media> parts,
                    long nextMsn, int nextPart, boolean lowLatency, String variant) {
        static Playlist parse(String text) {
            long sequence = 0;
            long skipped = 0;
            double target = 2;
            List<Media> segments = new ArrayList<>();
            List<Media> trailingParts = new ArrayList<>();
            List<Media> parts = new ArrayList<>();
            boolean lowLatency = false;
            String variant = null;
            double duration = -1;
            boolean expectVariant = false;
            for (String raw : text.split("\n")) {
                String l = raw.strip();
                if (l.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    sequence = Long.parseLong(l.substring(22));
                } else if (l.startsWith("#EXT-X-TARGETDURATION:")) {
                    target = Double.parseDouble(l.substring(22));
                } else if (l.startsWith("#EXT-X-SKIP:")) {
                    Matcher m = Pattern.compile("SKIPPED-SEGMENTS=(\\d+)").matcher(l);
                    skipped = m.find() ? Long.parseLong(m.group(1)) : 0;
                } else if (l.startsWith("#EXT-X-SERVER-CONTROL:") && l.contains("CAN-BLOCK-RELOAD=YES")) {
                    lowLatency = true;
                } else if (l.startsWith("#EXT-X-PART:")) {
                    Matcher m = PART.matcher(l);
                    if (m.find()) {
                        Media part = new Media(m.group(2), Double.parseDouble(m.group(1)));
                        parts.add(part);
                        trailingParts.add(part);
                    }
                } else if (l.startsWith("#EXTINF:")) {
                    String d = l.substring(8);
                    duration = Double.parseDouble(d.contains(",") ? d.substring(0, d.indexOf(',')) : d);
                } else if (l.startsWith("#EXT-X-STREAM-INF")) {
                    expectVariant = true;
                } else if (!l.isEmpty() && !l.startsWith("#")) {
                    if (expectVariant && variant == null) {
                        variant = l;
                    } else if (duration >= 0) {
                        segments.add(new Media(l, duration));
                        trailingParts.clear();
                    }
                    duration = -1;
                }
            }
            long nextMsn = sequence + skipped + segments.size();
            return new Playlist(sequence + skipped, target, segments, parts, nextMsn, trailingParts.size(),
                    lowLatency, variant);
        }
    }

    /**
     * Fetches like hls.js: on a Low-Latency playlist, a blocking reload for the next part and then
     * every part not fetched yet; on a plain one, a reload each target duration (half when nothing
     * changed) and each new segment once, starting three segments behind the live edge.
     */
    static final class HlsViewer extends Viewer {
        private final boolean plain;
        private final byte[] buffer = new byte[64 * 1024];

        HlsViewer(Shared shared, URI url, boolean plain) {
            super(shared, url);
            this.plain = plain;
        }

        private String text(URI uri) throws IOException {
            return new String(http.get(uri).readAllBytes(), StandardCharsets.UTF_8);
        }

        private void fetch(URI base, Media media) throws IOException {
            long fetchedAt = System.nanoTime();
            InputStream body = http.get(base.resolve(media.uri()));
            long bytes = 0;
            for (int n; (n = body.read(buffer)) > 0; ) {
                bytes += n;
            }
            firstMedia();
            if (shared.window.contains(fetchedAt)) {
                windowBytes.lazySet(windowBytes.get() + bytes);
                windowMediaMicros.lazySet(windowMediaMicros.get() + Math.round(media.seconds() * 1e6));
            }
        }

        @Override
        void view() throws IOException {
            URI media = url;
            Playlist first;
            shared.joinPermits.acquireUninterruptibly();
            try {
                first = Playlist.parse(text(media));
                if (first.variant() != null) {
                    media = media.resolve(first.variant());
                    first = Playlist.parse(text(media));
                }
            } finally {
                shared.joinPermits.release();
            }
            if (first.lowLatency() && !plain) {
                lowLatency(media, first);
            } else {
                plain(media, first);
            }
        }

        private void lowLatency(URI media, Playlist playlist) throws IOException {
            // Start at the newest part, as hls.js does at the live edge of a low-latency stream.
            String last = playlist.parts().isEmpty() ? null : playlist.parts().getLast().uri();
            if (last != null) {
                fetch(media, playlist.parts().getLast());
            }
            while (!shared.stopping) {
                String query = "_HLS_msn=" + playlist.nextMsn() + "&_HLS_part=" + playlist.nextPart() + "&_HLS_skip=YES";
                URI reload = URI.create(media.toString().replaceFirst("\\?.*$", "") + "?" + query);
                playlist = Playlist.parse(text(reload));
                List<Media> parts = playlist.parts();
                int from = 0;
                if (last != null) {
                    int at = indexOf(parts, last);
                    if (at < 0) {
                        // What this viewer fetched last has left the playlist: it fell behind.
                        missed.lazySet(missed.get() + 1);
                    }
                    from = at + 1;
                }
                for (Media part : parts.subList(from, parts.size())) {
                    fetch(media, part);
                    last = part.uri();
                }
            }
        }

        private void plain(URI media, Playlist playlist) throws IOException {
            long nextSequence = playlist.mediaSequence() + Math.max(0, playlist.segments().size() - PLAIN_START_SEGMENTS);
            while (!shared.stopping) {
                boolean changed = false;
                List<Media> segments = playlist.segments();
                if (nextSequence < playlist.mediaSequence()) {
                    missed.lazySet(missed.get() + playlist.mediaSequence() - nextSequence);
                    nextSequence = playlist.mediaSequence();
                }
                for (int i = (int) (nextSequence - playlist.mediaSequence()); i < segments.size(); i++) {
                    fetch(media, segments.get(i));
                    nextSequence++;
                    changed = true;
                }
                double wait = changed ? playlist.targetDuration() : playlist.targetDuration() / 2;
                LockSupport.parkNanos((long) (wait * 1e9));
                playlist = Playlist.parse(text(media));
            }
        }

        private static int indexOf(List<Media> parts, String uri) {
            for (int i = parts.size() - 1; i >= 0; i--) {
                if (parts.get(i).uri().equals(uri)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private static final String USAGE = """
            usage: HttpFanOut --url rtmp://HOST:PORT/APP/KEY [options]
              --flv URL            HTTP-FLV URL; {name} is the published stream's name (KEY-0)
              --flv-viewers N      HTTP-FLV viewers (default 0)
              --hls URL            HLS playlist URL (multivariant or media); {name} as above
              --hls-viewers N      HLS viewers (default 0)
              --hls-plain          fetch a Low-Latency playlist as a plain-HLS client does
              --bitrate-kbps K, --fps F, --gop-seconds S, --seconds S, --warmup-seconds S,
              --server-pid PID     as FanOut's
            Prints a table and one line "RESULT key=value ...".""";

    static Options parse(String[] args) {
        List<String> rtmpArgs = new ArrayList<>();
        Map<String, String> given = new LinkedHashMap<>();
        boolean plain = false;
        Set<String> own = Set.of("--flv", "--flv-viewers", "--hls", "--hls-viewers");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--hls-plain")) {
                plain = true;
            } else if (own.contains(args[i])) {
                if (i + 1 >= args.length) {
                    throw new FanOut.UsageException(args[i] + " needs a value");
                }
                given.put(args[i], args[++i]);
            } else {
                rtmpArgs.add(args[i]);
            }
        }
        FanOut.Options rtmp = FanOut.parse(rtmpArgs.toArray(String[]::new));
        int flv = Integer.parseInt(given.getOrDefault("--flv-viewers", "0"));
        int hls = Integer.parseInt(given.getOrDefault("--hls-viewers", "0"));
        if ((flv > 0 && !given.containsKey("--flv")) || (hls > 0 && !given.containsKey("--hls"))) {
            throw new FanOut.UsageException("viewers need the URL they view (--flv, --hls)");
        }
        if (flv + hls == 0) {
            throw new FanOut.UsageException("no viewers: give --flv-viewers or --hls-viewers");
        }
        return new Options(rtmp, given.get("--flv"), flv, given.get("--hls"), hls, plain);
    }

    public static void main(String[] args) throws InterruptedException {
        Options o;
        try {
            o = parse(args);
        } catch (FanOut.UsageException | NumberFormatException e) {
            if (e.getMessage() != null) {
                System.err.println("HttpFanOut: " + e.getMessage());
            }
            System.err.println(USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        System.exit(execute(o));
    }

    static int execute(Options o) throws InterruptedException {
        FanOut.Options r = o.rtmp();
        int viewers = o.flvViewers() + o.hlsViewers();
        long limitSeconds = (long) Math.ceil(r.warmupSeconds() + r.seconds()) + 120 + viewers / 20;
        Thread.ofPlatform().daemon().name("http-fanout-watchdog").start(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(limitSeconds));
                System.err.println("HttpFanOut: still running after " + limitSeconds + " s; giving up");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        FanOut.Run run = new FanOut.Run(r, limitSeconds);
        FanOut.Publisher publisher = new FanOut.Publisher(run, r.streamName(0));
        try {
            publisher.start();
        } catch (IOException | RuntimeException e) {
            System.err.println("HttpFanOut: cannot publish " + r.streamName(0) + ": " + e);
            return 1;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
        Thread pacer = Thread.ofPlatform().name("publisher").start(() -> publisher.pace(deadline));
        // Segmenters need a keyframe or two before there is a playlist to read.
        LockSupport.parkNanos((long) (Math.max(3, 2 * r.gopSeconds() + 1) * 1e9));

        Shared shared = new Shared(run.window, viewers);
        List<Viewer> all = new ArrayList<>();
        for (int i = 0; i < o.flvViewers(); i++) {
            all.add(new FlvViewer(shared, URI.create(o.url(o.flvUrl()))));
        }
        for (int i = 0; i < o.hlsViewers(); i++) {
            all.add(new HlsViewer(shared, URI.create(o.url(o.hlsUrl())), o.plainHls()));
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            threads.add(Thread.ofVirtual().name("viewer-" + i).start(all.get(i)));
        }
        boolean started = shared.firstMedia.await(30 + viewers / 50, TimeUnit.SECONDS);

        long start = System.nanoTime() + (long) (r.warmupSeconds() * 1e9);
        run.window.end = start + (long) (r.seconds() * 1e9);
        run.window.start = start;
        sleepUntil(start);
        long[] server0 = r.serverPid() > 0 ? ProcStats.cpuTicksSplit(r.serverPid()) : null;
        long requests0 = shared.requests.sum();
        sleepUntil(run.window.end);
        long[] server1 = r.serverPid() > 0 ? ProcStats.cpuTicksSplit(r.serverPid()) : null;
        long requests1 = shared.requests.sum();
        long rssKb = r.serverPid() > 0 ? ProcStats.statusKb(r.serverPid(), "VmRSS") : -1;
        sleepUntil(run.window.end + DELIVERY_GRACE_NANOS);
        shared.stopping = true;
        run.stopping = true;
        all.forEach(v -> v.http.close());
        publisher.close();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(2));
        }
        pacer.join(TimeUnit.SECONDS.toMillis(2));

        ProcStats.ClockTicks ticks = ProcStats.clockTicks();
        double seconds = run.window.seconds();
        double serverCpu = server0 == null || server1 == null ? -1 : (double) (server1[0] - server0[0]) / ticks.perSecond();
        long sent = publisher.windowBytes.get();
        List<Viewer> flv = all.subList(0, o.flvViewers());
        List<Viewer> hls = all.subList(o.flvViewers(), all.size());
        long bytes = all.stream().mapToLong(v -> v.windowBytes.get()).sum();
        double[] flvShare = flv.stream().mapToDouble(v -> sent == 0 ? 0 : 100.0 * v.windowBytes.get() / sent).sorted().toArray();
        double[] hlsShare = hls.stream().mapToDouble(v -> v.windowMediaMicros.get() / 1e4 / seconds).sorted().toArray();
        long missed = hls.stream().mapToLong(v -> v.missed.get()).sum();
        long hlsMissing = hls.stream().filter(v -> v.missed.get() > 0).count();
        double gb = bytes / 1e9;

        System.out.printf(Locale.ROOT, "viewers: %d HTTP-FLV, %d HLS%s; all started: %s%n", o.flvViewers(),
                o.hlsViewers(), o.plainHls() ? " (plain)" : "", started);
        System.out.printf(Locale.ROOT, "window %.1f s: delivered %.3f GB (%.0f Mbit/s), %d requests (%.0f/s)%n",
                seconds, gb, bytes * 8 / seconds / 1e6, requests1 - requests0, (requests1 - requests0) / seconds);
        if (flvShare.length > 0) {
            System.out.printf(Locale.ROOT, "HTTP-FLV media per viewer: min %.1f %%, median %.1f %% of what was sent%n",
                    flvShare[0], flvShare[flvShare.length / 2]);
        }
        if (hlsShare.length > 0) {
            System.out.printf(Locale.ROOT, "HLS media per viewer: min %.1f %%, median %.1f %% of the window's seconds;"
                    + " %d viewers missed %d segments or parts%n", hlsShare[0], hlsShare[hlsShare.length / 2],
                    hlsMissing, missed);
        }
        if (serverCpu >= 0) {
            System.out.printf(Locale.ROOT, "server: %.2f CPU-s, %.2f CPU-s per delivered GB, RSS %d MB%n", serverCpu,
                    gb > 0 ? serverCpu / gb : Double.NaN, rssKb / 1024);
        }
        shared.errors.forEach((what, n) -> System.out.println("error x" + n.sum() + ": " + what));
        System.out.printf(Locale.ROOT, "RESULT flv_viewers=%d hls_viewers=%d delivered_gb=%.4f requests_per_s=%.0f"
                        + " server_cpu_s=%.2f cpu_per_gb=%s rss_mb=%d flv_min_pct=%s flv_median_pct=%s"
                        + " hls_min_pct=%s hls_median_pct=%s hls_missed=%d errors=%d started=%s%n",
                o.flvViewers(), o.hlsViewers(), gb, (requests1 - requests0) / seconds, serverCpu,
                serverCpu >= 0 && gb > 0 ? String.format(Locale.ROOT, "%.2f", serverCpu / gb) : "na", rssKb / 1024,
                pct(flvShare, 0), pct(flvShare, flvShare.length / 2), pct(hlsShare, 0), pct(hlsShare, hlsShare.length / 2),
                missed, shared.errors.values().stream().mapToLong(LongAdder::sum).sum(), started);
        return shared.errors.isEmpty() && started ? 0 : 1;
    }

    private static String pct(double[] sorted, int i) {
        return sorted.length == 0 ? "na" : String.format(Locale.ROOT, "%.1f", sorted[i]);
    }

    private static void sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
