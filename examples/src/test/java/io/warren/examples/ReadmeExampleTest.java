package io.warren.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's Java example is HelloWorld's code, so it compiles (and ExamplesTest runs it): the README's first
 * java block must equal the lines between HelloWorld's README markers, indentation aside.
 */
class ReadmeExampleTest {
    private static final Path EXAMPLE = Path.of("src/main/java/io/warren/examples/HelloWorld.java");

    @Test
    void readmeJavaBlockIsHelloWorldsCode() throws IOException {
        List<String> readme = Files.readAllLines(repositoryRoot().resolve("README.md"));
        int open = readme.indexOf("```java");
        assertTrue(open >= 0, "README.md has no ```java block");
        int close = readme.subList(open + 1, readme.size()).indexOf("```") + open + 1;
        List<String> block = readme.subList(open + 1, close);

        List<String> source = Files.readAllLines(EXAMPLE);
        int begin = source.indexOf("        // README:begin");
        int end = source.indexOf("        // README:end");
        assertTrue(begin >= 0 && end > begin, "HelloWorld.java lost its README markers");
        List<String> marked = source.subList(begin + 1, end).stream()
                .map(line -> line.startsWith("        ") ? line.substring(8) : line.strip())
                .toList();

        assertEquals(String.join("\n", marked), String.join("\n", block),
                "README.md's Java example and HelloWorld.java differ: change both together");
    }

    /** The module's directory is the working directory of its tests; the README is one level up. */
    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("README.md")) && !Files.exists(here.resolve("src")) ? here : here.getParent();
    }
}
