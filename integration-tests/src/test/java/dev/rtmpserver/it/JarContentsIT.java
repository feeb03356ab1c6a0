package dev.rtmpserver.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What mvn package ships: the server jar, alone and in the installation, holds the server and not
 * the RTMP client, the load tools or the benchmarks; those are in target/rtmp-server-tools.jar,
 * which needs nothing but the server jar and JMH.
 */
class JarContentsIT {
    private static final Path TARGET = Path.of(System.getProperty("rtmp.projectDir", "."), "target");
    private static final Pattern NOT_SHIPPED = Pattern.compile(
            "dev/rtmpserver/(client|tools|bench)/.*|.*jmh.*|.*Benchmark.*|org/junit/.*", Pattern.CASE_INSENSITIVE);
    /** A line of jdeps --missing-deps: a class and a class it uses that is on no given path. */
    private static final Pattern MISSING = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+not found$");

    @Test
    void theServerJarHoldsNoClientToolOrBenchmark() throws IOException {
        for (Path jar : List.of(TARGET.resolve("rtmp-server.jar"), TARGET.resolve("rtmp-server/lib/rtmp-server.jar"))) {
            List<String> entries = entries(jar);
            assertTrue(entries.contains("dev/rtmpserver/cli/Main.class"), jar + " is the server jar: " + entries);
            List<String> extra = entries.stream().filter(e -> NOT_SHIPPED.matcher(e).matches()).toList();
            assertEquals(List.of(), extra, jar + " holds only the server");
        }
    }

    @Test
    void theToolsJarHoldsTheToolsAndNeedsOnlyTheServerJarAndJmh() throws IOException {
        Path tools = TARGET.resolve("rtmp-server-tools.jar");
        List<String> entries = entries(tools);
        for (String expected : List.of("dev/rtmpserver/client/RtmpClient.class", "dev/rtmpserver/tools/FanOut.class",
                "dev/rtmpserver/session/OutboundBenchmark.class", "META-INF/BenchmarkList")) {
            assertTrue(entries.contains(expected), tools + " holds " + expected);
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(
                () -> new AssertionError("no jdeps in " + System.getProperty("java.home")));
        StringWriter out = new StringWriter();
        int code = jdeps.run(new PrintWriter(out, true), new PrintWriter(out, true), "--missing-deps",
                "-cp", TARGET.resolve("rtmp-server.jar").toString(), tools.toString());
        assertEquals(0, code, out.toString());
        List<String> missing = out.toString().lines().map(MISSING::matcher).filter(Matcher::matches)
                .map(m -> m.group(1) + " -> " + m.group(2)).filter(d -> !d.contains(" -> org.openjdk.jmh."))
                .toList();
        assertEquals(List.of(), missing, "classes the tools use that are neither in the server jar nor JMH");
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(ZipEntry::getName).toList();
        }
    }
}
