package io.bulwark.order.ordering;

/** An order whose body names a customer other than the caller. */
class CustomerMismatchException extends RuntimeException {

  CustomerMismatchException() {
    super("An order is placed for the signed-in customer; customerId names someone else.");
  }
}
