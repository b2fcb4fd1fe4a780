package platform

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The issuer and audience of the user service's access tokens (packages/platform/src/apps.ts).
const (
	TokenIssuer   = "soulchat-user"
	TokenAudience = "soulchat"
)

var userIDRule = regexp.MustCompile(`^[A-Za-z0-9_-]{1,36}$`)

// TokenVerifier checks access tokens against the user service's JWKS, fetched through Dapr.
// Only EdDSA is accepted (so alg none and HMAC-with-a-public-key are refused); a token naming a
// key we have not seen refetches the set, at most every minRefresh: that is how rotation arrives.
type TokenVerifier struct {
	load       func(context.Context) ([]byte, error)
	minRefresh time.Duration
	mu         sync.Mutex
	keys       map[string]ed25519.PublicKey
	loadedAt   time.Time
}

func NewTokenVerifier(load func(context.Context) ([]byte, error)) *TokenVerifier {
	return &TokenVerifier{load: load, minRefresh: 10 * time.Second}
}

// Verify returns the caller's user id, an Unauthorized error, or Unavailable when the keys
// cannot be had right now.
func (v *TokenVerifier) Verify(ctx context.Context, header string) (string, error) {
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || token == "" {
		return "", Unauthorized("missing bearer token")
	}
	claims := jwt.RegisteredClaims{}
	_, err := jwt.ParseWithClaims(token, &claims, func(t *jwt.Token) (any, error) { return v.key(ctx, t) },
		jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithIssuer(TokenIssuer), jwt.WithAudience(TokenAudience),
		jwt.WithExpirationRequired())
	var app *AppError
	if errors.As(err, &app) {
		return "", app
	}
	if errors.Is(err, jwt.ErrTokenExpired) {
		return "", Unauthorized("token expired")
	}
	if err != nil {
		return "", Unauthorized("invalid token")
	}
	if !userIDRule.MatchString(claims.Subject) {
		return "", Unauthorized("token subject is not a user id")
	}
	return claims.Subject, nil
}

func (v *TokenVerifier) key(ctx context.Context, t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	v.mu.Lock()
	defer v.mu.Unlock()
	if key, ok := v.keys[kid]; ok {
		return key, nil
	}
	if v.keys != nil && time.Since(v.loadedAt) < v.minRefresh {
		return nil, errors.New("unknown key")
	}
	if err := v.refresh(ctx); err != nil {
		return nil, Unavailable(fmt.Sprintf("cannot verify tokens now (%v); retry shortly", err))
	}
	if key, ok := v.keys[kid]; ok {
		return key, nil
	}
	return nil, errors.New("unknown key")
}

type jwks struct {
	Keys []struct {
		Kid string `json:"kid"`
		Kty string `json:"kty"`
		Crv string `json:"crv"`
		X   string `json:"x"`
	} `json:"keys"`
}

func (v *TokenVerifier) refresh(ctx context.Context) error {
	body, err := v.load(ctx)
	if err != nil {
		return err
	}
	var set jwks
	if err := json.Unmarshal(body, &set); err != nil {
		return fmt.Errorf("bad key set: %w", err)
	}
	keys := map[string]ed25519.PublicKey{}
	for _, k := range set.Keys {
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if k.Kty != "OKP" || k.Crv != "Ed25519" || err != nil || len(x) != ed25519.PublicKeySize {
			continue
		}
		keys[k.Kid] = ed25519.PublicKey(x)
	}
	v.keys, v.loadedAt = keys, time.Now()
	return nil
}
