package io.bulwark.order;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class OrderServiceBoundaryTests {

  private final JavaClasses service =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.bulwark.order");

  @Test
  void theServiceSharesNoCodeWithTheInventory() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bulwark.inventory..")
        .check(service);
  }

  @Test
  void theOrderAggregateKnowsNothingOfSpringOrTheDatabaseAndOfTheKitOnlyItsEventTypes() {
    noClasses()
        .that()
        .haveNameMatching(
            "io\\.bulwark\\.order\\.ordering\\."
                + "(Order|OrderLine|OrderStatus|OrderEvents.*|OrderNot.*Exception)")
        .should()
        .dependOnClassesThat(
            resideInAnyPackage("org.springframework..", "java.sql..")
                .or(
                    resideInAPackage("io.bulwark.reliability..")
                        .and(not(resideInAPackage("io.bulwark.reliability.event")))))
        .check(service);
  }

  @Test
  void theInventoryAdapterIsReachedOnlyThroughItsPort() {
    noClasses()
        .that()
        .resideInAPackage("io.bulwark.order.ordering..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bulwark.order.inventory..")
        .check(service);
  }

  @Test
  void reconciliationReachesTheInventoryOnlyThroughItsPortAndTheOrdersNeverReachIt() {
    noClasses()
        .that()
        .resideInAPackage("io.bulwark.order.reconciliation..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bulwark.order.inventory..")
        .check(service);
    noClasses()
        .that()
        .resideInAPackage("io.bulwark.order.ordering..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bulwark.order.reconciliation..")
        .check(service);
  }

  @Test
  void onlyThePublishedContractIsPublic() {
    classes()
        .that()
        .resideInAPackage("io.bulwark.order.ordering..")
        .and()
        .haveSimpleNameNotStartingWith("OrderEvents")
        .and()
        .doNotHaveSimpleName("OrderLine")
        .and()
        .doNotHaveSimpleName("OrderStatus")
        .and()
        .doNotHaveSimpleName("SkuCheck")
        .and()
        .areTopLevelClasses()
        .should()
        .notHaveModifier(JavaModifier.PUBLIC)
        .check(service);
  }
}
