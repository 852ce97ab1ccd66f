package dev.selfmodel.example;

import dev.selfmodel.v1.Belief;
import dev.selfmodel.v1.BeliefChange;
import dev.selfmodel.v1.BeliefProposal;
import dev.selfmodel.v1.ChangeKind;
import dev.selfmodel.v1.GetOrCreateSelfModelRequest;
import dev.selfmodel.v1.GetSelfModelRequest;
import dev.selfmodel.v1.ListBeliefsRequest;
import dev.selfmodel.v1.ListBeliefsResponse;
import dev.selfmodel.v1.Observation;
import dev.selfmodel.v1.ObservationType;
import dev.selfmodel.v1.ObserveRequest;
import dev.selfmodel.v1.ObserveResponse;
import dev.selfmodel.v1.RenderContextRequest;
import dev.selfmodel.v1.RenderContextResponse;
import dev.selfmodel.v1.SelfModel;
import dev.selfmodel.v1.SelfModelServiceGrpc;
import dev.selfmodel.v1.SelfModelServiceGrpc.SelfModelServiceBlockingStub;
import dev.selfmodel.v1.Stance;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Walks one user through the selfmodel API: create a self-model, observe twice (a belief is
 * formed, then weakened), list the beliefs, render them for a prompt, and check that a call
 * without the API key is refused. Prints one line per step; exits 1 on any failed check or
 * RPC error.
 */
public final class SelfModelExample {
  private static final String SCOPE = "clients-example";
  private static final String STATEMENT = "Prefers concise output formats";
  // A scope with no inventory of its own: the starter inventory infers from raw events.
  private static final String INFERENCE_SCOPE = "clients-example-inference";
  private static final String INFERRED_CONTENT = "Rewrote the technical explanation in everyday words";
  private static final String INFERRED_STATEMENT = "Prefers plain language over jargon";
  private static final double EPSILON = 1e-9;

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  /** The stub with the API key; the service config gives each call its deadline. */
  private final SelfModelServiceBlockingStub service;
  private final boolean hasKey;
  private int checks;

  private SelfModelExample(ManagedChannel channel, String apiKey) {
    this.channel = channel;
    this.hasKey = !apiKey.isEmpty();
    SelfModelServiceBlockingStub stub = SelfModelServiceGrpc.newBlockingStub(channel);
    if (hasKey) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + apiKey);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.service = stub;
  }

  /** grpc's own log would repeat an RPC error, with a stack trace, before we report it. */
  private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");

  public static void main(String[] args) throws InterruptedException {
    GRPC_LOG.setLevel(Level.SEVERE);
    String address = envOr("SELFMODEL_ADDRESS", "127.0.0.1:50051");
    String apiKey = envOr("SELFMODEL_API_KEY", "");

    // The shared service config retries UNAVAILABLE and gives each method its timeout.
    ManagedChannel channel = SelfModelChannel.open(address);
    int exitCode = 1;
    try {
      int passed = new SelfModelExample(channel, apiKey).run();
      System.out.println("OK: " + passed + " checks passed");
      exitCode = 0;
    } catch (CheckFailed e) {
      System.err.println("FAILED: " + e.getMessage());
    } catch (RpcFailed e) {
      System.err.println(e.getMessage());
    } finally {
      channel.shutdown();
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    }
    System.exit(exitCode);
  }

  private int run() {
    String userId = "example-java-" + HexFormat.of().formatHex(randomBytes(6));

    // 1. GetOrCreateSelfModel, twice: the same model both times.
    GetOrCreateSelfModelRequest create =
        GetOrCreateSelfModelRequest.newBuilder()
            .setExternalUserId(userId)
            .setScope(SCOPE)
            .build();
    SelfModel model = rpc("GetOrCreateSelfModel", () -> service.getOrCreateSelfModel(create));
    check(model.getName().startsWith("selfModels/"), "name starting with selfModels/", model.getName());
    check(model.getExternalUserId().equals(userId), "external_user_id " + userId, model.getExternalUserId());
    check(model.getScope().equals(SCOPE), "scope " + SCOPE, model.getScope());
    SelfModel again = rpc("GetOrCreateSelfModel", () -> service.getOrCreateSelfModel(create));
    check(again.getName().equals(model.getName()), "same name " + model.getName() + " on the second call", again.getName());
    System.out.printf(
        "1. GetOrCreateSelfModel(%s, %s) -> %s (second call: same name)%n",
        userId, SCOPE, model.getName());

    // 2. A preference supports the statement: a new belief above the prior.
    ObserveResponse supported =
        rpc(
            "Observe",
            () ->
                service.observe(
                    observe(
                        model.getName(),
                        ObservationType.OBSERVATION_TYPE_PREFERENCE,
                        "Asked for bullet points instead of paragraphs",
                        Stance.STANCE_SUPPORTS)));
    check(supported.getBeliefChangesCount() == 1, "1 belief change", supported.getBeliefChangesCount() + " belief changes");
    BeliefChange created = supported.getBeliefChanges(0);
    Belief belief = created.getBelief();
    check(created.getKind() == ChangeKind.CHANGE_KIND_CREATED, "kind CHANGE_KIND_CREATED", created.getKind());
    check(belief.getStatement().equals(STATEMENT), "statement \"" + STATEMENT + "\"", "\"" + belief.getStatement() + "\"");
    check(
        belief.getConfidence() > created.getPreviousConfidence(),
        "confidence above previous_confidence " + created.getPreviousConfidence(),
        belief.getConfidence());
    check(belief.getConfidence() > 0.5, "confidence above 0.5", belief.getConfidence());
    System.out.printf(
        "2. Observe(PREFERENCE, supports \"%s\") -> %s %s, confidence %.4f (previous %.4f, version %d)%n",
        STATEMENT, kind(created), belief.getName(), belief.getConfidence(),
        created.getPreviousConfidence(), belief.getVersion());

    // 3. Feedback contradicts it: the same belief, weakened, in a second version.
    ObserveResponse contradicted =
        rpc(
            "Observe",
            () ->
                service.observe(
                    observe(
                        model.getName(),
                        ObservationType.OBSERVATION_TYPE_FEEDBACK,
                        "Said the last summary was too terse",
                        Stance.STANCE_CONTRADICTS)));
    check(contradicted.getBeliefChangesCount() == 1, "1 belief change", contradicted.getBeliefChangesCount() + " belief changes");
    BeliefChange weakened = contradicted.getBeliefChanges(0);
    Belief after = weakened.getBelief();
    check(after.getName().equals(belief.getName()), "same belief " + belief.getName(), after.getName());
    check(weakened.getKind() == ChangeKind.CHANGE_KIND_WEAKENED, "kind CHANGE_KIND_WEAKENED", weakened.getKind());
    check(
        after.getConfidence() < belief.getConfidence(),
        "confidence below " + belief.getConfidence(),
        after.getConfidence());
    check(
        Math.abs(weakened.getPreviousConfidence() - belief.getConfidence()) <= EPSILON,
        "previous_confidence " + belief.getConfidence(),
        weakened.getPreviousConfidence());
    check(after.getVersion() == 2, "version 2", after.getVersion());
    System.out.printf(
        "3. Observe(FEEDBACK, contradicts \"%s\") -> %s the same belief, confidence %.4f (previous %.4f, version %d)%n",
        STATEMENT, kind(weakened), after.getConfidence(), weakened.getPreviousConfidence(),
        after.getVersion());

    // 4. ListBeliefs: that one belief, as step 3 left it.
    ListBeliefsResponse listed =
        rpc(
            "ListBeliefs",
            () -> service.listBeliefs(ListBeliefsRequest.newBuilder().setSelfModel(model.getName()).build()));
    check(listed.getBeliefsCount() == 1, "1 belief", listed.getBeliefsCount() + " beliefs");
    Belief only = listed.getBeliefs(0);
    check(only.getName().equals(belief.getName()), "belief " + belief.getName(), only.getName());
    check(only.getStatement().equals(STATEMENT), "statement \"" + STATEMENT + "\"", "\"" + only.getStatement() + "\"");
    check(
        Math.abs(only.getConfidence() - after.getConfidence()) <= EPSILON,
        "confidence " + after.getConfidence(),
        only.getConfidence());
    System.out.printf(
        "4. ListBeliefs -> 1 belief: \"%s\", confidence %.4f%n", only.getStatement(), only.getConfidence());

    // 5. RenderContext: the text for a system prompt names the belief.
    RenderContextResponse rendered =
        rpc(
            "RenderContext",
            () -> service.renderContext(RenderContextRequest.newBuilder().setSelfModel(model.getName()).build()));
    check(rendered.getText().contains(STATEMENT), "text containing \"" + STATEMENT + "\"", quote(rendered.getText()));
    check(
        rendered.getBeliefsList().stream().anyMatch(b -> b.getName().equals(belief.getName())),
        "beliefs containing " + belief.getName(),
        rendered.getBeliefsCount() + " other beliefs");
    System.out.printf("5. RenderContext -> %s%n", quote(rendered.getText()));

    // 6. An observation alone, with no proposals: the scope's belief inventory (here the
    // starter inventory) infers the belief it speaks for.
    inferOnly(userId);

    // 7. The same service without the API key: refused.
    if (!hasKey) {
      System.out.println("7. GetSelfModel without an API key: skipped (SELFMODEL_API_KEY is not set)");
      return checks;
    }
    SelfModelServiceBlockingStub anonymous = SelfModelServiceGrpc.newBlockingStub(channel);
    Status.Code code;
    try {
      anonymous.getSelfModel(GetSelfModelRequest.newBuilder().setName(model.getName()).build());
      code = Status.Code.OK;
    } catch (StatusRuntimeException e) {
      code = e.getStatus().getCode();
    }
    check(code == Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED without the API key", code);
    System.out.println("7. GetSelfModel without the API key -> " + code + ", as expected");
    return checks;
  }

  /** Observes a correction with no proposals and checks the inferred inventory belief. */
  private void inferOnly(String userId) {
    GetOrCreateSelfModelRequest create =
        GetOrCreateSelfModelRequest.newBuilder()
            .setExternalUserId(userId)
            .setScope(INFERENCE_SCOPE)
            .build();
    SelfModel model = rpc("GetOrCreateSelfModel", () -> service.getOrCreateSelfModel(create));
    ObserveRequest request =
        ObserveRequest.newBuilder()
            .setSelfModel(model.getName())
            .setObservation(
                Observation.newBuilder()
                    .setType(ObservationType.OBSERVATION_TYPE_CORRECTION)
                    .setContent(INFERRED_CONTENT)
                    .setContext("editor")
                    .setIdempotencyKey(SelfModelChannel.newIdempotencyKey()))
            .build();
    ObserveResponse response = rpc("Observe", () -> service.observe(request));
    BeliefChange inferred =
        response.getBeliefChangesList().stream()
            .filter(c -> c.getBelief().getInventoryKey().equals("plain_language"))
            .findFirst()
            .orElse(null);
    check(
        inferred != null,
        "a change of the inventory belief plain_language",
        response.getBeliefChangesCount() + " other changes");
    Belief belief = inferred.getBelief();
    check(
        belief.getStatement().equals(INFERRED_STATEMENT),
        "statement \"" + INFERRED_STATEMENT + "\"",
        "\"" + belief.getStatement() + "\"");
    check(belief.getConfidence() > 0.5, "confidence above 0.5", belief.getConfidence());
    System.out.printf(
        "6. Observe(CORRECTION \"%s\", no proposals) -> inferred \"%s\", confidence %.4f: %s%n",
        INFERRED_CONTENT, belief.getStatement(), belief.getConfidence(), inferred.getReason());
  }

  /** One Observe request, with its idempotency key: a retry of it is recorded once. */
  private static ObserveRequest observe(
      String selfModel, ObservationType type, String content, Stance stance) {
    return ObserveRequest.newBuilder()
        .setSelfModel(selfModel)
        .setObservation(
            Observation.newBuilder()
                .setType(type)
                .setContent(content)
                .setContext("writing")
                .setIdempotencyKey(SelfModelChannel.newIdempotencyKey()))
        .addBeliefs(BeliefProposal.newBuilder().setStatement(STATEMENT).setStance(stance))
        .build();
  }

  private void check(boolean ok, String expected, Object got) {
    if (!ok) {
      throw new CheckFailed(expected + " / " + got);
    }
    checks++;
  }

  /** Runs one RPC; a non-OK status becomes an RpcFailed with its code and message. */
  private static <T> T rpc(String method, Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      String message = method + " failed: " + status.getCode() + ": " + status.getDescription();
      if (status.getCause() != null) {
        message += " (" + status.getCause().getMessage() + ")";
      }
      throw new RpcFailed(message);
    }
  }

  private static String kind(BeliefChange change) {
    return change.getKind().name().substring("CHANGE_KIND_".length());
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\n", "\\n") + "\"";
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private static final class CheckFailed extends RuntimeException {
    CheckFailed(String message) {
      super(message, null, false, false);
    }
  }

  private static final class RpcFailed extends RuntimeException {
    RpcFailed(String message) {
      super(message, null, false, false);
    }
  }
}
