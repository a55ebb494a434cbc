package io.bulwark.order.ordering;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The order domain's refusals as RFC 9457 problems. */
@RestControllerAdvice(assignableTypes = OrderController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OrderProblems {

  @ExceptionHandler
  ProblemDetail notFound(OrderNotFoundException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    problem.setTitle("Order not found");
    return problem;
  }

  @ExceptionHandler
  ProblemDetail unknownSkus(UnknownSkusException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.UNPROCESSABLE_CONTENT, "The inventory does not know " + e.unknown() + ".");
    problem.setTitle("Unknown SKU");
    List<Map<String, String>> errors = new ArrayList<>();
    for (int i = 0; i < e.items().size(); i++) {
      if (e.unknown().contains(e.items().get(i).sku())) {
        errors.add(Map.of("field", "items[" + i + "].sku", "message", "unknown SKU"));
      }
    }
    problem.setProperty("errors", errors);
    return problem;
  }

  @ExceptionHandler
  ProblemDetail customerMismatch(CustomerMismatchException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.getMessage());
    problem.setTitle("Not the caller's order");
    return problem;
  }

  @ExceptionHandler
  ProblemDetail invalidCursor(OrderCursor.InvalidCursorException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    problem.setTitle("Invalid cursor");
    return problem;
  }

  @ExceptionHandler
  ProblemDetail notCancellable(OrderNotCancellableException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    problem.setTitle("Order cannot be cancelled");
    return problem;
  }
}
