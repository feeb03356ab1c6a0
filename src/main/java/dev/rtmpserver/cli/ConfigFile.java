package dev.rtmpserver.cli;

import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The properties file given with {@code --config}. A line keyed by an option's long name without dashes
 * becomes that option's default, so a flag on the command line still wins; {@code app.NAME.KEY} lines are
 * per-application settings ({@link AppKey}). Any other key is an error, so that a typo is not ignored.
 */
final class ConfigFile {
    private static final ConfigFile NONE = new ConfigFile(new Properties(), Map.of());

    private final Properties optionValues;
    private final Map<String, Map<AppKey, String>> perApplication;

    private ConfigFile(Properties optionValues, Map<String, Map<AppKey, String>> perApplication) {
        this.optionValues = optionValues;
        this.perApplication = perApplication;
    }

    /**
     * The file that {@code args} name with {@code --config}, or none. It is read before picocli parses the
     * arguments, since its values are the defaults they are parsed against.
     */
    static ConfigFile of(String[] args, CommandLine cmd) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return read(Path.of(args[i + 1]), cmd);
            }
            if (args[i].startsWith("--config=")) {
                return read(Path.of(args[i].substring("--config=".length())), cmd);
            }
        }
        return NONE;
    }

    private static ConfigFile read(Path file, CommandLine cmd) {
        Properties lines = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            lines.load(reader);
        } catch (IOException e) {
            throw invalid(cmd, "cannot read '" + file + "': " + e.getMessage());
        }
        Properties optionValues = new Properties();
        Map<String, Map<AppKey, String>> perApplication = new HashMap<>();
        for (String key : lines.stringPropertyNames()) {
            String value = lines.getProperty(key).trim();
            String[] parts = key.split("\\.", 3);
            String retired = Options.RETIRED.get(parts.length == 3 && parts[0].equals("app") ? parts[2] : key);
            if (retired != null) {
                throw invalid(cmd, "'" + key + "' in " + file + " " + retired);
            }
            if (parts.length == 3 && parts[0].equals("app") && !parts[1].isEmpty()) {
                AppKey appKey = AppKey.of(parts[2]).orElseThrow(() -> invalid(cmd, "unknown per-application key '"
                        + key + "' (known: " + AppKey.allProperties() + ")"));
                perApplication.computeIfAbsent(parts[1], app -> new EnumMap<>(AppKey.class)).put(appKey, value);
                continue;
            }
            OptionSpec option = cmd.getCommandSpec().findOption("--" + key);
            if (option == null || !key(option).equals(Optional.of(key))) {
                throw invalid(cmd, "unknown key '" + key + "' in " + file);
            }
            optionValues.setProperty(key, value);
        }
        return new ConfigFile(optionValues, perApplication);
    }

    /** Defaults from this file where it sets the option, else from {@code next}. */
    IDefaultValueProvider over(IDefaultValueProvider next) {
        return arg -> {
            if (arg instanceof OptionSpec option) {
                Optional<String> value = key(option).map(optionValues::getProperty);
                if (value.isPresent()) {
                    return value.get();
                }
            }
            return next.defaultValue(arg);
        };
    }

    /** Whether the file sets the option with this key ({@code http-port}, say). */
    boolean sets(String key) {
        return optionValues.containsKey(key);
    }

    /** The {@code app.NAME.KEY} settings, by application name. */
    Map<String, Map<AppKey, String>> perApplication() {
        return perApplication;
    }

    /**
     * An option's key in the file: its long name without dashes. {@code --config} itself, {@code --help}
     * and {@code --version} have none, since they make no sense as defaults.
     */
    static Optional<String> key(OptionSpec option) {
        if (option.usageHelp() || option.versionHelp() || option.longestName().equals("--config")) {
            return Optional.empty();
        }
        return Optional.of(option.longestName().replaceFirst("^--", ""));
    }

    private static ParameterException invalid(CommandLine cmd, String why) {
        return new ParameterException(cmd, "Invalid value for option '--config': " + why);
    }
}
