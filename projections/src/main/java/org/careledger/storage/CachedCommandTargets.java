package org.careledger.storage;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.AxonConfigurationException;
import org.axonframework.common.ReflectionUtils;
import org.axonframework.common.annotation.AnnotationUtils;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the aggregate a command targets as Axon's {@code AnnotationCommandTargetResolver} does (the member annotated
 * {@code @TargetAggregateIdentifier}, methods before fields, and {@code @TargetAggregateVersion}), but looks the
 * members up once per command class instead of scanning the class's methods, fields and annotations for every
 * command: that scan was ~6 % of the bulk write path's CPU (JFR, docs/benchmarks.md) and is on every command.
 */
public final class CachedCommandTargets implements CommandTargetResolver {

    public static final CachedCommandTargets INSTANCE = new CachedCommandTargets();

    private final Map<Class<?>, Accessors> byType = new ConcurrentHashMap<>();

    private CachedCommandTargets() {
    }

    @Override
    public VersionedAggregateIdentifier resolveTarget(CommandMessage<?> command) {
        Object payload = command.getPayload();
        Accessors accessors = byType.computeIfAbsent(payload.getClass(), Accessors::of);
        Object identifier;
        Object version;
        try {
            identifier = accessors.identifier == null ? null : accessors.identifier.read(payload);
            version = accessors.version == null ? null : accessors.version.read(payload);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("An exception occurred while extracting aggregate information form a "
                    + "command", e);
        }
        if (identifier == null) {
            throw new IllegalArgumentException("Invalid command. It does not identify the target aggregate: "
                    + command.getPayloadType().getSimpleName());
        }
        Long versionNumber;
        if (version == null || version instanceof Long) {
            versionNumber = (Long) version;
        } else if (version instanceof Number n) {
            versionNumber = n.longValue();
        } else {
            throw new IllegalArgumentException("The value provided for the version is not a number.");
        }
        return new VersionedAggregateIdentifier(identifier, versionNumber);
    }

    @FunctionalInterface
    private interface Reader {
        Object read(Object target) throws ReflectiveOperationException;
    }

    private record Accessors(Reader identifier, Reader version) {

        static Accessors of(Class<?> type) {
            return new Accessors(reader(type, TargetAggregateIdentifier.class),
                    reader(type, TargetAggregateVersion.class));
        }

        private static Reader reader(Class<?> type, Class<? extends Annotation> annotation) {
            for (Method method : ReflectionUtils.methodsOf(type)) {
                if (AnnotationUtils.isAnnotationPresent(method, annotation)) {
                    if (method.getParameterCount() != 0) {
                        throw new AxonConfigurationException(type.getSimpleName() + "." + method.getName()
                                + " is annotated @" + annotation.getSimpleName() + " but takes parameters");
                    }
                    ReflectionUtils.ensureAccessible(method);
                    return target -> {
                        try {
                            return method.invoke(target);
                        } catch (InvocationTargetException e) {
                            throw new ReflectiveOperationException(e.getCause());
                        }
                    };
                }
            }
            for (Field field : ReflectionUtils.fieldsOf(type)) {
                if (AnnotationUtils.isAnnotationPresent(field, annotation)) {
                    ReflectionUtils.ensureAccessible(field);
                    return field::get;
                }
            }
            return null;
        }
    }
}
