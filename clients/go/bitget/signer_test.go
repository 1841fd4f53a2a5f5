package bitget

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

type vector struct {
	Name          string `json:"name"`
	Algorithm     string `json:"algorithm"`
	SecretKey     string `json:"secretKey"`
	PrivateKeyPem string `json:"privateKeyPem"`
	Timestamp     string `json:"timestamp"`
	Method        string `json:"method"`
	RequestPath   string `json:"requestPath"`
	QueryString   string `json:"queryString"`
	Body          string `json:"body"`
	Prehash       string `json:"prehash"`
	Signature     string `json:"signature"`
}

// The language-neutral vectors every client of the contract must reproduce (tests/vectors/signing.json).
func TestSigningVectors(t *testing.T) {
	raw, err := os.ReadFile("../../../tests/vectors/signing.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Vectors) < 6 {
		t.Fatalf("only %d vectors", len(file.Vectors))
	}
	kinds := map[string]int{}
	for _, v := range file.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			creds := Credentials{APIKey: "k", Passphrase: "p", SecretKey: v.SecretKey, PrivateKeyPEM: v.PrivateKeyPem}
			signer, err := NewSigner(creds)
			if err != nil {
				t.Fatal(err)
			}
			message := Prehash(v.Timestamp, v.Method, v.RequestPath, v.QueryString, []byte(v.Body))
			if string(message) != v.Prehash {
				t.Fatalf("prehash\n got %q\nwant %q", message, v.Prehash)
			}
			got, err := signer.Sign(message)
			if err != nil {
				t.Fatal(err)
			}
			if got != v.Signature {
				t.Fatalf("signature %s, want %s", got, v.Signature)
			}
		})
		kinds[v.Algorithm]++
	}
	if kinds["HMAC-SHA256"] == 0 || kinds["SHA256withRSA"] == 0 {
		t.Fatalf("vectors of both algorithms expected, got %v", kinds)
	}
}

func TestCredentialsNeverShowSecrets(t *testing.T) {
	c := Credentials{APIKey: "key", Passphrase: "pass-CANARY", SecretKey: "secret-CANARY"}
	for _, text := range []string{c.String(), c.GoString()} {
		if strings.Contains(text, "CANARY") {
			t.Fatalf("secret in %q", text)
		}
	}
}

func TestBadCredentialsFailWhenTheSignerIsBuilt(t *testing.T) {
	for name, c := range map[string]Credentials{
		"no passphrase": {APIKey: "k", SecretKey: "s"},
		"both secrets":  {APIKey: "k", Passphrase: "p", SecretKey: "s", PrivateKeyPEM: "x"},
		"no secret":     {APIKey: "k", Passphrase: "p"},
		"not PEM":       {APIKey: "k", Passphrase: "p", PrivateKeyPEM: "not a key"},
	} {
		if _, err := NewSigner(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
