import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds the server image: {@code java ImageBuilder.java MODULES IMAGE FILES}. MODULES holds the server
 * jar and every jar it runs with; FILES the launcher, the default configuration and the sample schema.
 *
 * <p>jlink takes explicit modules only, so each automatic module (a plain jar) first gets a descriptor:
 * jdeps writes one for all of them at once, each becomes an open module (as automatic modules are, for
 * reflection), a {@code provides} of a service whose module is absent is dropped, and the desktop and
 * SQL modules that only optional metrics binders use become {@code requires static}, which keeps AWT and
 * JDBC out of the image. The descriptors are compiled together and added to copies of the jars.
 */
public final class ImageBuilder {

    private static final Pattern PROVIDES = Pattern.compile("provides\\s+([\\w.]+)\\.[\\w$]+\\s+with[^;]*;");
    private static final Pattern OPTIONAL_JDK = Pattern.compile("requires (transitive )?(java\\.desktop|java\\.sql);");

    public static void main(String[] args) throws IOException {
        Path modules = Path.of(args[0]);
        Path image = Path.of(args[1]);
        Path files = Path.of(args[2]);
        Path work = image.resolveSibling(image.getFileName() + ".work");
        delete(work);
        delete(image);
        Path explicit = Files.createDirectories(work.resolve("explicit"));
        Path automatic = Files.createDirectories(work.resolve("automatic"));
        Map<String, Path> automaticJars = new TreeMap<>();
        List<String> roots = new ArrayList<>();
        for (Path jar : jars(modules)) {
            ModuleDescriptor descriptor = descriptor(jar);
            roots.add(descriptor.name());
            Path copy = (descriptor.isAutomatic() ? automatic : explicit).resolve(jar.getFileName());
            Files.copy(jar, copy);
            if (descriptor.isAutomatic()) {
                automaticJars.put(descriptor.name(), copy);
            }
        }
        describe(automaticJars, explicit, automatic, work);
        List<String> jlink = new ArrayList<>(List.of("--module-path", explicit + ":" + automatic,
                "--add-modules", String.join(",", roots), "--output", image.toString(),
                "--compress", "zip-9", "--strip-debug", "--no-header-files", "--no-man-pages",
                "--ignore-signing-information",
                // every module linked is a root at run time too: formerly automatic modules are not
                // pulled in by the module path's rule that one automatic module brings them all
                "--add-options=--add-modules=ALL-SYSTEM --enable-native-access=lz4"
                        + " --sun-misc-unsafe-memory-access=allow"));
        run("jlink", jlink);
        stripSymbols(image.resolve("lib/server/libjvm.so"));
        copyFiles(files, image);
        delete(work);
        System.out.println("image: " + image + " (" + size(image) / 1_000_000 + " MB)");
    }

    /**
     * Drops the JVM library's symbol table (5 MB; the dynamic symbols stay), as distribution runtimes
     * do; where binutils' {@code strip} is missing the image is only larger.
     */
    private static void stripSymbols(Path library) throws IOException {
        if (Files.isExecutable(Path.of("/usr/bin/strip"))) {
            try {
                int status = new ProcessBuilder("/usr/bin/strip", "--strip-unneeded", library.toString())
                        .inheritIO().start().waitFor();
                if (status != 0) {
                    throw new IllegalStateException("strip failed with status " + status);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stripping " + library, e);
            }
        }
    }

    /** Gives each automatic jar a compiled descriptor. */
    private static void describe(Map<String, Path> jars, Path explicit, Path automatic, Path work)
            throws IOException {
        if (jars.isEmpty()) {
            return;
        }
        Path sources = work.resolve("descriptors");
        List<String> jdeps = new ArrayList<>(List.of("--generate-module-info", sources.toString(),
                "--multi-release", "25", "--ignore-missing-deps", "--module-path", explicit + ":" + automatic));
        jars.values().forEach(jar -> jdeps.add(jar.toString()));
        run("jdeps", jdeps);
        List<String> packages = allPackages(explicit, automatic);
        List<String> javac = new ArrayList<>(List.of("-nowarn", "-d", work.resolve("classes").toString(),
                "--module-path", explicit + ":" + automatic, "--module-source-path",
                sources + "/*/versions/25"));
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            Path descriptor = sources.resolve(jar.getKey()).resolve("versions/25/module-info.java");
            Files.writeString(descriptor, adjusted(Files.readString(descriptor), packages));
            javac.addAll(List.of("--patch-module", jar.getKey() + "=" + jar.getValue(), descriptor.toString()));
        }
        run("javac", javac);
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            run("jar", List.of("--update", "--file", jar.getValue().toString(), "-C",
                    work.resolve("classes").resolve(jar.getKey()).toString(), "module-info.class"));
        }
    }

    private static String adjusted(String descriptor, List<String> packages) {
        String open = descriptor.replaceFirst("(?m)^module ", "open module ");
        String optional = OPTIONAL_JDK.matcher(open).replaceAll("requires static $2;");
        return PROVIDES.matcher(optional).replaceAll(match -> packages.contains(match.group(1))
                ? java.util.regex.Matcher.quoteReplacement(match.group()) : "");
    }

    private static List<String> allPackages(Path... folders) {
        List<String> packages = new ArrayList<>();
        ModuleFinder.ofSystem().findAll().forEach(m -> packages.addAll(m.descriptor().packages()));
        ModuleFinder.of(folders).findAll().forEach(m -> packages.addAll(m.descriptor().packages()));
        return packages;
    }

    private static ModuleDescriptor descriptor(Path jar) {
        return ModuleFinder.of(jar).findAll().stream().map(ModuleReference::descriptor).findFirst()
                .orElseThrow(() -> new IllegalStateException("no module in " + jar));
    }

    private static List<Path> jars(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static void copyFiles(Path from, Path image) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = image.resolve(from.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                if (target.getParent().getFileName().toString().equals("bin")) {
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        Files.createDirectories(image.resolve("plugins"));
    }

    private static void run(String tool, List<String> args) {
        StringWriter output = new StringWriter();
        PrintWriter out = new PrintWriter(output);
        int status = ToolProvider.findFirst(tool).orElseThrow().run(out, out, args.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException(tool + " failed (" + status + "):\n" + output);
        }
    }

    private static long size(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void delete(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }
}
