package platform

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func env(values map[string]string) func(string) string {
	return func(k string) string { return values[k] }
}

func TestConfigNamesEveryProblemAtOnce(t *testing.T) {
	_, err := LoadConfig(env(map[string]string{"PORT": "0", "DAPR_HTTP_PORT": "x", "APP_API_TOKEN": "short", "TRACE_SAMPLE_RATIO": "2"}))
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"SERVICE_NAME", "PORT", "DAPR_HTTP_PORT", "APP_API_TOKEN", "TRACE_SAMPLE_RATIO", "DATA_DIR"} {
		if !strings.Contains(err.Error(), name+":") {
			t.Errorf("the error does not name %s: %v", name, err)
		}
	}
	c, err := LoadConfig(env(map[string]string{"SERVICE_NAME": "search", "PORT": "7107", "DAPR_HTTP_PORT": "3607", "DATA_DIR": "/tmp/x"}))
	if err != nil || c.ShutdownGrace != 10*time.Second || c.SampleRatio != 1 || c.InstanceName != "search" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
}

type signer struct {
	kid  string
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

func newSigner(t *testing.T, kid string) signer {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signer{kid, priv, pub}
}

func (s signer) jwk() map[string]string {
	return map[string]string{"kid": s.kid, "kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(s.pub)}
}

func (s signer) token(t *testing.T, claims jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = s.kid
	out, err := tok.SignedString(s.priv)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + out
}

func good(sub string) jwt.MapClaims {
	return jwt.MapClaims{"sub": sub, "iss": TokenIssuer, "aud": TokenAudience, "exp": time.Now().Add(time.Minute).Unix()}
}

func TestTokenVerifierAcceptsOnlyGoodEdDSATokensAndFollowsRotation(t *testing.T) {
	first, second := newSigner(t, "k1"), newSigner(t, "k2")
	published := []map[string]string{first.jwk()}
	loads := 0
	v := NewTokenVerifier(func(context.Context) ([]byte, error) {
		loads++
		return json.Marshal(map[string]any{"keys": published})
	})
	ctx := context.Background()
	if id, err := v.Verify(ctx, first.token(t, good("user-1"))); err != nil || id != "user-1" {
		t.Fatalf("a good token: %q %v", id, err)
	}
	refused := map[string]string{
		"expired":        first.token(t, jwt.MapClaims{"sub": "u", "iss": TokenIssuer, "aud": TokenAudience, "exp": time.Now().Add(-time.Minute).Unix()}),
		"wrong issuer":   first.token(t, jwt.MapClaims{"sub": "u", "iss": "someone", "aud": TokenAudience, "exp": time.Now().Add(time.Minute).Unix()}),
		"bad subject":    first.token(t, good("not/a/user")),
		"no bearer":      "Basic abc",
		"hmac forgery":   hmacToken(t, first.pub),
		"unknown signer": newSigner(t, "k1").token(t, good("u")),
	}
	for name, header := range refused {
		var app *AppError
		if _, err := v.Verify(ctx, header); !errors.As(err, &app) || app.Status != 401 {
			t.Errorf("%s: want 401, got %v", name, err)
		}
	}
	published = append(published, second.jwk())
	v.minRefresh = 0
	if id, err := v.Verify(ctx, second.token(t, good("user-2"))); err != nil || id != "user-2" {
		t.Fatalf("a token from a rotated-in key: %q %v", id, err)
	}
	if loads != 2 {
		t.Fatalf("the key set was fetched %d times, want 2 (first use, then the new kid)", loads)
	}
}

func hmacToken(t *testing.T, secret []byte) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, good("u"))
	tok.Header["kid"] = "k1"
	out, err := tok.SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + out
}

func TestKeysThatCannotBeHadAre503NotABadToken(t *testing.T) {
	v := NewTokenVerifier(func(context.Context) ([]byte, error) { return nil, errors.New("sidecar down") })
	_, err := v.Verify(context.Background(), newSigner(t, "k").token(t, good("u")))
	var app *AppError
	if !errors.As(err, &app) || app.Status != 503 || app.RetryAfter == 0 {
		t.Fatalf("want 503 with Retry-After, got %v", err)
	}
}
