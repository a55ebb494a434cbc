package io.bulwark.reliability.autoconfigure.operations;

import io.bulwark.reliability.deadletter.RedriveRefusedException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The operations API's refusals as RFC 9457 problems. */
@RestControllerAdvice(basePackageClasses = OperationsProblems.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OperationsProblems {

  @ExceptionHandler
  ProblemDetail refused(OperationRequestException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    problem.setTitle(e.title());
    return problem;
  }

  @ExceptionHandler
  ProblemDetail redriveRefused(RedriveRefusedException e) {
    HttpStatus status =
        switch (e.reason()) {
          case UNKNOWN -> HttpStatus.NOT_FOUND;
          case DISCARDED -> HttpStatus.CONFLICT;
          case NOTHING_SELECTED, TOO_MANY -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage() + ".");
    problem.setTitle("Redrive refused");
    if (!e.ids().isEmpty()) {
      problem.setProperty("ids", e.ids());
    }
    return problem;
  }
}
