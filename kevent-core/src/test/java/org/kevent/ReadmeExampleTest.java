package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.spi.ToolProvider;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example is real code: it compiles against the library and runs. */
class ReadmeExampleTest {

    @Test
    void quickstartCompilesAndPrintsTimerAndUserEvents(@TempDir Path dir) throws Exception {
        List<String> lines = compileAndRun(dir, "quickstart", "Quickstart");
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
        assertThat(lines).anyMatch(l -> l.equals("USER 2 data=1 cookie=42"));
        assertThat(lines).filteredOn(l -> l.startsWith("TIMER 1 data=")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aioExampleCompilesAndPrintsBothCompletions(@TempDir Path dir) throws Exception {
        List<String> lines = compileAndRun(dir, "aio", "AioHello");
        assertThat(lines).contains("NAIO SEND bytes=5 cookie=2 attachment=sender position=5",
                "NAIO RECV bytes=5 cookie=1 attachment=receiver position=5");
        assertThat(lines.getLast()).matches("received hello on (io_uring|readiness)");
    }

    @Test
    void multishotExampleReceivesTheWholeStreamThenItsEnd(@TempDir Path dir) throws Exception {
        List<String> lines = compileAndRun(dir, "multishot", "MultishotHello");
        assertThat(lines).containsExactly("end: data=0 bytes=12",
                lines.getLast());
        assertThat(lines.getLast()).matches("received 'hello, world' on (io_uring|readiness)");
    }

    @Test
    void virtualThreadExampleGetsBothEventsWhileTheHeartbeatRuns(@TempDir Path dir) throws Exception {
        List<String> lines = compileAndRun(dir, "virtual", "VirtualWaiters");
        assertThat(lines).containsExactlyInAnyOrder("got TIMER 1", "got USER 2", "heartbeat 1", "heartbeat 2",
                "heartbeat 3");
    }

    @Test
    void processExampleGetsTheChildsExitWithItsStatus(@TempDir Path dir) throws Exception {
        List<String> lines = compileAndRun(dir, "proc", "ChildExit");
        assertThat(lines).containsExactly("PROC pid=true status=3 cookie=7", "waitFor=3");
    }

    @Test
    void virtualThreadEchoExampleEchoesEveryClient(@TempDir Path dir) throws Exception {
        List<String> lines = compileAndRun(dir, "vthreads", "VirtualEcho");
        assertThat(lines).containsExactlyInAnyOrder("hello from client 1: echoed",
                "hello from client 2: echoed", "hello from client 3: echoed");
    }

    /** Compiles the README block {@code <!-- example:NAME -->} as class {@code className}, runs it, returns its lines. */
    private List<String> compileAndRun(Path dir, String name, String className) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("<!-- example:" + name + "[^>]*-->\\s*```java\\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        assertThat(m.find()).as("README has the %s block", name).isTrue();
        Path source = dir.resolve(className + ".java");
        Files.writeString(source, m.group(1));

        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(diagnostics, true, StandardCharsets.UTF_8);
        int rc = javac.run(err, err, "-d", dir.toString(),
                "-cp", System.getProperty("java.class.path"), source.toString());
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass(className).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
