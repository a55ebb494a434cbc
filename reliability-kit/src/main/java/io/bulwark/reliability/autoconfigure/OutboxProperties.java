package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.outbox.RelaySettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.outbox.*}: the outbox's shards and its relay. The defaults here are the only ones;
 * a service sets a value only where it differs.
 *
 * @param shards how aggregates are spread for parallel relays; change only with an empty outbox
 * @param relay the relay of this instance
 */
@ConfigurationProperties("bulwark.outbox")
public record OutboxProperties(@DefaultValue("16") int shards, @DefaultValue Relay relay) {

  /**
   * @param enabled whether this instance runs a relay (several instances may)
   * @param batchSize messages per database transaction and broker round trip
   * @param pollInterval longest idle wait when no commit notification arrives
   * @param publishTimeout how long a batch may wait for the broker's acknowledgements
   * @param retention how long published messages are kept before purging
   * @param purgeInterval how often published messages past retention are purged
   * @param purgeBatchSize rows per delete while purging, so no purge holds long locks
   * @param errorBackoff first pause after a failure, doubling up to {@code maxErrorBackoff}
   * @param maxErrorBackoff longest pause between attempts while failing
   */
  public record Relay(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("500") int batchSize,
      @DefaultValue("1s") Duration pollInterval,
      @DefaultValue("10s") Duration publishTimeout,
      @DefaultValue("1h") Duration retention,
      @DefaultValue("1m") Duration purgeInterval,
      @DefaultValue("5000") int purgeBatchSize,
      @DefaultValue("100ms") Duration errorBackoff,
      @DefaultValue("5s") Duration maxErrorBackoff) {}

  public RelaySettings relaySettings() {
    return new RelaySettings(
        shards,
        relay.batchSize(),
        relay.pollInterval(),
        relay.retention(),
        relay.purgeInterval(),
        relay.purgeBatchSize(),
        relay.errorBackoff(),
        relay.maxErrorBackoff(),
        // a batch waits at most the publish timeout for the broker; a claim quiet for longer
        // belongs to a relay that is gone
        relay.publishTimeout().plusSeconds(2));
  }
}
