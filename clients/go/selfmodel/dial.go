// Package selfmodel connects to the selfmodel service the way every client should: with the
// repository's gRPC service config (clients/service-config.json: retries on UNAVAILABLE with
// backoff, per-method timeouts, retry throttling) and the API key on every call.
package selfmodel

import (
	"context"
	"crypto/rand"
	_ "embed"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// ServiceConfig is clients/service-config.json, copied here by ../build (git-ignored): embed
// cannot reach outside the module, and embedding keeps the binary free of a path to the file.
//
//go:embed service-config.json
var ServiceConfig string

// Dial returns a client connection to address in plaintext (use TLS credentials anywhere but
// a local service) that applies ServiceConfig and, when apiKey is not empty, sends it as
// "authorization: Bearer <apiKey>" on every call. It does not connect yet: the first call does.
func Dial(address, apiKey string) (*grpc.ClientConn, error) {
	options := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(ServiceConfig),
	}
	if apiKey != "" {
		options = append(options, grpc.WithChainUnaryInterceptor(withKey(apiKey)),
			grpc.WithChainStreamInterceptor(withKeyStream(apiKey)))
	}
	return grpc.NewClient(address, options...)
}

// NewIdempotencyKey returns a fresh key for one Observe, AssertBelief, RetractBelief or
// CorrectBelief call. Set it once per call, never per attempt: the retries the service config
// makes resend the same message, and the service applies a key only once.
func NewIdempotencyKey() string { return rand.Text() }

func withKey(apiKey string) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
		invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		return invoker(authorized(ctx, apiKey), method, req, reply, cc, opts...)
	}
}

func withKeyStream(apiKey string) grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string,
		streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		return streamer(authorized(ctx, apiKey), desc, cc, method, opts...)
	}
}

func authorized(ctx context.Context, apiKey string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+apiKey)
}
