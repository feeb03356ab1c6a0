package dev.rtmpserver.tools;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.StreamUrl;
import dev.rtmpserver.wire.amf.AmfEcmaArray;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.media.VideoTag;
import dev.rtmpserver.wire.message.MessageType;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
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

/**
 * A fan-out load test against any RTMP server: synthetic publishers paced in real time, and many
 * players, each a virtual thread doing blocking reads with its own {@link RtmpClient}, all in one
 * JVM so that the send time stamped into every video frame can be compared with its arrival.
 *
 * <pre>java -cp rtmp-server-tools.jar dev.rtmpserver.tools.FanOut --url rtmp://127.0.0.1:1935/live/load \
 *      --players 200 --seconds 20 --server-pid 1234</pre>
 *
 * Once every player has joined and seen its first picture, and a warm-up has passed, a measured
 * window begins. Every audio and video frame carries its send time, so publisher and players agree
 * on which frames belong to the window: those sent inside it, counted wherever they arrive up to
 * two seconds after its end. The server's CPU time is sampled at the window's edges. The report is
 * a table and one {@code RESULT key=value ...} line.
 */
public final class FanOut {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
    /** A stamp further off than this is not one of ours (another publisher on the key, say). */
    private static final long PLAUSIBLE_DELAY_NANOS = TimeUnit.SECONDS.toNanos(60);
    /**
     * Joins in flight at once: several hundred joins a second on two cores, yet few enough that
     * the server's accept backlog and handshake timeout are never what is being tested.
     */
    private static final int JOIN_CONCURRENCY = 64;
    static final int DEFAULT_BITRATE_KBPS = 2500;
    static final int DEFAULT_FPS = 25;
    static final double DEFAULT_GOP_SECONDS = 2;
    private static final double AUDIO_KBPS = 64;
    private static final long DELIVERY_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Codes a healthy play session sees; anything else is shown in the report. */
    private static final Set<String> ORDINARY_STATUS = Set.of("NetStream.Play.Start", "NetStream.Play.Reset",
            "NetStream.Data.Start", "NetStream.Play.PublishNotify");

    private FanOut() {
    }

    record Options(String host, int port, String app, String key, int players, int streams, int bitrateKbps,
                   int fps, double gopSeconds, double seconds, double warmupSeconds, long serverPid) {
        String streamName(int i) {
            return key + "-" + i;
        }

        Stream stream() {
            return new Stream(bitrateKbps, fps, gopSeconds);
        }
    }

    /** What each publisher sends: the frames' sizes and how often they come. */
    record Stream(int bitrateKbps, int fps, double gopSeconds) {
        int gopFrames() {
            return (int) Math.max(1, Math.round(gopSeconds * fps));
        }

        /**
         * Inter frame size such that one keyframe of four times it plus the rest of the GOP
         * averages to the bitrate.
         */
        int interFrameBytes() {
            double average = bitrateKbps * 1000.0 / 8 / fps;
            int gop = gopFrames();
            return gop == 1 ? (int) Math.round(average) : (int) Math.round(average * gop / (gop + 3));
        }

        int keyFrameBytes() {
            return gopFrames() == 1 ? interFrameBytes() : 4 * interFrameBytes();
        }

        double audioFrameNanos() {
            return 1e9 * SyntheticMedia.AAC_SAMPLES_PER_FRAME / SyntheticMedia.AAC_SAMPLE_RATE;
        }

        int audioFrameBytes() {
            return (int) Math.round(AUDIO_KBPS * 1000 / 8 * audioFrameNanos() / 1e9);
        }
    }

    /** The measured window; until the players have joined both edges lie in the far future. */
    static final class Window {
        volatile long start = Long.MAX_VALUE;
        volatile long end = Long.MAX_VALUE;

        boolean contains(long nanos) {
            return nanos >= start && nanos < end;
        }

        double seconds() {
            return (end - start) / 1e9;
        }
    }

    /** What every thread of one run shares. */
    static final class Run {
        final Options options;
        final Window window = new Window();
        /** Every video frame's delay; keyframes, several times larger, also on their own. */
        final LatencyHistogram latency = new LatencyHistogram();
        final LatencyHistogram keyframeLatency = new LatencyHistogram();
        final LatencyHistogram audioLatency = new LatencyHistogram();
        final WorstPerSecond timeline;
        final Semaphore joinPermits = new Semaphore(JOIN_CONCURRENCY);
        final CountDownLatch joined;
        /** Counted down at each player's first picture, or when it gives up. */
        final CountDownLatch firstFrames;
        final Map<String, LongAdder> unusualStatus = new ConcurrentHashMap<>();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        final LongAdder foreignStamps = new LongAdder();
        volatile boolean stopping;
        /** How long the whole run may take before the watchdog ends the process. */
        final long limitSeconds;

        Run(Options options, long limitSeconds) {
            this.options = options;
            this.limitSeconds = limitSeconds;
            this.timeline = new WorstPerSecond((int) Math.ceil(options.seconds));
            this.joined = new CountDownLatch(options.players);
            this.firstFrames = new CountDownLatch(options.players);
        }

        void count(Map<String, LongAdder> map, String what) {
            map.computeIfAbsent(what, k -> new LongAdder()).increment();
        }
    }

    /**
     * One synthetic encoder. It runs on a platform thread of its own: on the virtual-thread
     * scheduler it would queue behind hundreds of players for the same few carriers, and its
     * pacing, not the server, would set the delays measured.
     */
    static final class Publisher {
        private final Run run;
        private final String name;
        private RtmpClient client;
        private int streamId;
        /** Single writer; read by the main thread after the window. */
        final AtomicLong windowBytes = new AtomicLong();
        final AtomicLong windowVideoFrames = new AtomicLong();
        final AtomicLong maxLateNanos = new AtomicLong();
        volatile String error;

        Publisher(Run run, String name) {
            this.run = run;
            this.name = name;
        }

        void start() throws IOException {
            Options o = run.options;
            client = RtmpClient.connect(o.host, o.port, o.app, true);
            streamId = client.createStream();
            client.publish(streamId, name);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("width", (double) SyntheticMedia.WIDTH);
            meta.put("height", (double) SyntheticMedia.HEIGHT);
            meta.put("framerate", (double) o.fps);
            meta.put("videocodecid", 7.0);
            meta.put("videodatarate", (double) o.bitrateKbps);
            meta.put("audiocodecid", 10.0);
            meta.put("audiodatarate", AUDIO_KBPS);
            meta.put("audiosamplerate", (double) SyntheticMedia.AAC_SAMPLE_RATE);
            meta.put("stereo", true);
            meta.put("encoder", "rtmp-server FanOut (synthetic)");
            client.sendData(streamId, 0, "@setDataFrame", "onMetaData", new AmfEcmaArray(meta));
            client.sendVideo(streamId, 0, SyntheticMedia.avcSequenceHeader(o.fps));
            client.sendAudio(streamId, 0, SyntheticMedia.aacSequenceHeader());
            // Acknowledgements and pings from the server must be read, or they would pile up
            // until the server's writes to this publisher block.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(run.limitSeconds);
            Thread.ofVirtual().name("drain-" + name).start(() -> drain(deadline));
        }

        private void drain(long deadline) {
            try {
                while (!run.stopping && System.nanoTime() - deadline < 0) {
                    try {
                        client.read();
                    } catch (SocketTimeoutException e) {
                        // Servers may say nothing to a publisher for a long time (nginx-rtmp does).
                    }
                }
            } catch (IOException e) {
                if (!run.stopping) {
                    error = "publisher " + name + " read: " + e;
                }
            }
        }

        /** Sends until the run stops or {@code deadline} passes, whichever is first. */
        void pace(long deadline) {
            Options o = run.options;
            double videoNanos = 1e9 / o.fps;
            Stream stream = o.stream();
            double audioNanos = stream.audioFrameNanos();
            int gop = stream.gopFrames();
            int inter = stream.interFrameBytes();
            int key = stream.keyFrameBytes();
            int audioBytes = stream.audioFrameBytes();
            long t0 = System.nanoTime();
            long videoCount = 0;
            long audioCount = 0;
            try {
                while (!run.stopping) {
                    long nextVideo = t0 + Math.round(videoCount * videoNanos);
                    long nextAudio = t0 + Math.round(audioCount * audioNanos);
                    boolean video = nextVideo <= nextAudio;
                    long due = video ? nextVideo : nextAudio;
                    if (due - deadline > 0) {
                        return;
                    }
                    sleepUntil(due);
                    // The stamp decides, here and in every player, whether a frame belongs to the
                    // window: a frame counts as delivered whenever it arrives, so the edges of the
                    // window cannot make a late frame look lost.
                    long stamp = System.nanoTime();
                    boolean measured = run.window.contains(stamp);
                    if (measured && stamp - due > maxLateNanos.get()) {
                        maxLateNanos.lazySet(stamp - due);
                    }
                    // An encoder stamps frames with their capture time, not the time it got round to sending.
                    int timestamp = (int) ((due - t0) / 1_000_000);
                    if (video) {
                        boolean keyframe = videoCount % gop == 0;
                        byte[] frame = SyntheticMedia.videoFrame(keyframe, keyframe ? key : inter, stamp);
                        client.sendVideo(streamId, timestamp, frame);
                        if (measured) {
                            windowBytes.lazySet(windowBytes.get() + frame.length);
                            windowVideoFrames.lazySet(windowVideoFrames.get() + 1);
                        }
                        videoCount++;
                    } else {
                        byte[] frame = SyntheticMedia.aacFrame(audioBytes, stamp);
                        client.sendAudio(streamId, timestamp, frame);
                        if (measured) {
                            windowBytes.lazySet(windowBytes.get() + frame.length);
                        }
                        audioCount++;
                    }
                }
            } catch (IOException e) {
                if (!run.stopping) {
                    error = "publisher " + name + " send: " + e;
                }
            }
        }

        void close() {
            try {
                if (client != null) {
                    client.close();
                }
            } catch (IOException e) {
                // closing at the end of the run; nothing left to report
            }
        }
    }

    /** One viewer: joins, then reads and counts until the run stops. */
    static final class Player implements Runnable {
        private final Run run;
        private final String name;
        private volatile RtmpClient client;
        volatile boolean playing;
        /** From the play command to the first video picture, as FirstFrame measures; -1 until there is one. */
        volatile long firstFrameNanos = -1;
        /** From the start of the TCP connect to the first picture, set-up included; -1 until there is one. */
        volatile long connectToFrameNanos = -1;
        final AtomicLong windowBytes = new AtomicLong();
        final AtomicLong windowVideoFrames = new AtomicLong();
        volatile String error;
        /** When the player stopped receiving before the end of the run; 0 if it did not. */
        volatile long failedAt;

        Player(Run run, String name) {
            this.run = run;
            this.name = name;
        }

        @Override
        public void run() {
            boolean counted = false;
            try {
                if (!run.joinPermits.tryAcquire(CLIENT_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS)) {
                    throw new IOException("no join slot within " + CLIENT_TIMEOUT.multipliedBy(3));
                }
                long begin;
                long playSent;
                try {
                    begin = System.nanoTime();
                    Options o = run.options;
                    client = RtmpClient.connect(o.host, o.port, o.app, true);
                    client.setReadTimeout(CLIENT_TIMEOUT);
                    int streamId = client.createStream();
                    playSent = System.nanoTime();
                    client.play(streamId, name);
                } finally {
                    run.joinPermits.release();
                }
                playing = true;
                counted = true;
                run.joined.countDown();
                receive(begin, playSent);
            } catch (IOException | RuntimeException e) {
                if (!run.stopping) {
                    error = e.getClass().getSimpleName() + ": " + e.getMessage();
                    failedAt = System.nanoTime();
                    run.count(run.errors, playing ? "while playing: " + error : "joining: " + error);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (!counted) {
                    run.joined.countDown();
                }
                if (firstFrameNanos < 0) {
                    run.firstFrames.countDown();
                }
                close();
            }
        }

        private void receive(long begin, long playSent) throws IOException {
            RtmpClient c = client;
            Window w = run.window;
            while (!run.stopping) {
                RawMessage m = c.read();
                long now = System.nanoTime();
                switch (m.typeId()) {
                    case MessageType.VIDEO -> {
                        byte[] p = m.payload();
                        if (!SyntheticMedia.isFrame(p)) {
                            continue;
                        }
                        if (firstFrameNanos < 0) {
                            firstFrameNanos = now - playSent;
                            connectToFrameNanos = now - begin;
                            run.firstFrames.countDown();
                        }
                        long stamp = SyntheticMedia.stampOf(true, p);
                        long delay = now - stamp;
                        if (stamp == Long.MIN_VALUE || delay < 0 || delay > PLAUSIBLE_DELAY_NANOS) {
                            run.foreignStamps.increment();
                        } else if (w.contains(stamp)) {
                            windowBytes.lazySet(windowBytes.get() + p.length);
                            windowVideoFrames.lazySet(windowVideoFrames.get() + 1);
                            run.latency.record(delay);
                            if (VideoTag.parse(p).keyframe()) {
                                run.keyframeLatency.record(delay);
                            }
                            run.timeline.record(stamp - w.start, delay);
                        }
                    }
                    case MessageType.AUDIO -> {
                        byte[] p = m.payload();
                        long stamp = SyntheticMedia.stampOf(false, p);
                        if (stamp != Long.MIN_VALUE && w.contains(stamp)) {
                            windowBytes.lazySet(windowBytes.get() + p.length);
                            long delay = now - stamp;
                            if (delay >= 0 && delay <= PLAUSIBLE_DELAY_NANOS) {
                                run.audioLatency.record(delay);
                            }
                        }
                    }
                    case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 -> noteStatus(m);
                    default -> {
                    }
                }
            }
        }

        /** Status messages are rare, so decoding them costs nothing worth saving. */
        private void noteStatus(RawMessage m) {
            try {
                List<Object> v = RtmpClient.values(m);
                if (v.size() > 3 && "onStatus".equals(v.get(0)) && v.get(3) instanceof Map<?, ?> info
                        && info.get("code") instanceof String code && !ORDINARY_STATUS.contains(code)) {
                    run.count(run.unusualStatus, code);
                }
            } catch (IOException e) {
                run.count(run.unusualStatus, "undecodable command: " + e.getMessage());
            }
        }

        void close() {
            RtmpClient c = client;
            if (c != null) {
                try {
                    c.close();
                } catch (IOException e) {
                    // closing at the end of the run; nothing left to report
                }
            }
        }
    }

    private static void sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static final String USAGE = """
            usage: FanOut --url rtmp://HOST:PORT/APP/KEY [options]
              --players N          players in total (default 100)
              --streams M          publishers on KEY-0 .. KEY-(M-1), players spread evenly (default 1)
              --bitrate-kbps K     video bitrate of each publisher (default 2500; audio adds 64)
              --fps F              video frames per second (default 25)
              --gop-seconds S      keyframe interval (default 2)
              --seconds S          measured window (default 20)
              --warmup-seconds S   wait after the last player joined, before measuring (default 3)
              --server-pid PID     the server's process, for its CPU time and memory (optional)
            Prints a table and one line "RESULT key=value ...".""";

    static Options parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        Set<String> known = Set.of("--url", "--players", "--streams", "--bitrate-kbps", "--fps", "--gop-seconds",
                "--seconds", "--warmup-seconds", "--server-pid");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                throw new UsageException(null);
            }
            if (!known.contains(args[i])) {
                throw new UsageException("unknown option " + args[i]);
            }
            if (i + 1 >= args.length) {
                throw new UsageException(args[i] + " needs a value");
            }
            given.put(args[i], args[++i]);
        }
        String url = given.get("--url");
        if (url == null) {
            throw new UsageException("--url is required");
        }
        StreamUrl stream;
        try {
            stream = StreamUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--url: " + e.getMessage());
        }
        int players = intOption(given, "--players", 100, 1, 100_000);
        int streams = intOption(given, "--streams", 1, 1, 10_000);
        int bitrate = intOption(given, "--bitrate-kbps", DEFAULT_BITRATE_KBPS, 16, 1_000_000);
        int fps = intOption(given, "--fps", DEFAULT_FPS, 1, 240);
        double gop = doubleOption(given, "--gop-seconds", DEFAULT_GOP_SECONDS, 0.01, 3600);
        double seconds = doubleOption(given, "--seconds", 20, 1, 86_400);
        double warmup = doubleOption(given, "--warmup-seconds", 3, 0, 3600);
        long pid = given.containsKey("--server-pid") ? intOption(given, "--server-pid", 0, 1, Integer.MAX_VALUE) : -1;
        if (pid > 0 && ProcStats.cpuTicks(pid) < 0) {
            throw new UsageException("--server-pid " + pid + ": no such process readable in /proc");
        }
        return new Options(stream.host(), stream.port(), stream.app(), stream.name(), players, streams, bitrate, fps, gop, seconds, warmup, pid);
    }

    private static int intOption(Map<String, String> given, String name, int dflt, int min, int max) {
        String v = given.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new UsageException(name + " must be between " + min + " and " + max + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, got " + v);
        }
    }

    private static double doubleOption(Map<String, String> given, String name, double dflt, double min, double max) {
        String v = given.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v);
            if (!(d >= min && d <= max)) {
                throw new UsageException(name + " must be between " + min + " and " + max + ", got " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number, got " + v);
        }
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Options o;
        try {
            o = parse(args);
        } catch (UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("FanOut: " + e.getMessage());
            }
            System.err.println(USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        System.exit(execute(o));
    }

    /**
     * Runs one load test and prints its report; returns the process exit status: 0 for a clean run,
     * 1 if any player or publisher failed.
     */
    static int execute(Options o) throws InterruptedException {
        // Joins take a bounded time each, so the whole run has a bound; past it something is stuck
        // and a benchmark script waiting on us must not hang.
        int joinLimitSeconds = 30 + o.players / 50;
        long limitSeconds = (long) Math.ceil(o.warmupSeconds + o.seconds + 2 * o.gopSeconds) + joinLimitSeconds + 40;
        Thread.ofPlatform().daemon().name("fanout-watchdog").start(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(limitSeconds));
                System.err.println("FanOut: still running after " + limitSeconds + " s; giving up");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ProcStats.ClockTicks ticks = ProcStats.clockTicks();
        Run run = new Run(o, limitSeconds);

        List<Publisher> publishers = new ArrayList<>();
        List<Thread> publisherThreads = new ArrayList<>();
        for (int i = 0; i < o.streams; i++) {
            Publisher p = new Publisher(run, o.streamName(i));
            publishers.add(p);
            try {
                p.start();
            } catch (IOException | RuntimeException e) {
                System.err.println("FanOut: cannot publish " + o.streamName(i) + " to " + o.host + ":" + o.port
                        + "/" + o.app + ": " + e);
                run.stopping = true;
                publishers.forEach(Publisher::close);
                return 1;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(run.limitSeconds);
            publisherThreads.add(Thread.ofPlatform().name("publisher-" + i).start(() -> p.pace(deadline)));
        }

        long joinStart = System.nanoTime();
        Player[] players = new Player[o.players];
        Thread[] playerThreads = new Thread[o.players];
        for (int i = 0; i < o.players; i++) {
            players[i] = new Player(run, o.streamName(i % o.streams));
            playerThreads[i] = Thread.ofVirtual().name("player-" + i).start(players[i]);
        }
        boolean allJoined = run.joined.await(joinLimitSeconds, TimeUnit.SECONDS);
        double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
        // A server without a GOP cache sends nothing until the next keyframe; measuring before
        // every player has its first picture would count that wait as undelivered bytes.
        run.firstFrames.await((long) Math.ceil(2 * o.gopSeconds) + 10, TimeUnit.SECONDS);

        long start = System.nanoTime() + (long) (o.warmupSeconds * 1e9);
        run.window.end = start + (long) (o.seconds * 1e9);
        run.window.start = start;
        sleepUntil(start);
        Instant windowWallClock = Instant.now();
        long self = ProcessHandle.current().pid();
        long[] server0 = o.serverPid > 0 ? ProcStats.cpuTicksSplit(o.serverPid) : null;
        long self0 = ProcStats.cpuTicks(self);
        ProcStats.HostTicks host0 = ProcStats.hostTicks();
        sleepUntil(run.window.end);
        long[] server1 = o.serverPid > 0 ? ProcStats.cpuTicksSplit(o.serverPid) : null;
        long self1 = ProcStats.cpuTicks(self);
        ProcStats.HostTicks host1 = ProcStats.hostTicks();
        long rssKb = o.serverPid > 0 ? ProcStats.statusKb(o.serverPid, "VmRSS") : -1;
        long threads = o.serverPid > 0 ? ProcStats.statusKb(o.serverPid, "Threads") : -1;
        // Frames sent just before the end are still on their way; a player that has not got them
        // by now is too far behind to call them delivered.
        sleepUntil(run.window.end + DELIVERY_GRACE_NANOS);

        run.stopping = true;
        for (Player p : players) {
            p.close();
        }
        publishers.forEach(Publisher::close);
        long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : playerThreads) {
            t.join(Duration.ofNanos(Math.max(1, joinDeadline - System.nanoTime())));
        }
        for (Thread t : publisherThreads) {
            t.join(Duration.ofNanos(Math.max(1, joinDeadline - System.nanoTime())));
        }

        Report r = new Report(o, run, publishers, players, ticks, allJoined, joinSeconds, windowWallClock,
                server0 == null || server1 == null ? -1 : server1[0] - server0[0],
                server0 == null || server1 == null ? -1 : server1[1] - server0[1], self1 - self0, host1.busySince(host0),
                host1.busyTicksSince(host0),
                rssKb, threads);
        // A run with failures still prints its figures, but a script must be able to tell.
        return r.print() && r.connected == o.players ? 0 : 1;
    }

    /** Turns the counters of one run into the table and the RESULT line. */
    static final class Report {
        private final Options o;
        private final Run run;
        private final List<Publisher> publishers;
        private final Player[] players;
        private final ProcStats.ClockTicks ticks;
        private final boolean allJoined;
        private final double joinSeconds;
        private final Instant windowWallClock;
        private final long serverTicks;
        private final long serverSystemTicks;
        private final long selfTicks;
        private final double hostBusy;
        private final long hostBusyTicks;
        private final long rssKb;
        private final long serverThreads;
        final int connected;

        Report(Options o, Run run, List<Publisher> publishers, Player[] players, ProcStats.ClockTicks ticks,
               boolean allJoined, double joinSeconds, Instant windowWallClock, long serverUserTicks,
               long serverSystemTicks, long selfTicks, double hostBusy, long hostBusyTicks, long rssKb,
               long serverThreads) {
            this.o = o;
            this.run = run;
            this.publishers = publishers;
            this.players = players;
            this.ticks = ticks;
            this.allJoined = allJoined;
            this.joinSeconds = joinSeconds;
            this.windowWallClock = windowWallClock;
            this.serverTicks = serverUserTicks < 0 ? -1 : serverUserTicks + serverSystemTicks;
            this.serverSystemTicks = serverSystemTicks;
            this.selfTicks = selfTicks;
            this.hostBusy = hostBusy;
            this.hostBusyTicks = hostBusyTicks;
            this.rssKb = rssKb;
            this.serverThreads = serverThreads;
            this.connected = (int) Arrays.stream(players).filter(p -> p.playing).count();
        }

        /** Prints the report; returns false if a player or publisher failed during the run. */
        boolean print() {
            double seconds = run.window.seconds();
            List<Double> kbps = new ArrayList<>();
            List<Double> fraction = new ArrayList<>();
            List<Double> frameFraction = new ArrayList<>();
            List<Double> firstFrame = new ArrayList<>();
            List<Double> connectToFrame = new ArrayList<>();
            long delivered = 0;
            int failedWhilePlaying = 0;
            int withoutFirstFrame = 0;
            for (int i = 0; i < players.length; i++) {
                Player p = players[i];
                if (!p.playing) {
                    continue;
                }
                Publisher source = publishers.get(i % o.streams);
                long bytes = p.windowBytes.get();
                delivered += bytes;
                kbps.add(bytes * 8 / seconds / 1000);
                long expected = source.windowBytes.get();
                fraction.add(expected == 0 ? 0 : (double) bytes / expected);
                long frames = source.windowVideoFrames.get();
                frameFraction.add(frames == 0 ? 0 : (double) p.windowVideoFrames.get() / frames);
                if (p.firstFrameNanos >= 0) {
                    firstFrame.add(p.firstFrameNanos / 1e6);
                    connectToFrame.add(p.connectToFrameNanos / 1e6);
                } else {
                    withoutFirstFrame++;
                }
                if (p.failedAt != 0) {
                    failedWhilePlaying++;
                }
            }
            long sent = publishers.stream().mapToLong(p -> p.windowBytes.get()).sum();
            double pubKbps = sent * 8 / seconds / 1000 / o.streams;
            double pubLateMs = publishers.stream().mapToLong(p -> p.maxLateNanos.get()).max().orElse(0) / 1e6;
            double cpuS = serverTicks < 0 ? Double.NaN : (double) serverTicks / ticks.perSecond();
            double clientCpuS = selfTicks < 0 ? Double.NaN : (double) selfTicks / ticks.perSecond();
            double gb = delivered / 1e9;
            LatencyHistogram h = run.latency;

            Map<String, String> result = new LinkedHashMap<>();
            result.put("players", Integer.toString(connected));
            result.put("players_requested", Integer.toString(o.players));
            result.put("streams", Integer.toString(o.streams));
            result.put("window_s", fmt(seconds, 1));
            result.put("delivered_gb", fmt(gb, 3));
            result.put("cpu_s", fmt(cpuS, 2));
            result.put("cpu_s_per_gb", fmt(cpuS / gb, 2));
            result.put("cpu_sys_s", serverTicks < 0 ? "na" : fmt((double) serverSystemTicks / ticks.perSecond(), 2));
            result.put("rss_mb", rssKb < 0 ? "na" : fmt(rssKb / 1024.0, 0));
            result.put("lat_p50_ms", fmt(h.quantileMillis(0.50), 1));
            result.put("lat_p99_ms", fmt(h.quantileMillis(0.99), 1));
            result.put("lat_max_ms", fmt(h.maxMillis(), 1));
            result.put("lat_ge40ms", Long.toString(h.countAtLeast(40)));
            result.put("key_p50_ms", fmt(run.keyframeLatency.quantileMillis(0.50), 1));
            result.put("key_p99_ms", fmt(run.keyframeLatency.quantileMillis(0.99), 1));
            result.put("audio_p50_ms", fmt(run.audioLatency.quantileMillis(0.50), 1));
            result.put("audio_p99_ms", fmt(run.audioLatency.quantileMillis(0.99), 1));
            result.put("min_kbps", fmt(min(kbps), 0));
            result.put("med_kbps", fmt(median(kbps), 0));
            result.put("min_frac", fmt(min(fraction), 4));
            result.put("med_frac", fmt(median(fraction), 4));
            result.put("min_frame_frac", fmt(min(frameFraction), 4));
            result.put("ttff_med_ms", fmt(median(firstFrame), 1));
            result.put("ttff_max_ms", fmt(max(firstFrame), 1));
            result.put("conn_ff_med_ms", fmt(median(connectToFrame), 1));
            result.put("conn_ff_max_ms", fmt(max(connectToFrame), 1));
            result.put("join_s", fmt(joinSeconds, 2));
            result.put("failed_playing", Integer.toString(failedWhilePlaying));
            result.put("pub_kbps", fmt(pubKbps, 0));
            result.put("pub_late_max_ms", fmt(pubLateMs, 1));
            result.put("client_cpu_s", fmt(clientCpuS, 2));
            result.put("host_busy_pct", fmt(hostBusy * 100, 0));
            // What neither the server nor this client used: other programs competing for the CPUs.
            result.put("other_cpu_s", serverTicks < 0 ? "na"
                    : fmt((double) (hostBusyTicks - serverTicks - selfTicks) / ticks.perSecond(), 2));
            result.put("server_threads", serverThreads < 0 ? "na" : Long.toString(serverThreads));

            System.out.printf(Locale.ROOT, "FanOut %s:%d/%s/%s-* : %d stream(s) x %d kbit/s video + %.0f audio, "
                            + "%d fps, GOP %s s (key %d B, inter %d B), window %.1f s%n",
                    o.host, o.port, o.app, o.key, o.streams, o.bitrateKbps, AUDIO_KBPS, o.fps, fmt(o.gopSeconds, 2),
                    o.stream().keyFrameBytes(), o.stream().interFrameBytes(), seconds);
            row("players connected", connected + " / " + o.players + (allJoined ? "" : " (join timed out)")
                    + String.format(Locale.ROOT, ", joined in %.2f s", joinSeconds));
            row("delivered kbit/s per player (min / median)", result.get("min_kbps") + " / " + result.get("med_kbps")
                    + "   (publisher sent " + result.get("pub_kbps") + ")");
            row("fraction of bytes delivered (min / median)", result.get("min_frac") + " / " + result.get("med_frac"));
            row("fraction of video frames (min)", result.get("min_frame_frac"));
            row("latency p50 / p99 / max (ms)", result.get("lat_p50_ms") + " / " + result.get("lat_p99_ms") + " / "
                    + result.get("lat_max_ms") + "   (" + h.count() + " frames, " + h.countAtLeast(40)
                    + " >= 40 ms)");
            row("  of which keyframes, p50 / p99 (ms)", result.get("key_p50_ms") + " / " + result.get("key_p99_ms")
                    + "   (" + run.keyframeLatency.count() + " frames)");
            row("audio latency p50 / p99 (ms)", result.get("audio_p50_ms") + " / " + result.get("audio_p99_ms")
                    + "   (" + run.audioLatency.count() + " frames)");
            row("first frame from play, median / max (ms)", result.get("ttff_med_ms") + " / "
                    + result.get("ttff_max_ms")
                    + (withoutFirstFrame > 0 ? "   (" + withoutFirstFrame + " players got none)" : ""));
            row("first frame from connect, median / max (ms)", result.get("conn_ff_med_ms") + " / "
                    + result.get("conn_ff_max_ms"));
            row("server CPU (s), of which in the kernel", result.get("cpu_s") + ", " + result.get("cpu_sys_s")
                    + (ticks.assumed() ? "   (assuming 100 ticks/s)" : ""));
            row("delivered (GB)", result.get("delivered_gb"));
            row("server CPU-s per delivered GB", result.get("cpu_s_per_gb"));
            row("server RSS (MB) / threads", result.get("rss_mb") + " / " + result.get("server_threads"));
            row("load client CPU (s) / machine busy", result.get("client_cpu_s") + " / " + result.get("host_busy_pct")
                    + " % of " + Runtime.getRuntime().availableProcessors() + " CPUs");
            row("CPU (s) used by other processes", result.get("other_cpu_s"));
            row("publisher pacing, latest send (ms)", result.get("pub_late_max_ms"));
            int worst = run.timeline.worstSecond();
            if (worst >= 0) {
                // Wall-clock time, so a spike can be matched with GC or system logs.
                row("worst second of the window", String.format(Locale.ROOT, "+%d s (%s): max %.1f ms; %d of %d "
                                + "seconds had a frame >= 40 ms",
                        worst, TIME.format(windowWallClock.plusSeconds(worst)), run.timeline.maxMillis(worst),
                        run.timeline.secondsAtLeast(40), run.timeline.seconds()));
            }
            if (failedWhilePlaying > 0 || !run.errors.isEmpty()) {
                row("players that failed while playing", Integer.toString(failedWhilePlaying));
                run.errors.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                        .limit(5).forEach(e -> System.out.printf(Locale.ROOT, "    %5d x %s%n", e.getValue().sum(),
                                e.getKey()));
            }
            for (Publisher p : publishers) {
                if (p.error != null) {
                    System.out.println("  " + p.error);
                }
            }
            run.unusualStatus.forEach((code, n) -> System.out.printf(Locale.ROOT, "  status %s received %d times%n",
                    code, n.sum()));
            if (run.foreignStamps.sum() > 0) {
                System.out.println("  " + run.foreignStamps.sum() + " video frames without a plausible send stamp");
            }
            if (hostBusy > 0.9) {
                System.out.println("  warning: the machine was over 90 % busy (this client " + result.get("client_cpu_s")
                        + " CPU-s, other processes " + result.get("other_cpu_s")
                        + "): the figures may show the CPUs' limit, not the server's");
            }
            StringBuilder line = new StringBuilder("RESULT");
            result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            System.out.println(line);
            System.out.flush();
            return failedWhilePlaying == 0 && publishers.stream().allMatch(p -> p.error == null);
        }

        private static void row(String label, String value) {
            System.out.printf(Locale.ROOT, "  %-44s %s%n", label, value);
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private static String fmt(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "na";
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }
}
