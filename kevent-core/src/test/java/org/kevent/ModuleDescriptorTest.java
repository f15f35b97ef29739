package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * Issue 13: the exported packages hand out no internal type, so the internals can move (the
     * rooms of the engine) without breaking a caller. Every public or protected member of every
     * public class of the API is checked: parameters, results, exceptions, fields, and the type
     * arguments inside them.
     */
    @Test
    void noExportedSignatureNamesAnInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (String pkg : List.of("org/kevent", "org/kevent/net")) {
            try (var files = Files.list(Path.of("target", "classes", pkg))) {
                for (Path f : files.filter(x -> x.toString().endsWith(".class")).toList()) {
                    String name = pkg.replace('/', '.') + "." + f.getFileName().toString().replace(".class", "");
                    Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                    if (exported(c)) {
                        leaks.addAll(internalTypesIn(c));
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static boolean exported(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static List<String> internalTypesIn(Class<?> c) {
        List<String> leaks = new ArrayList<>();
        List<Type> types = new ArrayList<>();
        types.add(c.getGenericSuperclass());
        types.addAll(List.of(c.getGenericInterfaces()));
        checkAll(c.getName(), types, leaks);
        for (Method m : c.getDeclaredMethods()) {
            if (visible(m.getModifiers()) && !m.isSynthetic()) {
                List<Type> sig = new ArrayList<>(List.of(m.getGenericParameterTypes()));
                sig.add(m.getGenericReturnType());
                sig.addAll(List.of(m.getGenericExceptionTypes()));
                checkAll(c.getName() + "." + m.getName(), sig, leaks);
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (visible(k.getModifiers())) {
                checkAll(c.getName() + ".<init>", List.of(k.getGenericParameterTypes()), leaks);
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (visible(f.getModifiers())) {
                checkAll(c.getName() + "." + f.getName(), List.of(f.getGenericType()), leaks);
            }
        }
        return leaks;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void checkAll(String where, List<Type> types, List<String> leaks) {
        for (Type t : types) {
            check(where, t, leaks);
        }
    }

    private static void check(String where, Type t, List<String> leaks) {
        switch (t) {
            case null -> { }
            case Class<?> k when k.isArray() -> check(where, k.getComponentType(), leaks);
            case Class<?> k -> {
                if (k.getName().startsWith("org.kevent.internal.")) {
                    leaks.add(where + " names " + k.getName());
                }
            }
            case ParameterizedType p -> {
                check(where, p.getRawType(), leaks);
                checkAll(where, List.of(p.getActualTypeArguments()), leaks);
            }
            case GenericArrayType a -> check(where, a.getGenericComponentType(), leaks);
            case WildcardType w -> {
                checkAll(where, List.of(w.getUpperBounds()), leaks);
                checkAll(where, List.of(w.getLowerBounds()), leaks);
            }
            default -> { }
        }
    }

    @Test
    void itRequiresOnlyJdkModules() {
        assertThat(descriptor().requires()).extracting(ModuleDescriptor.Requires::name)
                .allMatch(name -> name.startsWith("java.") || name.startsWith("jdk."));
    }
}
