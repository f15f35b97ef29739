package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The library is a module that exports its API and nothing else, and needs nothing but the JDK. */
class ModuleDescriptorTest {

    private static ModuleDescriptor descriptor() {
        return ModuleFinder.of(Path.of("target", "classes")).find("org.kevent").orElseThrow().descriptor();
    }

    @Test
    void onlyTheApiPackagesAreExported() {
        assertThat(descriptor().exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("org.kevent", "org.kevent.net");
        assertThat(descriptor().packages()).contains("org.kevent.internal.sys", "org.kevent.internal.queue")
                .filteredOn(p -> !p.equals("org.kevent") && !p.equals("org.kevent.net"))
                .allMatch(p -> p.startsWith("org.kevent.internal."), "every other package is internal");
    }

    @Test
    void itRequiresOnlyJdkModules() {
        assertThat(descriptor().requires()).extracting(ModuleDescriptor.Requires::name)
                .allMatch(name -> name.startsWith("java.") || name.startsWith("jdk."));
    }
}
