package pier.plugins;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceRegistry;

/** Plugin folders of real jars, compiled and packed here with the JDK's javac and jar. */
class PluginsTest {

    @TempDir
    Path work;

    @Test
    void aJarsProvidersBecomeResourcesInALayerOfTheirOwn() throws IOException {
        Path folder = work.resolve("plugins");
        plugin(folder, "demo.hello", provider("demo.hello", "hello", "\"hi\""));
        ResourceRegistry resources = new ResourceRegistry();
        List<Plugins.Contribution> loaded = Plugins.load(folder, resources);
        assertThat(loaded.size(), is(1));
        assertThat(loaded.getFirst().module(), is("demo.hello"));
        assertThat(loaded.getFirst().source(), containsString("demo.hello.jar"));
        Resource hello = resources.find("hello").orElseThrow();
        assertThat(hello.get(Request.of(Principal.ANONYMOUS, null)).value().asText(), is("hi"));
        Module module = hello.getClass().getModule();
        assertThat(module.getName(), is("demo.hello"));
        assertThat(module.getLayer() == ModuleLayer.boot(), is(false));
    }

    @Test
    void aMissingFolderHoldsNoPlugins() {
        assertThat(Plugins.load(work.resolve("none"), new ResourceRegistry()), is(empty()));
    }

    @Test
    void aMissingDependencyNamesTheJar() throws IOException {
        Path elsewhere = work.resolve("elsewhere");
        plugin(elsewhere, "demo.library", Map.of("module-info.java", "module demo.library { exports demo.library; }",
                "demo/library/Greeting.java", "package demo.library; public class Greeting {}"));
        Path folder = work.resolve("plugins");
        plugin(folder, "demo.needy", withRequires(provider("demo.needy", "needy", "\"x\""), "demo.library"),
                elsewhere);
        ResourceRegistry resources = new ResourceRegistry();
        PluginException e = assertThrows(PluginException.class, () -> Plugins.load(folder, resources));
        assertThat(e.getMessage(), containsString("demo.needy.jar"));
        assertThat(e.getMessage(), containsString("demo.library"));
        assertThat(resources.names(), is(empty()));
    }

    @Test
    void aProviderThatThrowsNamesTheJar() throws IOException {
        Path folder = work.resolve("plugins");
        plugin(folder, "demo.broken", Map.of(
                "module-info.java", "module demo.broken { requires pier.resource;"
                        + " provides pier.resource.spi.ResourceProvider with demo.broken.Broken; }",
                "demo/broken/Broken.java", "package demo.broken; public class Broken implements"
                        + " pier.resource.spi.ResourceProvider { public Broken() { throw new IllegalStateException("
                        + "\"no database url\"); } public java.util.Map<String, pier.resource.Resource> resources()"
                        + " { return java.util.Map.of(); } }"));
        PluginException e = assertThrows(PluginException.class, () -> Plugins.load(folder, new ResourceRegistry()));
        assertThat(e.getMessage(), containsString("demo.broken.jar"));
        assertThat(e.getMessage(), containsString("no database url"));
    }

    @Test
    void twoClaimsOnOnePathRegisterNothingAndNameTheJar() throws IOException {
        Path folder = work.resolve("plugins");
        plugin(folder, "demo.first", provider("demo.first", "same", "1"));
        plugin(folder, "demo.second", provider("demo.second", "same", "2"));
        plugin(folder, "demo.third", provider("demo.third", "third", "3"));
        ResourceRegistry resources = new ResourceRegistry();
        PluginException e = assertThrows(PluginException.class, () -> Plugins.load(folder, resources));
        assertThat(e.getMessage(), containsString("demo.second.jar claims /same"));
        assertThat(e.getMessage(), containsString("demo.first.jar"));
        assertThat(resources.names(), is(empty()));
    }

    @Test
    void aPathTheServerServesAlreadyIsRefused() throws IOException {
        Path folder = work.resolve("plugins");
        plugin(folder, "demo.dog", provider("demo.dog", "Dog", "1"));
        ResourceRegistry resources = new ResourceRegistry();
        Resource table = new Resource() {
        };
        resources.register("Dog", table);
        PluginException e = assertThrows(PluginException.class, () -> Plugins.load(folder, resources));
        assertThat(e.getMessage(), containsString("demo.dog.jar claims /Dog, which the server serves already"));
        assertThat(resources.find("Dog").orElseThrow() == table, is(true));
    }

    @Test
    void aFileThatIsNotAJarIsIgnoredAndABrokenJarIsNamed() throws IOException {
        Path folder = work.resolve("plugins");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("README.txt"), "not a plugin");
        assertThat(Plugins.load(folder, new ResourceRegistry()), is(empty()));
        Files.writeString(folder.resolve("truncated.jar"), "PK not really");
        PluginException e = assertThrows(PluginException.class, () -> Plugins.load(folder, new ResourceRegistry()));
        assertThat(e.getMessage(), containsString("truncated.jar"));
        assertThat(e.getMessage(), not(containsString("null")));
    }

    /** A module whose provider serves {@code path}, answering GET with the JSON {@code value}. */
    private static Map<String, String> provider(String module, String path, String value) {
        return Map.of("module-info.java", "module " + module + " { requires pier.resource;"
                        + " provides pier.resource.spi.ResourceProvider with " + module + ".Provider; }",
                module.replace('.', '/') + "/Provider.java", "package " + module + ";\n"
                        + "import pier.resource.Content;\nimport pier.resource.Record;\nimport pier.resource.Request;\n"
                        + "import pier.resource.Resource;\n"
                        + "public class Provider implements pier.resource.spi.ResourceProvider {\n"
                        + "  public java.util.Map<String, Resource> resources() {\n"
                        + "    return java.util.Map.of(\"" + path + "\", new Resource() {\n"
                        + "      public Record get(Request request) {\n"
                        + "        try {\n"
                        + "          return Record.message(\"\", new Content.Structured(\n"
                        + "              new com.fasterxml.jackson.databind.ObjectMapper().readTree(\""
                        + value.replace("\"", "\\\"") + "\")));\n"
                        + "        } catch (java.io.IOException e) {\n"
                        + "          throw new IllegalStateException(e);\n"
                        + "        }\n"
                        + "      }\n"
                        + "    });\n"
                        + "  }\n"
                        + "}\n");
    }

    private static Map<String, String> withRequires(Map<String, String> sources, String module) {
        Map<String, String> changed = new java.util.HashMap<>(sources);
        changed.put("module-info.java", sources.get("module-info.java").replace("requires pier.resource;",
                "requires pier.resource; requires " + module + ";"));
        return changed;
    }

    /** Compiles the sources of one module and packs them as {@code folder/<module>.jar}. */
    private Path plugin(Path folder, String module, Map<String, String> sources, Path... modulePath)
            throws IOException {
        Path source = work.resolve("src").resolve(module);
        Path classes = work.resolve("classes").resolve(module);
        List<String> javac = new ArrayList<>(List.of("-d", classes.toString(), "--module-path",
                System.getProperty("jdk.module.path") + java.io.File.pathSeparator + String.join(
                        java.io.File.pathSeparator, java.util.Arrays.stream(modulePath).map(Path::toString).toList())));
        for (Map.Entry<String, String> file : sources.entrySet()) {
            Path path = source.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
            javac.add(path.toString());
        }
        run("javac", javac);
        Files.createDirectories(folder);
        Path jar = folder.resolve(module + ".jar");
        run("jar", List.of("--create", "--file", jar.toString(), "-C", classes.toString(), "."));
        return jar;
    }

    private static void run(String tool, List<String> args) {
        StringWriter output = new StringWriter();
        PrintWriter out = new PrintWriter(output);
        int status = ToolProvider.findFirst(tool).orElseThrow().run(out, out, args.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException(tool + " failed: " + output);
        }
    }
}
