package dev.selfmodel.example;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * A channel to the selfmodel service with the repository's gRPC service config
 * (clients/service-config.json, which Maven copies into the jar): retries on UNAVAILABLE with
 * backoff for the idempotent and idempotency-keyed methods, per-method timeouts, retry
 * throttling.
 */
public final class SelfModelChannel {
  private static final String SERVICE_CONFIG = "/service-config.json";

  private SelfModelChannel() {}

  /** A plaintext channel to address; use TlsChannelCredentials.create() for a TLS endpoint. */
  public static ManagedChannel open(String address) {
    return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create())
        .defaultServiceConfig(serviceConfig())
        .enableRetry()
        .build();
  }

  /**
   * A fresh key for one Observe, AssertBelief, RetractBelief or CorrectBelief call. Set it once
   * per call, never per attempt: a retry resends the same message, and the service applies a
   * key only once.
   */
  public static String newIdempotencyKey() {
    return UUID.randomUUID().toString();
  }

  /**
   * The service config as defaultServiceConfig takes it: JSON objects as maps, arrays as lists
   * and every number as a Double, which is how Gson reads JSON into Object.
   */
  static Map<String, Object> serviceConfig() {
    try (InputStream in = SelfModelChannel.class.getResourceAsStream(SERVICE_CONFIG)) {
      if (in == null) {
        throw new IllegalStateException(SERVICE_CONFIG + " is missing from the jar: run ./build");
      }
      try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        return new Gson().fromJson(reader, new TypeToken<Map<String, Object>>() {}.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + SERVICE_CONFIG, e);
    }
  }
}
