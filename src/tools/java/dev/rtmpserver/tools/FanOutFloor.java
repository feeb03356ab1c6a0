package dev.rtmpserver.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The least CPU a live fan-out costs in two designs, with no RTMP in the way: one publishing
 * thread paces FanOut's default stream and hands every message to every player, whose bytes go to
 * a loopback socket. The designs differ in who writes a player's socket:
 * <ul>
 *   <li>{@code writer-threads}: each player's own virtual writer thread, woken for each message
 *       through a lock-free queue, as rtmp-server does it (and, as there, a writer that wakes
 *       behind takes several messages at once);</li>
 *   <li>{@code direct}: the publishing thread itself, one player after another, as nginx-rtmp's
 *       event loop does it.</li>
 * </ul>
 * The ratio of the two is what waking a thread of its own for each message and player costs. Each
 * run is a fresh JVM with this one's JVM options; another JVM drains the sockets, and only the
 * writing process's CPU counts. A run counts only if every byte reached every socket. The designs
 * alternate, round after round.
 *
 * <pre>java -cp rtmp-server-tools.jar dev.rtmpserver.tools.FanOutFloor PLAYERS [ROUNDS [SECONDS]]</pre>
 */
public final class FanOutFloor {
    private static final FanOut.Stream STREAM =
            new FanOut.Stream(FanOut.DEFAULT_BITRATE_KBPS, FanOut.DEFAULT_FPS, FanOut.DEFAULT_GOP_SECONDS);
    private static final int WARMUP_SECONDS = 3;
    /** Below this many clock ticks of CPU in a window, /proc's resolution decides the ratio. */
    private static final long MIN_TICKS_TO_COMPARE = 50;
    /** As rtmp-server's player writes: batches gathered up to this size, larger frames unbuffered. */
    private static final int WRITE_BUFFER_BYTES = 16 * 1024;
    private static final List<String> DESIGNS = List.of("writer-threads", "direct");

    private FanOutFloor() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--sink")) {
            sink();
        } else if (args.length == 5 && args[0].equals("--run")) {
            run(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else if (args.length >= 1 && args.length <= 3 && Arrays.stream(args).allMatch(a -> a.matches("[1-9][0-9]{0,5}"))) {
            int players = Integer.parseInt(args[0]);
            int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
            int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
            compare(players, rounds, seconds);
        } else {
            System.err.println("usage: FanOutFloor PLAYERS [ROUNDS (3)] [SECONDS (15)]");
            System.exit(2);
        }
    }

    /** One run's figures, as its process reports them. */
    private record Run(String design, double cpuSeconds, double kernelSeconds, long ticks, double gigabytes) {
        double cpuPerGb() {
            return cpuSeconds / gigabytes;
        }

        static Run parse(String line) {
            Map<String, String> f = new HashMap<>();
            for (String kv : line.substring("RESULT ".length()).split(" ", -1)) {
                int eq = kv.indexOf('=');
                f.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            double perSecond = Double.parseDouble(f.get("ticks_per_second"));
            long ticks = Long.parseLong(f.get("cpu_ticks"));
            return new Run(f.get("design"), ticks / perSecond, Long.parseLong(f.get("kernel_ticks")) / perSecond,
                    ticks, Long.parseLong(f.get("bytes")) / 1e9);
        }
    }

    private static void compare(int players, int rounds, int seconds) throws Exception {
        System.out.printf(Locale.ROOT, "FanOutFloor: %d players, video %d kbit/s at %d fps (key %d B, inter %d B)"
                        + " + audio %d B every %.1f ms, %d s measured after %d s, %d rounds%n",
                players, STREAM.bitrateKbps(), STREAM.fps(), STREAM.keyFrameBytes(), STREAM.interFrameBytes(),
                STREAM.audioFrameBytes(), STREAM.audioFrameNanos() / 1e6, seconds, WARMUP_SECONDS, rounds);
        Process sink = child("--sink");
        try {
            String port = new BufferedReader(new InputStreamReader(sink.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            if (port == null) {
                throw new IOException("the sink process did not start");
            }
            Map<String, List<Run>> runs = new HashMap<>();
            for (int round = 1; round <= rounds; round++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  round %d", round));
                for (int i = 0; i < DESIGNS.size(); i++) {
                    // Alternate which design goes first, so that neither always runs on a warmer machine.
                    String design = DESIGNS.get(round % 2 == 1 ? i : DESIGNS.size() - 1 - i);
                    Run run = runChild(design, port, players, seconds);
                    runs.computeIfAbsent(design, d -> new ArrayList<>()).add(run);
                    line.append(String.format(Locale.ROOT, "   %s %.2f CPU-s/GB (kernel %.2f of %.2f s)", design,
                            run.cpuPerGb(), run.kernelSeconds(), run.cpuSeconds()));
                }
                System.out.println(line);
            }
            List<Run> threads = runs.get("writer-threads");
            List<Run> direct = runs.get("direct");
            double ratio = median(threads) / median(direct);
            boolean comparable = runs.values().stream().flatMap(List::stream)
                    .allMatch(r -> r.ticks() >= MIN_TICKS_TO_COMPARE);
            System.out.printf(Locale.ROOT, "  CPU-s per GB, median (min-max): writer-threads %s, direct %s, ratio %s%n",
                    spread(threads), spread(direct), comparable ? String.format(Locale.ROOT, "%.2f", ratio)
                            : "na (too little CPU in a window to tell apart; run more players or seconds)");
            System.out.printf(Locale.ROOT, "RESULT players=%d rounds=%d writer_threads_cpu_s_per_gb=%.3f"
                            + " direct_cpu_s_per_gb=%.3f ratio=%s%n", players, rounds, median(threads), median(direct),
                    comparable ? String.format(Locale.ROOT, "%.3f", ratio) : "na");
        } finally {
            sink.destroy();
        }
    }

    private static Run runChild(String design, String port, int players, int seconds) throws Exception {
        Process p = child("--run", design, port, Integer.toString(players), Integer.toString(seconds));
        // The run bounds itself; this only keeps a wedged process from stopping the comparison.
        if (!p.waitFor(WARMUP_SECONDS + seconds + 120L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(design + " run did not end");
        }
        // A few lines at most: they fit in the pipe, so reading after the exit cannot block.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        // JVM options passed on to the run (-Xlog, say) may print lines of their own.
        String result = out.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b).orElse(null);
        if (p.exitValue() != 0 || result == null) {
            throw new IOException(design + " run failed: " + out);
        }
        return Run.parse(result);
    }

    private static Process child(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FanOutFloor.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static double median(List<Run> runs) {
        double[] v = runs.stream().mapToDouble(Run::cpuPerGb).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String spread(List<Run> runs) {
        DoubleSummaryStatistics s = runs.stream().mapToDouble(Run::cpuPerGb).summaryStatistics();
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", median(runs), s.getMin(), s.getMax());
    }

    /**
     * Accepts players' sockets and reads them as fast as they come; prints its port first, and
     * ends when the comparing process does (its standard input closes).
     */
    private static void sink() throws IOException {
        ServerSocket server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        System.out.println(server.getLocalPort());
        System.out.flush();
        Thread.ofVirtual().start(() -> {
            try {
                System.in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the parent is gone either way
            }
            Runtime.getRuntime().halt(0);
        });
        while (true) {
            Socket s = server.accept();
            Thread.ofVirtual().start(() -> {
                try (InputStream in = s.getInputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the writing process ended its run
                }
            });
        }
    }

    /** What the publisher measured over the window, and handed to each player over the whole run. */
    private record Measured(long cpuTicks, long kernelTicks, long windowBytesPerPlayer, long bytesPerPlayer) {
    }

    /** One measured run of one design; prints a single RESULT line, or why it failed. */
    private static void run(String design, int port, int players, int seconds) throws Exception {
        if (!DESIGNS.contains(design)) {
            throw new IllegalArgumentException("design " + design);
        }
        boolean direct = design.equals("direct");
        Player[] all = new Player[players];
        for (int i = 0; i < players; i++) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            all[i] = new Player(socket.getOutputStream());
            if (!direct) {
                all[i].startWriter();
            }
        }
        FutureTask<Measured> publisher = new FutureTask<>(() -> publish(all, direct, seconds));
        Thread.ofVirtual().start(publisher);
        Measured m;
        try {
            m = publisher.get(WARMUP_SECONDS + seconds + 60L, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            fail("the publisher failed: " + (e instanceof ExecutionException ? e.getCause() : "it did not finish"));
            return;
        }
        // Every byte must have reached its socket, or a design would look cheaper by not writing.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Arrays.stream(all).anyMatch(p -> p.written != m.bytesPerPlayer()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long behind = Arrays.stream(all).filter(p -> p.written != m.bytesPerPlayer()).count();
        if (behind > 0) {
            fail(behind + " of " + players + " players' sockets did not take every byte"
                    + Arrays.stream(all).map(p -> p.failure).filter(e -> e != null).findFirst()
                    .map(e -> ": " + e).orElse(""));
            return;
        }
        System.out.printf(Locale.ROOT, "RESULT design=%s players=%d bytes=%d cpu_ticks=%d kernel_ticks=%d"
                        + " ticks_per_second=%d%n", design, players, m.windowBytesPerPlayer() * players, m.cpuTicks(),
                m.kernelTicks(), ProcStats.clockTicks().perSecond());
        System.out.flush();
        // The writer threads and sockets go with the process.
        Runtime.getRuntime().halt(0);
    }

    private static void fail(String why) {
        System.out.println(why);
        System.out.flush();
        Runtime.getRuntime().halt(1);
    }

    /** Paces the stream for the warm-up and the window, handing each message to every player. */
    private static Measured publish(Player[] all, boolean direct, int seconds) throws IOException {
        byte[] key = new byte[STREAM.keyFrameBytes()];
        byte[] inter = new byte[STREAM.interFrameBytes()];
        byte[] audio = new byte[STREAM.audioFrameBytes()];
        long pid = ProcessHandle.current().pid();
        long t0 = System.nanoTime();
        long measureFrom = t0 + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        long videoCount = 0;
        long audioCount = 0;
        long handed = 0;
        long handedBeforeWindow = 0;
        long[] cpuFrom = null;
        while (true) {
            long nextVideo = t0 + videoCount * 1_000_000_000L / STREAM.fps();
            long nextAudio = t0 + Math.round(audioCount * STREAM.audioFrameNanos());
            boolean video = nextVideo <= nextAudio;
            long due = Math.min(nextVideo, nextAudio);
            if (cpuFrom == null && due >= measureFrom) {
                cpuFrom = cpuTicks(pid);
                handedBeforeWindow = handed;
            }
            if (due >= end) {
                break;
            }
            LockSupport.parkNanos(due - System.nanoTime());
            byte[] message = video ? (videoCount % STREAM.gopFrames() == 0 ? key : inter) : audio;
            if (video) {
                videoCount++;
            } else {
                audioCount++;
            }
            for (Player p : all) {
                if (direct) {
                    p.write(message, message.length);
                } else {
                    p.offer(message);
                }
            }
            handed += message.length;
        }
        long[] cpuTo = cpuTicks(pid);
        return new Measured(cpuTo[0] - cpuFrom[0] + cpuTo[1] - cpuFrom[1], cpuTo[1] - cpuFrom[1],
                handed - handedBeforeWindow, handed);
    }

    private static long[] cpuTicks(long pid) throws IOException {
        long[] ticks = ProcStats.cpuTicksSplit(pid);
        if (ticks == null) {
            throw new IOException("cannot read /proc/" + pid + "/stat");
        }
        return ticks;
    }

    /**
     * A player: its socket, and for the writer-threads design a queue like rtmp-server's, reduced to
     * its core: messages pushed on a stack with one compare-and-set, which the writer takes whole.
     */
    // WAITING is a sentinel: the stack's head is compared with it by identity, never by value.
    @SuppressWarnings("ReferenceEquality")
    private static final class Player {
        private static final Node WAITING = new Node(null, null);
        private final OutputStream out;
        private final AtomicReference<Node> head = new AtomicReference<>();
        private final byte[] buffer = new byte[WRITE_BUFFER_BYTES];
        private volatile Thread writer;
        /** Bytes the socket has taken; changed by one thread only, the one that writes the player. */
        volatile long written;
        volatile IOException failure;

        Player(OutputStream out) {
            this.out = out;
        }

        void startWriter() {
            Thread t = Thread.ofVirtual().unstarted(this::drain);
            writer = t;
            t.start();
        }

        void offer(byte[] message) {
            while (true) {
                Node h = head.get();
                if (head.compareAndSet(h, new Node(message, h == WAITING ? null : h))) {
                    if (h == WAITING) {
                        LockSupport.unpark(writer);
                    }
                    return;
                }
            }
        }

        private void drain() {
            try {
                while (true) {
                    Node h = head.get();
                    if (h == null || h == WAITING) {
                        if (h == WAITING || head.compareAndSet(null, WAITING)) {
                            LockSupport.park(this);
                        }
                    } else if (head.compareAndSet(h, null)) {
                        writeBatch(h);
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        /**
         * Writes a batch, newest first on the stack, oldest first on the wire: a lone message as it
         * is, several gathered into as few writes as the buffer allows.
         */
        private void writeBatch(Node newest) throws IOException {
            if (newest.next == null) {
                write(newest.message, newest.message.length);
                return;
            }
            Node oldest = null;
            for (Node n = newest; n != null; n = n.next) {
                oldest = new Node(n.message, oldest);
            }
            int count = 0;
            for (Node n = oldest; n != null; n = n.next) {
                byte[] m = n.message;
                if (count + m.length > buffer.length && count > 0) {
                    write(buffer, count);
                    count = 0;
                }
                if (m.length >= buffer.length) {
                    write(m, m.length);
                } else {
                    System.arraycopy(m, 0, buffer, count, m.length);
                    count += m.length;
                }
            }
            if (count > 0) {
                write(buffer, count);
            }
        }

        // Only the player's writer updates written; volatile is for the thread that waits on it.
        @SuppressWarnings("NonAtomicVolatileUpdate")
        void write(byte[] bytes, int length) throws IOException {
            out.write(bytes, 0, length);
            written += length;
        }
    }

    private record Node(byte[] message, Node next) {
    }
}
