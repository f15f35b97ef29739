package org.kevent;

import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs each test method on a virtual thread, and with {@link TestQueues#startThread} the threads it
 * starts too: a wait-rule test class extended with this runs its rules with virtual waiters
 * (docs/SEMANTICS.md §5 holds for both kinds of thread).
 */
final class OnVirtualThreads implements InvocationInterceptor {
    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext extensionContext) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofVirtual().name("test-" + invocationContext.getExecutable().getName()).start(() -> {
            try {
                invocation.proceed();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
