// Command example walks through the selfmodel API: it creates a self-model for a new user,
// observes a preference and then feedback against it, and reads the belief back, checking
// every answer.
//
// It connects to SELFMODEL_ADDRESS (default 127.0.0.1:50051) in plaintext through
// selfmodel.Dial, which applies the shared service config (retries on UNAVAILABLE, per-method
// timeouts) and, when SELFMODEL_API_KEY is set, sends it as "authorization: Bearer <key>".
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	selfmodelv1 "selfmodel.dev/clients/go/gen/selfmodel/v1"
	"selfmodel.dev/clients/go/selfmodel"
)

const (
	defaultAddress = "127.0.0.1:50051"
	scope          = "clients-example"
	statement      = "Prefers concise output formats"
	tolerance      = 1e-9
	// A scope with no inventory of its own: the starter inventory infers from raw events.
	inferenceScope    = "clients-example-inference"
	inferredContent   = "Rewrote the technical explanation in everyday words"
	inferredStatement = "Prefers plain language over jargon"
)

func main() {
	address := os.Getenv("SELFMODEL_ADDRESS")
	if address == "" {
		address = defaultAddress
	}
	n, err := run(address, os.Getenv("SELFMODEL_API_KEY"))
	var failed *checkError
	var rpcErr *callError
	switch {
	case err == nil:
		fmt.Printf("OK: %d checks passed\n", n)
	case errors.As(err, &failed):
		fmt.Fprintf(os.Stderr, "FAILED: %s / %s\n", failed.expected, failed.got)
		os.Exit(1)
	case errors.As(err, &rpcErr):
		st := status.Convert(rpcErr.err)
		fmt.Fprintf(os.Stderr, "%s failed: %s: %s\n", rpcErr.method, codeName(st.Code()), st.Message())
		os.Exit(1)
	default:
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}

// client holds the generated stub over a connection with the API key (and one without it,
// for the refused call), and counts the checks. The service config gives every call its
// deadline (10 s; 30 s for the deletions), covering its retries.
type client struct {
	stub      selfmodelv1.SelfModelServiceClient
	anonymous selfmodelv1.SelfModelServiceClient
	hasKey    bool
	checks    int
}

// check is one expectation about an answer: ok, and what was expected and what came.
type check struct {
	ok       bool
	expected string
	got      any
}

// checkError is the first check that did not hold.
type checkError struct{ expected, got string }

func (e *checkError) Error() string { return "expected " + e.expected + ", got " + e.got }

// callError is an RPC that failed.
type callError struct {
	method string
	err    error
}

func (e *callError) Error() string { return e.method + ": " + e.err.Error() }
func (e *callError) Unwrap() error { return e.err }

// expect counts the checks and returns the first that failed.
func (c *client) expect(checks ...check) error {
	for _, ch := range checks {
		c.checks++
		if !ch.ok {
			return &checkError{expected: ch.expected, got: fmt.Sprint(ch.got)}
		}
	}
	return nil
}

func run(address, apiKey string) (int, error) {
	// Dial does not connect yet: the first RPC does, and fails with UNAVAILABLE if it
	// cannot, after the service config's retries.
	conn, err := selfmodel.Dial(address, apiKey)
	if err != nil {
		return 0, fmt.Errorf("creating a client for %s: %w", address, err)
	}
	defer conn.Close()
	anonymous, err := selfmodel.Dial(address, "")
	if err != nil {
		return 0, fmt.Errorf("creating a client for %s: %w", address, err)
	}
	defer anonymous.Close()

	c := &client{
		stub:      selfmodelv1.NewSelfModelServiceClient(conn),
		anonymous: selfmodelv1.NewSelfModelServiceClient(anonymous),
		hasKey:    apiKey != "",
	}
	if apiKey == "" {
		fmt.Printf("Calling %s without an API key\n", address)
	} else {
		fmt.Printf("Calling %s with the API key\n", address)
	}
	err = c.steps()
	return c.checks, err
}

func (c *client) steps() error {
	userID := "example-go-" + randomHex(4)

	// 1. The same (user, scope) always gets the same self-model.
	model, err := c.getOrCreate(userID)
	if err != nil {
		return err
	}
	again, err := c.getOrCreate(userID)
	if err != nil {
		return err
	}
	if err := c.expect(
		check{strings.HasPrefix(model.GetName(), "selfModels/"), `name starting with "selfModels/"`, quote(model.GetName())},
		check{model.GetExternalUserId() == userID, "external_user_id " + quote(userID), quote(model.GetExternalUserId())},
		check{model.GetScope() == scope, "scope " + quote(scope), quote(model.GetScope())},
		check{again.GetName() == model.GetName(), "the same name again " + quote(model.GetName()), quote(again.GetName())},
	); err != nil {
		return err
	}
	fmt.Printf("1. GetOrCreateSelfModel(%s, %s) -> %s; again -> the same name\n", userID, scope, model.GetName())

	// 2. A preference supporting S creates the belief.
	created, err := c.observe(model.GetName(), selfmodelv1.ObservationType_OBSERVATION_TYPE_PREFERENCE,
		"Asked for bullet points instead of paragraphs", selfmodelv1.Stance_STANCE_SUPPORTS)
	if err != nil {
		return err
	}
	belief := created.GetBelief()
	if err := c.expect(
		check{created.GetKind() == selfmodelv1.ChangeKind_CHANGE_KIND_CREATED, "kind CHANGE_KIND_CREATED", created.GetKind()},
		check{belief.GetStatement() == statement, "statement " + quote(statement), quote(belief.GetStatement())},
		check{belief.GetConfidence() > created.GetPreviousConfidence(),
			fmt.Sprintf("confidence above the previous %.4f", created.GetPreviousConfidence()), belief.GetConfidence()},
		check{belief.GetConfidence() > 0.5, "confidence above 0.5", belief.GetConfidence()},
	); err != nil {
		return err
	}
	fmt.Printf("2. Observe(PREFERENCE, supports S) -> %s %s confidence %.4f (was %.4f), version %d\n",
		created.GetKind(), belief.GetName(), belief.GetConfidence(), created.GetPreviousConfidence(), belief.GetVersion())

	// 3. Feedback contradicting S weakens the same belief.
	weakened, err := c.observe(model.GetName(), selfmodelv1.ObservationType_OBSERVATION_TYPE_FEEDBACK,
		"Said the last summary was too terse", selfmodelv1.Stance_STANCE_CONTRADICTS)
	if err != nil {
		return err
	}
	after := weakened.GetBelief()
	if err := c.expect(
		check{after.GetName() == belief.GetName(), "the same belief " + quote(belief.GetName()), quote(after.GetName())},
		check{weakened.GetKind() == selfmodelv1.ChangeKind_CHANGE_KIND_WEAKENED, "kind CHANGE_KIND_WEAKENED", weakened.GetKind()},
		check{after.GetConfidence() < belief.GetConfidence(),
			fmt.Sprintf("confidence below %.4f", belief.GetConfidence()), after.GetConfidence()},
		check{near(weakened.GetPreviousConfidence(), belief.GetConfidence()),
			fmt.Sprintf("previous_confidence %v", belief.GetConfidence()), weakened.GetPreviousConfidence()},
		check{after.GetVersion() == 2, "version 2", after.GetVersion()},
	); err != nil {
		return err
	}
	fmt.Printf("3. Observe(FEEDBACK, contradicts S) -> %s the same belief, confidence %.4f (was %.4f), version %d\n",
		weakened.GetKind(), after.GetConfidence(), weakened.GetPreviousConfidence(), after.GetVersion())

	// 4. The model holds exactly that belief.
	ctx := context.Background()
	listed, err := c.stub.ListBeliefs(ctx, &selfmodelv1.ListBeliefsRequest{SelfModel: model.GetName()})
	if err != nil {
		return &callError{"ListBeliefs", err}
	}
	if err := c.expect(check{len(listed.GetBeliefs()) == 1, "exactly one belief", len(listed.GetBeliefs())}); err != nil {
		return err
	}
	only := listed.GetBeliefs()[0]
	if err := c.expect(
		check{only.GetName() == after.GetName(), "belief " + quote(after.GetName()), quote(only.GetName())},
		check{only.GetStatement() == statement, "statement " + quote(statement), quote(only.GetStatement())},
		check{near(only.GetConfidence(), after.GetConfidence()),
			fmt.Sprintf("confidence %v", after.GetConfidence()), only.GetConfidence()},
	); err != nil {
		return err
	}
	fmt.Printf("4. ListBeliefs -> 1 belief: %q, confidence %.4f\n", only.GetStatement(), only.GetConfidence())

	// 5. The rendered context, ready for a system prompt, states the belief.
	rendered, err := c.stub.RenderContext(ctx, &selfmodelv1.RenderContextRequest{SelfModel: model.GetName()})
	if err != nil {
		return &callError{"RenderContext", err}
	}
	names := make([]string, 0, len(rendered.GetBeliefs()))
	for _, b := range rendered.GetBeliefs() {
		names = append(names, b.GetName())
	}
	if err := c.expect(
		check{strings.Contains(rendered.GetText(), statement), "text containing " + quote(statement), quote(rendered.GetText())},
		check{slices.Contains(names, after.GetName()), "beliefs containing " + quote(after.GetName()), names},
	); err != nil {
		return err
	}
	fmt.Printf("5. RenderContext -> %q\n", rendered.GetText())

	// 6. An observation alone, with no proposals: the scope's belief inventory (here the
	// starter inventory) infers the belief it speaks for.
	if err := c.inferOnly(userID); err != nil {
		return err
	}

	// 7. Without the API key the service refuses the call.
	if !c.hasKey {
		fmt.Println("7. skipped: no API key set, so no call without it to compare")
		return nil
	}
	_, err = c.anonymous.GetSelfModel(ctx, &selfmodelv1.GetSelfModelRequest{Name: model.GetName()})
	if err := c.expect(check{status.Code(err) == codes.Unauthenticated, "UNAUTHENTICATED without the API key", describe(err)}); err != nil {
		return err
	}
	fmt.Printf("7. GetSelfModel without the API key -> %s\n", describe(err))
	return nil
}

// inferOnly observes a correction in the inference scope with no proposals and checks that
// the starter inventory's plain_language belief was inferred from it.
func (c *client) inferOnly(userID string) error {
	ctx := context.Background()
	model, err := c.stub.GetOrCreateSelfModel(ctx, &selfmodelv1.GetOrCreateSelfModelRequest{
		ExternalUserId: userID,
		Scope:          inferenceScope,
	})
	if err != nil {
		return &callError{"GetOrCreateSelfModel", err}
	}
	response, err := c.stub.Observe(ctx, &selfmodelv1.ObserveRequest{
		SelfModel: model.GetName(),
		Observation: &selfmodelv1.Observation{
			Type:           selfmodelv1.ObservationType_OBSERVATION_TYPE_CORRECTION,
			Content:        inferredContent,
			Context:        "editor",
			IdempotencyKey: selfmodel.NewIdempotencyKey(),
		},
	})
	if err != nil {
		return &callError{"Observe", err}
	}
	var inferred *selfmodelv1.BeliefChange
	for _, change := range response.GetBeliefChanges() {
		if change.GetBelief().GetInventoryKey() == "plain_language" {
			inferred = change
		}
	}
	if err := c.expect(check{inferred != nil, "a change of the inventory belief plain_language",
		fmt.Sprintf("%d other changes", len(response.GetBeliefChanges()))}); err != nil {
		return err
	}
	belief := inferred.GetBelief()
	if err := c.expect(
		check{belief.GetStatement() == inferredStatement, "statement " + quote(inferredStatement), quote(belief.GetStatement())},
		check{belief.GetConfidence() > 0.5, "confidence above 0.5", belief.GetConfidence()},
	); err != nil {
		return err
	}
	fmt.Printf("6. Observe(CORRECTION %q, no proposals) -> inferred %q, confidence %.4f: %s\n",
		inferredContent, belief.GetStatement(), belief.GetConfidence(), inferred.GetReason())
	return nil
}

func (c *client) getOrCreate(userID string) (*selfmodelv1.SelfModel, error) {
	model, err := c.stub.GetOrCreateSelfModel(context.Background(), &selfmodelv1.GetOrCreateSelfModelRequest{
		ExternalUserId: userID,
		Scope:          scope,
	})
	if err != nil {
		return nil, &callError{"GetOrCreateSelfModel", err}
	}
	return model, nil
}

// observe records one observation in context "writing" that bears on S, and returns the one
// belief change it must cause. Its idempotency key, made once here, makes a retry of it
// return the first result instead of recording it twice.
func (c *client) observe(model string, kind selfmodelv1.ObservationType, content string,
	stance selfmodelv1.Stance) (*selfmodelv1.BeliefChange, error) {
	resp, err := c.stub.Observe(context.Background(), &selfmodelv1.ObserveRequest{
		SelfModel: model,
		Observation: &selfmodelv1.Observation{
			Type:           kind,
			Content:        content,
			Context:        "writing",
			IdempotencyKey: selfmodel.NewIdempotencyKey(),
		},
		Beliefs: []*selfmodelv1.BeliefProposal{{Statement: statement, Stance: stance}},
	})
	if err != nil {
		return nil, &callError{"Observe", err}
	}
	changes := resp.GetBeliefChanges()
	if err := c.expect(check{len(changes) == 1, "exactly one belief change", len(changes)}); err != nil {
		return nil, err
	}
	return changes[0], nil
}

func near(a, b float64) bool { return math.Abs(a-b) <= tolerance }

func quote(s string) string { return fmt.Sprintf("%q", s) }

// describe says how a call ended: OK or its status code and message.
func describe(err error) string {
	if err == nil {
		return "OK"
	}
	st := status.Convert(err)
	return codeName(st.Code()) + ": " + st.Message()
}

// codeName is a status code's canonical name, e.g. UNAUTHENTICATED.
func codeName(c codes.Code) string { return code.Code(c).String() }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}
