package dev.rtmpserver.cli;

import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Collection;
import java.util.List;

/**
 * The Markdown reference of every flag and config-file key, rendered from picocli's model of {@link Options}
 * and from {@link AppKey} so that it cannot drift from the code. It has a section per option group, with
 * the group's heading in {@code --help}. The README embeds it, and a test fails when that copy is stale.
 * Prints it when run: {@code java -cp target/rtmp-server.jar dev.rtmpserver.cli.ConfigReference}.
 */
public final class ConfigReference {
    private ConfigReference() {
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }

    static String markdown() {
        StringBuilder md = new StringBuilder();
        CommandSpec spec = Options.commandLine(new Options()).getCommandSpec();
        for (ArgGroupSpec group : spec.argGroups()) {
            section(md, group.heading().replace("%n", "").strip(), group.options());
        }
        section(md, "Help", ungrouped(spec));
        md.append("### Per application (config file only)\n\n");
        md.append("NAME is the application, the first part of the stream's path (`live` in `rtmp://host/live/cam1`).\n\n");
        md.append("| property | default | meaning |\n|---|---|---|\n");
        for (AppKey key : AppKey.values()) {
            row(md, code(key.property() + " = " + key.valueLabel), code(key.defaultValue), key.description);
        }
        return md.toString();
    }

    private static void section(StringBuilder md, String heading, Collection<OptionSpec> options) {
        md.append("### ").append(heading).append("\n\n");
        md.append("| flag | property | default | meaning |\n|---|---|---|---|\n");
        for (OptionSpec option : options) {
            String flag = option.arity().max() > 0 ? option.longestName() + " " + option.paramLabel()
                    : option.longestName();
            row(md, code(flag), ConfigFile.key(option).map(ConfigReference::code).orElse(""),
                    code(Options.defaultValue(option)), String.join(" ", option.description()));
        }
        md.append('\n');
    }

    /** Only picocli's --help and --version may stand outside the groups, which --help shows with headings. */
    private static List<OptionSpec> ungrouped(CommandSpec spec) {
        List<OptionSpec> options = spec.options().stream().filter(o -> o.group() == null).toList();
        for (OptionSpec option : options) {
            if (!option.usageHelp() && !option.versionHelp()) {
                throw new IllegalStateException(option.longestName() + " belongs in one of the groups of Options");
            }
        }
        return options;
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
