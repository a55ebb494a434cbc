package io.bulwark.inventory;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class InventoryServiceBoundaryTests {

  private final JavaClasses service =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.bulwark.inventory");

  @Test
  void theServiceSharesNoCodeWithTheOrderService() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bulwark.order..")
        .check(service);
  }

  @Test
  void stockKnowsNothingOfReservations() {
    noClasses()
        .that()
        .resideInAPackage("io.bulwark.inventory.stock..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bulwark.inventory.reservation..")
        .check(service);
  }

  @Test
  void theAggregatesKnowNothingOfSpringOrTheDatabaseAndOfTheKitOnlyItsEventTypes() {
    noClasses()
        .that()
        .haveSimpleName("Reservation")
        .or()
        .haveSimpleName("StockItem")
        .should()
        .dependOnClassesThat(
            resideInAnyPackage("org.springframework..", "java.sql..")
                .or(
                    resideInAPackage("io.bulwark.reliability..")
                        .and(not(resideInAPackage("io.bulwark.reliability.event")))))
        .check(service);
  }
}
