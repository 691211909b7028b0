package io.warren.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the README promises that code can check: its Java example is HelloWorld's code, so it compiles (and
 * ExamplesTest runs it), and .ci/run runs the README's test command.
 */
class ReadmeTest {
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

    @Test
    void ciRunsTheReadmesTestCommand() throws IOException {
        List<String> readme = Files.readAllLines(repositoryRoot().resolve("README.md"));
        int heading = readme.indexOf("Run the whole test suite:");
        assertTrue(heading >= 0, "README.md lost the line that introduces the test command");
        assertEquals("```sh", readme.get(heading + 2));
        String command = readme.get(heading + 3);

        List<String> ci = Files.readAllLines(repositoryRoot().resolve(".ci/run")).stream()
                .filter(line -> !line.isBlank()).toList();
        assertEquals(command, ci.get(ci.size() - 1), ".ci/run must end by running the README's test command");
    }

    /** The module's directory is the working directory of its tests; the README is one level up. */
    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("README.md")) && !Files.exists(here.resolve("src")) ? here : here.getParent();
    }
}
