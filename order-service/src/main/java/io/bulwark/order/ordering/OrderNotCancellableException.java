package io.bulwark.order.ordering;

/** Only pending or confirmed orders can be cancelled. */
class OrderNotCancellableException extends RuntimeException {

  OrderNotCancellableException(Order order) {
    super("order " + order.id() + " is " + order.status() + " and cannot be cancelled");
  }
}
