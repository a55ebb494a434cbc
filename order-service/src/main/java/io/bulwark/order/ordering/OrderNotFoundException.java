package io.bulwark.order.ordering;

import java.util.UUID;

class OrderNotFoundException extends RuntimeException {

  OrderNotFoundException(UUID id) {
    super("no order " + id);
  }
}
