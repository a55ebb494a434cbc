package io.bulwark.reliability;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class KitBoundaryTests {

  private final JavaClasses kit =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.bulwark.reliability");

  @Test
  void theCoreDoesNotDependOnSpring() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.bulwark.reliability.autoconfigure..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework..")
        .check(kit);
  }

  @Test
  void theCoreDoesNotReachIntoItsSpringLayer() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.bulwark.reliability.autoconfigure..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bulwark.reliability.autoconfigure..")
        .check(kit);
  }

  @Test
  void theKitKnowsNothingOfOrdersOrStock() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.bulwark.order..", "io.bulwark.inventory..")
        .check(kit);
  }
}
