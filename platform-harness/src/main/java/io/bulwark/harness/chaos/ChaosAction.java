package io.bulwark.harness.chaos;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A fault the operator may cause: what it is, what it asks for, whether it can be done here (and
 * why not), and the doing of it, which may take a while (a freeze lasts its seconds) and tells in a
 * line what it did.
 *
 * @param params what the operator chooses, each with its choices (an empty list: free input)
 */
public record ChaosAction(
    String id,
    String title,
    String description,
    List<Param> params,
    Supplier<@Nullable String> unavailable,
    Function<Map<String, String>, String> run) {

  /** A choice the action needs: an instance by name, a number of seconds. */
  public record Param(String name, String label, List<String> choices, String initial) {}
}
