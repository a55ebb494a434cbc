package io.bulwark.system;

import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;

/**
 * Runs the classes on the shared platform first, one after the other, so that it is stopped before
 * any class starts a platform of its own: two platforms on the one test broker would share its
 * consumer groups and take each other's events. The rest keep an order by name.
 */
public final class SharedPlatformFirst implements ClassOrderer {

  @Override
  public void orderClasses(org.junit.jupiter.api.ClassOrdererContext context) {
    context
        .getClassDescriptors()
        .sort(
            Comparator.comparing((ClassDescriptor c) -> !shared(c))
                .thenComparing(c -> c.getTestClass().getName()));
  }

  private static boolean shared(ClassDescriptor descriptor) {
    SystemTest settings = descriptor.getTestClass().getAnnotation(SystemTest.class);
    return settings != null && settings.shared();
  }
}
