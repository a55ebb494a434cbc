package io.bulwark.harness.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Least privilege for a service's database: the service connects as a role of its own, with a
 * password, that owns its database and everything in it and is neither a superuser nor able to
 * create roles or databases; no other role but the superuser may connect to the database.
 *
 * <p>Done as the superuser {@code postgres} (which the local servers trust on 127.0.0.1) and
 * idempotent: a database that an earlier version created with {@code postgres} as owner (and its
 * tables, sequences and functions) passes to the service's role, and the password is set anew each
 * time.
 */
public final class ServiceDatabase {

  /** The roles that the services connect as, one per service (the same names as in compose). */
  public static final String ORDER_SERVICE_ROLE = "order_service";

  public static final String INVENTORY_SERVICE_ROLE = "inventory_service";

  /** The schemas of the database's own, not PostgreSQL's. */
  private static final String OWN_SCHEMAS =
      "n.nspname NOT IN ('information_schema', 'pg_catalog', 'pg_toast')"
          + " AND n.nspname NOT LIKE 'pg\\_%'";

  private ServiceDatabase() {}

  /**
   * Makes {@code role} (created if missing, with {@code password}) the owner of the database at
   * {@code databaseUrl} and of every schema and object in it, and closes the database to every
   * other role; a member of {@code pg_monitor}, so that it may read its standbys' state.
   */
  public static void ownedBy(String databaseUrl, String role, String password) {
    if (!role.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain role name: " + role);
    }
    try (Connection connection = DriverManager.getConnection(databaseUrl, "postgres", "");
        Statement statement = connection.createStatement()) {
      String database = single(statement, "SELECT current_database()");
      boolean exists =
          !single(statement, "SELECT count(*) FROM pg_roles WHERE rolname = " + literal(role))
              .equals("0");
      String attributes =
          " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD " + literal(password);
      statement.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + attributes);
      statement.execute("ALTER DATABASE " + identifier(database) + " OWNER TO " + role);
      statement.execute("REVOKE ALL ON DATABASE " + identifier(database) + " FROM PUBLIC");
      // reads the standbys' replication state, for the console's health page
      statement.execute("GRANT pg_monitor TO " + role);
      for (String change : ownershipChanges(statement, role)) {
        statement.execute(change);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot make " + role + " the owner of the database at " + databaseUrl, e);
    }
  }

  /** What still belongs to another role: a database of an earlier version. */
  private static List<String> ownershipChanges(Statement statement, String role)
      throws SQLException {
    List<String> changes = new ArrayList<>();
    String owner = literal(role);
    try (var schemas =
        statement.executeQuery(
            "SELECT n.nspname FROM pg_namespace n WHERE "
                + OWN_SCHEMAS
                + " AND n.nspname <> 'public' AND pg_get_userbyid(n.nspowner) <> "
                + owner)) {
      while (schemas.next()) {
        changes.add("ALTER SCHEMA " + identifier(schemas.getString(1)) + " OWNER TO " + role);
      }
    }
    try (var relations =
        statement.executeQuery(
            """
            SELECT n.nspname, c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE %s AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
              AND pg_get_userbyid(c.relowner) <> %s
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
            """
                .formatted(OWN_SCHEMAS, owner))) {
      while (relations.next()) {
        // ALTER TABLE serves tables, views and sequences alike; owned sequences follow their table
        changes.add(
            "ALTER TABLE "
                + qualified(relations.getString(1), relations.getString(2))
                + " OWNER TO "
                + role);
      }
    }
    try (var routines =
        statement.executeQuery(
            """
            SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE %s AND pg_get_userbyid(p.proowner) <> %s
            """
                .formatted(OWN_SCHEMAS, owner))) {
      while (routines.next()) {
        changes.add(
            "ALTER ROUTINE "
                + qualified(routines.getString(1), routines.getString(2))
                + "("
                + routines.getString(3)
                + ") OWNER TO "
                + role);
      }
    }
    return changes;
  }

  private static String qualified(String schema, String name) {
    return identifier(schema) + "." + identifier(name);
  }

  private static String single(Statement statement, String query) throws SQLException {
    try (var result = statement.executeQuery(query)) {
      result.next();
      return result.getString(1);
    }
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
