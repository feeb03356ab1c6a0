package dev.rtmpserver.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Markdown reference of every flag and config-file key, rendered from picocli's model of {@link Main}
 * and from {@link AppKey} so that it cannot drift from the code. The README embeds it, and a test fails
 * when that copy is stale. Prints it when run:
 * {@code java -cp target/rtmp-server.jar dev.rtmpserver.cli.ConfigReference}.
 */
public final class ConfigReference {
    /**
     * Sections in the order the reference shows them. Each names the option that opens it in Main's
     * declaration order and takes the options declared after it up to the next section's opener, so a new
     * option appears next to its neighbours without being listed here.
     */
    private static final List<Section> SECTIONS = List.of(
            new Section("General", "--config"),
            new Section("RTMP listener", "--port"),
            new Section("Live streams", "--chunk-size"),
            new Section("Players", "--player-queue"),
            new Section("Timeouts", "--handshake-timeout"),
            new Section("Limits and shutdown", "--max-connections"),
            new Section("Recording", "--record-dir"),
            new Section("HTTP: metrics, API and dashboard", "--http-port"),
            new Section("RTMPS", "--tls-port"),
            new Section("Access control", "--on-publish"),
            new Section("Help", "--help"));

    private record Section(String heading, String firstOption) {
    }

    private ConfigReference() {
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }

    static String markdown() {
        StringBuilder md = new StringBuilder();
        sections(new CommandLine(new Main()).getCommandSpec()).forEach((section, options) -> {
            md.append("### ").append(section.heading()).append("\n\n");
            md.append("| flag | property | default | meaning |\n|---|---|---|---|\n");
            for (OptionSpec option : options) {
                String flag = option.arity().max() > 0 ? option.longestName() + " " + option.paramLabel()
                        : option.longestName();
                row(md, code(flag), Main.propertyKey(option).map(ConfigReference::code).orElse(""),
                        code(option.defaultValue()), String.join(" ", option.description()));
            }
            md.append('\n');
        });
        md.append("### Per application (config file only)\n\n");
        md.append("NAME is the application, the first part of the stream's path (`live` in `rtmp://host/live/cam1`).\n\n");
        md.append("| property | default | meaning |\n|---|---|---|\n");
        for (AppKey key : AppKey.values()) {
            row(md, code(key.property() + " = " + key.valueLabel), code(key.defaultValue), key.description);
        }
        return md.toString();
    }

    private static Map<Section, List<OptionSpec>> sections(CommandSpec spec) {
        Map<String, Section> openers = SECTIONS.stream().collect(Collectors.toMap(Section::firstOption, s -> s));
        Map<Section, List<OptionSpec>> result = new LinkedHashMap<>();
        SECTIONS.forEach(s -> result.put(s, new ArrayList<>()));
        Section current = null;
        for (OptionSpec option : spec.options()) {
            current = openers.getOrDefault(option.longestName(), current);
            if (current == null) {
                throw new IllegalStateException(option.longestName() + " is declared before any section's first option");
            }
            result.get(current).add(option);
        }
        result.forEach((section, options) -> {
            if (options.isEmpty()) {
                throw new IllegalStateException("no option " + section.firstOption() + " to open section " + section.heading());
            }
        });
        return result;
    }

    private static void row(StringBuilder md, String... cells) {
        md.append('|');
        for (String cell : cells) {
            // GitHub tables split cells at every unescaped pipe, even inside code spans.
            md.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        md.append('\n');
    }

    private static String code(String text) {
        return text == null ? "" : "`" + text + "`";
    }
}
