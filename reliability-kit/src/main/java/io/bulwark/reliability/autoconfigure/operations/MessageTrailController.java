package io.bulwark.reliability.autoconfigure.operations;

import io.bulwark.reliability.operations.MessageTrail;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * One aggregate's trail through this service's tables, for the operator (the role the whole
 * operations API needs): what it appended under the aggregate's key, which of another service's
 * messages it processed, what it dead-lettered under the key, and the idempotency key of the
 * request that created a resource. A console follows an order across services by asking each in
 * turn, handing the next the event ids the previous one appended.
 */
@RestController
@RequestMapping(OperationsController.BASE + "${spring.application.name:application}")
@Tag(name = "operations")
class MessageTrailController {

  /** The most message ids one question may name. */
  static final int MAX_IDS = 50;

  static final int MAX_KEY = 255;

  /**
   * The key's appended events, which of the named messages were processed here, and the key's dead
   * letters.
   */
  record TrailView(
      String key,
      List<MessageTrail.Appended> appended,
      List<MessageTrail.Consumed> consumed,
      List<MessageTrail.DeadLettered> deadLettered) {}

  private final MessageTrail trail;

  MessageTrailController(MessageTrail trail) {
    this.trail = trail;
  }

  @GetMapping("/messages/{key}")
  @Operation(
      summary =
          "The events appended under a message key (an aggregate's id), oldest first, which of"
              + " the messages named in consumed (event ids, comma-separated) were processed, and"
              + " the key's dead letters")
  TrailView messages(
      @PathVariable String key, @RequestParam(required = false) @Nullable String consumed) {
    if (key.isBlank() || key.length() > MAX_KEY) {
      throw OperationRequestException.invalid("a message key has 1 to " + MAX_KEY + " characters.");
    }
    return new TrailView(
        key, trail.appended(key), trail.consumed(ids(consumed)), trail.deadLettered(key));
  }

  @GetMapping("/idempotency-keys")
  @Operation(
      summary =
          "The idempotency keys whose first request created the resource at this address"
              + " (its Location, say /api/orders/{id}), and until when each holds")
  List<MessageTrail.Key> keys(@RequestParam String resource) {
    if (resource.isBlank() || resource.length() > 2 * MAX_KEY) {
      throw OperationRequestException.invalid(
          "a resource is the address a creating request answered with.");
    }
    return trail.keysFor(resource);
  }

  private static List<UUID> ids(@Nullable String consumed) {
    if (consumed == null || consumed.isBlank()) {
      return List.of();
    }
    String[] named = consumed.split(",", -1);
    if (named.length > MAX_IDS) {
      throw OperationRequestException.invalid("at most " + MAX_IDS + " message ids at a time.");
    }
    List<UUID> ids = new ArrayList<>(named.length);
    for (String id : named) {
      try {
        ids.add(UUID.fromString(id.strip()));
      } catch (IllegalArgumentException e) {
        throw OperationRequestException.invalid(
            "consumed names message ids (UUIDs), comma-separated; '" + shown(id) + "' is none.");
      }
    }
    return ids;
  }

  private static String shown(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }
}
