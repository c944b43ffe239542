package pier.plugins;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import pier.resource.Resource;
import pier.resource.ResourceRegistry;
import pier.resource.spi.FunctionProvider;
import pier.resource.spi.ResourceProvider;

/**
 * Loads the resource modules of a plugin folder: every {@code *.jar} in it is resolved, with the
 * modules it needs from the server, into one new {@link ModuleLayer} (a class loader per module, so
 * plugins cannot clash on package names), and each {@link ResourceProvider} that a module of the
 * folder, or of the server's own module path, declares contributes its resources. Nothing is
 * registered unless everything loads.
 */
public final class Plugins {

    private static final System.Logger LOG = System.getLogger(Plugins.class.getName());

    private Plugins() {
    }

    /**
     * What one provider contributed.
     *
     * @param source    the jar it came from, or the module path
     * @param module    its module's name
     * @param resources its resources by path name
     * @param functions its functions for computed attributes, by name
     */
    public record Contribution(String source, String module, Map<String, Resource> resources,
                               Map<String, UnaryOperator<JsonNode>> functions) {
    }

    /**
     * Loads the folder's plugins and registers their resources.
     *
     * @param folder    the plugin folder; a missing folder holds no plugins
     * @param resources where their resources go, beside those already there (the tables)
     * @return what each provider contributed
     * @throws PluginException when a jar cannot be resolved, a provider fails, or two resources claim a path
     */
    public static List<Contribution> load(Path folder, ResourceRegistry resources) {
        List<Path> jars = jars(folder);
        if (jars.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "no plugin jars in {0}", folder.toAbsolutePath());
        }
        Map<String, Path> jarsByModule = modules(jars);
        ModuleLayer layer = layer(jarsByModule);
        List<Contribution> contributions = new ArrayList<>();
        for (ServiceLoader.Provider<ResourceProvider> provider : providers(layer, jarsByModule, ResourceProvider.class)) {
            Module module = provider.type().getModule();
            String source = source(module.getName(), jarsByModule);
            try {
                contributions.add(new Contribution(source, module.getName(), Map.copyOf(provider.get().resources()),
                        Map.of()));
            } catch (RuntimeException | ServiceConfigurationError e) {
                throw new PluginException(source + ": provider " + provider.type().getName() + " failed: "
                        + rootCause(e), e);
            }
        }
        for (ServiceLoader.Provider<FunctionProvider> provider : providers(layer, jarsByModule, FunctionProvider.class)) {
            Module module = provider.type().getModule();
            String source = source(module.getName(), jarsByModule);
            try {
                contributions.add(new Contribution(source, module.getName(), Map.of(),
                        Map.copyOf(provider.get().functions())));
            } catch (RuntimeException | ServiceConfigurationError e) {
                throw new PluginException(source + ": provider " + provider.type().getName() + " failed: "
                        + rootCause(e), e);
            }
        }
        // service loading order follows class loaders, not the folder: register in the order of the jars
        contributions.sort(java.util.Comparator.comparing(Contribution::source));
        register(contributions, resources);
        return contributions;
    }

    private static List<Path> jars(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new PluginException("cannot list the plugin folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The module each jar holds (declared, or derived from the name of a plain jar). */
    private static Map<String, Path> modules(List<Path> jars) {
        Map<String, Path> byModule = new LinkedHashMap<>();
        for (Path jar : jars) {
            try {
                for (ModuleReference reference : ModuleFinder.of(jar).findAll()) {
                    Path other = byModule.putIfAbsent(reference.descriptor().name(), jar);
                    if (other != null) {
                        throw new PluginException(jar + " and " + other + " both hold module "
                                + reference.descriptor().name(), null);
                    }
                }
            } catch (FindException e) {
                throw new PluginException(jar + " is not a usable module: " + e.getMessage(), e);
            }
        }
        return byModule;
    }

    private static ModuleLayer layer(Map<String, Path> jarsByModule) {
        if (jarsByModule.isEmpty()) {
            return ModuleLayer.boot();
        }
        ModuleLayer parent = ModuleLayer.boot();
        try {
            Configuration configuration = parent.configuration().resolveAndBind(
                    ModuleFinder.of(jarsByModule.values().toArray(Path[]::new)), ModuleFinder.of(),
                    jarsByModule.keySet());
            return parent.defineModulesWithManyLoaders(configuration, ClassLoader.getSystemClassLoader());
        } catch (FindException | ResolutionException | LayerInstantiationException e) {
            throw new PluginException(concerned(e.getMessage(), jarsByModule) + "cannot be loaded: "
                    + e.getMessage(), e);
        }
    }

    private static <S> List<ServiceLoader.Provider<S>> providers(ModuleLayer layer, Map<String, Path> jarsByModule,
                                                                  Class<S> service) {
        try {
            return ServiceLoader.load(layer, service).stream().toList();
        } catch (ServiceConfigurationError e) {
            throw new PluginException(concerned(e.getMessage(), jarsByModule) + "declares a provider that "
                    + "cannot be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * The functions of every contribution, by name.
     *
     * @param contributions what {@link #load} returned
     * @return the functions
     * @throws PluginException when two plugins provide a function of one name
     */
    public static Map<String, UnaryOperator<JsonNode>> functions(List<Contribution> contributions) {
        Map<String, UnaryOperator<JsonNode>> functions = new LinkedHashMap<>();
        Map<String, String> providedBy = new LinkedHashMap<>();
        for (Contribution contribution : contributions) {
            contribution.functions().forEach((name, function) -> {
                String other = providedBy.putIfAbsent(name, contribution.source());
                if (other != null) {
                    throw new PluginException(contribution.source() + " and " + other + " both provide the function "
                            + name, null);
                }
                functions.put(name, function);
            });
        }
        return functions;
    }

    private static void register(List<Contribution> contributions, ResourceRegistry resources) {
        Map<String, String> claimedBy = new LinkedHashMap<>();
        for (Contribution contribution : contributions) {
            for (String path : contribution.resources().keySet()) {
                String other = claimedBy.putIfAbsent(path, contribution.source());
                if (other != null || resources.find(path).isPresent()) {
                    throw new PluginException(contribution.source() + " claims /" + path + ", which "
                            + (other != null ? other + " claims" : "the server serves") + " already", null);
                }
            }
        }
        for (Contribution contribution : contributions) {
            contribution.resources().forEach(resources::register);
            LOG.log(System.Logger.Level.INFO, "plugin {0} (module {1}): {2}", contribution.source(),
                    contribution.module(), contribution.functions().isEmpty() ? contribution.resources().keySet()
                            .stream().sorted().map(p -> "/" + p).toList()
                            : "functions " + contribution.functions().keySet().stream().sorted().toList());
        }
    }

    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static String source(String module, Map<String, Path> jarsByModule) {
        Path jar = jarsByModule.get(module);
        return jar == null ? "module path (" + module + ")" : jar.toString();
    }

    /** The jars whose modules a resolution message names, as the start of an error. */
    private static String concerned(String message, Map<String, Path> jarsByModule) {
        List<String> jars = jarsByModule.entrySet().stream()
                .filter(entry -> message != null && message.matches("(?s).*\\b" + java.util.regex.Pattern.quote(
                        entry.getKey()) + "\\b.*"))
                .map(entry -> entry.getValue().toString()).distinct().toList();
        return jars.isEmpty() ? "the plugins " : String.join(", ", jars) + " ";
    }
}
