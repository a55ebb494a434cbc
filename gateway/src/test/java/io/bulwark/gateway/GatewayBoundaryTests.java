package io.bulwark.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class GatewayBoundaryTests {

  private final JavaClasses gateway =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.bulwark.gateway");

  @Test
  void theGatewayKnowsNoServiceCode() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.bulwark.order..", "io.bulwark.inventory..")
        .check(gateway);
  }

  @Test
  void routingAndTheEdgeAreIndependent() {
    noClasses()
        .that()
        .resideInAPackage("io.bulwark.gateway.routing..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bulwark.gateway.edge..")
        .check(gateway);
    noClasses()
        .that()
        .resideInAPackage("io.bulwark.gateway.edge..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bulwark.gateway.routing..")
        .check(gateway);
  }
}
