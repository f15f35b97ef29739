package org.kevent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rooms of docs/DESIGN.md §3, read from the compiled classes: which room may use which, and no
 * cycle between the internal rooms. A rule here fails on the first forbidden dependency and
 * names it (class, member, line).
 */
class ArchitectureTest {
    private static final String API = "org.kevent";
    private static final String NET = "org.kevent.net..";
    private static final String QUEUE = "org.kevent.internal.queue..";
    private static final String WAITERS = "org.kevent.internal.waiters..";
    private static final String TIMER = "org.kevent.internal.timer..";
    private static final String JFR = "org.kevent.internal.jfr..";
    private static final String SOURCES = "org.kevent.internal.source..";
    private static final String LINUX = "org.kevent.internal.linux..";
    private static final String SYS = "org.kevent.internal.sys..";
    private static final String ACCESS = "org.kevent.internal.access..";
    private static final String PORTABLE = "org.kevent.internal.portable..";

    private static JavaClasses classes;

    @BeforeAll
    static void importTheLibrary() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.kevent");
    }

    @Test
    void theInternalRoomsFormNoCycle() {
        check(slices().matching("org.kevent.internal.(**)").should().beFreeOfCycles());
    }

    /** The queue's core is pure Java: no system call, no source, no backend, no public socket. */
    @Test
    void theQueueTimersAndWaitersReachNeitherTheKernelNorASource() {
        check(noClasses().that().resideInAnyPackage(QUEUE, WAITERS, TIMER, JFR)
                .should().dependOnClassesThat().resideInAnyPackage(SYS, LINUX, SOURCES, NET, ACCESS));
    }

    /** A source kind reaches its queue through SourceContext and the kernel through the bindings. */
    @Test
    void theSourcesKnowNoBackendAndNoPublicSocket() {
        check(noClasses().that().resideInAPackage(SOURCES)
                .should().dependOnClassesThat().resideInAnyPackage(LINUX, NET, ACCESS));
    }

    /**
     * The portable engine runs where native access is refused, where a binding's initializer
     * throws: its room, and the kinds it installs, reach no binding, no FFM and no Linux backend.
     * INODE's kind is among them (its {@code IN_*}, {@code EPOLL*} and errno values are compile-time
     * constants, copied into it by the compiler, so they load nothing), and so is the event buffer
     * every consumer reads names from.
     */
    @Test
    void thePortableEngineReachesNoBindingNoFfmAndNoLinuxBackend() {
        check(noClasses().that().resideInAnyPackage(PORTABLE, "org.kevent.internal.source.timer..",
                        "org.kevent.internal.source.user..", "org.kevent.internal.source.inode..")
                .or().haveFullyQualifiedName("org.kevent.internal.source.proc.ProcExits")
                .or().haveFullyQualifiedName("org.kevent.EventBuffer")
                .should().dependOnClassesThat().resideInAnyPackage(SYS, LINUX, NET, ACCESS, "java.lang.foreign.."));
    }

    /** The choice itself runs before any engine: it names none and loads no binding. */
    @Test
    void theEngineChoiceNamesNoBackendAndNoBinding() {
        check(noClasses().that().haveFullyQualifiedName("org.kevent.EngineChoice")
                .or().haveFullyQualifiedName("org.kevent.QueueEngine")
                .should().dependOnClassesThat().resideInAnyPackage(SYS, LINUX, PORTABLE, "java.lang.foreign.."));
    }

    /** The two backends are alternatives behind the same seams: neither uses the other. */
    @Test
    void theBackendsDoNotUseEachOther() {
        check(noClasses().that().resideInAPackage(LINUX).should().dependOnClassesThat().resideInAPackage(PORTABLE));
        check(noClasses().that().resideInAPackage(PORTABLE).should().dependOnClassesThat().resideInAPackage(LINUX));
    }

    @Test
    void theBindingsUseNoOtherRoom() {
        check(noClasses().that().resideInAPackage(SYS)
                .should().dependOnClassesThat().resideInAnyPackage(QUEUE, WAITERS, TIMER, JFR, SOURCES, LINUX,
                        PORTABLE, ACCESS, NET));
    }

    /** The one bridge into {@code org.kevent.net} objects is {@code internal.access}. */
    @Test
    void onlyTheAccessBridgeReachesIntoThePublicSocketsFromInside() {
        check(noClasses().that().resideInAPackage("org.kevent.internal..")
                .and().resideOutsideOfPackage(ACCESS)
                .should().dependOnClassesThat().resideInAPackage(NET));
    }

    /** The bridge serves the API packages only. */
    @Test
    void onlyTheApiUsesTheAccessBridge() {
        check(noClasses().that().resideInAPackage("org.kevent.internal..").and().resideOutsideOfPackage(ACCESS)
                .should().dependOnClassesThat().resideInAPackage(ACCESS));
    }

    /** No MemorySegment, MethodHandle or errno outside the bindings (DESIGN.md §3). */
    @Test
    void foreignMemoryAndMethodHandlesStayInTheBindings() {
        check(noClasses().that().resideOutsideOfPackage(SYS)
                .should().dependOnClassesThat().haveFullyQualifiedName("java.lang.foreign.MemorySegment")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.invoke.MethodHandle")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.foreign.Linker"));
    }

    /** The API is what the module exports; the API classes name no backend by type but the wiring. */
    @Test
    void theApiWiresTheLinuxBackendOnlyInKeventQueue() {
        check(noClasses().that().resideInAnyPackage(API, NET)
                .and().doNotHaveFullyQualifiedName("org.kevent.KeventQueue$Builder")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.kevent.internal.linux.LinuxSources"));
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}
