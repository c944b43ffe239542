package pier.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * The command line and environment of one launch, turned into configuration: the options given win
 * over the configuration file, which wins over the defaults.
 */
final class LaunchOptions {

    private static final Path DEFAULT_CONFIG = Path.of("pier-config.yaml");

    private final Map<LaunchOption, String> values;

    private LaunchOptions(Map<LaunchOption, String> values) {
        this.values = values;
    }

    /**
     * Reads the environment first, then the flags over it.
     *
     * @throws UsageException for an unknown flag or a flag without its value
     */
    static LaunchOptions parse(String[] args, Map<String, String> environment) {
        Map<LaunchOption, String> values = new EnumMap<>(LaunchOption.class);
        for (LaunchOption option : LaunchOption.values()) {
            Optional.ofNullable(environment.get(option.environmentVariable())).filter(v -> !v.isBlank())
                    .ifPresent(value -> values.put(option, value));
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            String flag = equals > 0 ? arg.substring(0, equals) : arg;
            LaunchOption option = byFlag(flag);
            if (equals > 0) {
                values.put(option, arg.substring(equals + 1));
            } else if (i + 1 < args.length) {
                values.put(option, args[++i]);
            } else {
                throw new UsageException(flag + " needs a value");
            }
        }
        return new LaunchOptions(values);
    }

    /** The configuration: these options over the configuration file over the defaults. */
    Config config() {
        Map<String, String> overrides = new LinkedHashMap<>();
        values.forEach((option, value) -> {
            if (option.configKey() != null) {
                overrides.put(option.configKey(), value);
            }
        });
        Config.Builder config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(overrides).name("command line and environment"));
        configFile().ifPresent(file -> config.addSource(ConfigSources.file(file).optional(false)));
        return config.build();
    }

    private Optional<Path> configFile() {
        String given = values.get(LaunchOption.CONFIG);
        if (given != null) {
            Path file = Path.of(given);
            if (!Files.isReadable(file)) {
                throw new UsageException("configuration file " + file.toAbsolutePath() + " cannot be read");
            }
            return Optional.of(file);
        }
        return Files.isReadable(DEFAULT_CONFIG) ? Optional.of(DEFAULT_CONFIG) : Optional.empty();
    }

    private static LaunchOption byFlag(String flag) {
        return Arrays.stream(LaunchOption.values()).filter(option -> option.flag().equals(flag)).findFirst()
                .orElseThrow(() -> new UsageException("unknown option " + flag));
    }

    static String usage() {
        return "usage: pier run [options]\n" + Arrays.stream(LaunchOption.values()).map(LaunchOption::usage)
                .collect(Collectors.joining("\n"));
    }
}
