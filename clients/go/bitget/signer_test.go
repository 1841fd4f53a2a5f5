package bitget

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

type vector struct {
	Name          string `json:"name"`
	Algorithm     string `json:"algorithm"`
	SecretKey     string `json:"secretKey"`
	PrivateKeyPem string `json:"privateKeyPem"`
	Timestamp     string `json:"timestamp"`
	Method        string `json:"method"`
	RequestPath   string `json:"requestPath"`
	SentQuery     string `json:"sentQuery"`
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
	if len(file.Vectors) < 13 {
		t.Fatalf("only %d vectors", len(file.Vectors))
	}
	kinds := map[string]int{}
	encoded := map[string]int{}
	if n := strings.Count(string(raw), `"sentQuery":`); n != len(file.Vectors) {
		t.Fatalf("%d of %d vectors have a sentQuery", n, len(file.Vectors))
	}
	for _, v := range file.Vectors {
		if v.SentQuery != v.QueryString {
			encoded[v.Algorithm]++
		}
		t.Run(v.Name, func(t *testing.T) {
			// What is signed for what is sent: the same pairs in the same order, decoded.
			if got := SignedQuery(v.SentQuery); got != v.QueryString {
				t.Fatalf("SignedQuery(%q)\n got %q\nwant %q", v.SentQuery, got, v.QueryString)
			}
			// What is sent for these parameters, from what the generated client writes (url.QueryEscape,
			// '+' for a space) in reverse order: sorted by name, percent-encoded.
			pairs := ParseQuery(v.SentQuery)
			slices.Reverse(pairs)
			var generated []string
			for _, p := range pairs {
				generated = append(generated, url.QueryEscape(p.Key)+"="+url.QueryEscape(p.Value))
			}
			sent, err := SortedQuery(strings.Join(generated, "&"))
			if err != nil || sent != v.SentQuery {
				t.Fatalf("SortedQuery\n got %q (%v)\nwant %q", sent, err, v.SentQuery)
			}
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
			// End to end: SignRequest on the request as it is sent, at the vector's time.
			target := "https://api.bitget.test" + v.RequestPath
			if v.SentQuery != "" {
				target += "?" + v.SentQuery
			}
			req, err := http.NewRequest(v.Method, target, strings.NewReader(v.Body))
			if err != nil {
				t.Fatal(err)
			}
			if req.URL.RawQuery != v.SentQuery {
				t.Fatalf("the URL changed the query: %q", req.URL.RawQuery)
			}
			ms, err := strconv.ParseInt(v.Timestamp, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			signer.Clock = func() time.Time { return time.UnixMilli(ms) }
			if err := signer.SignRequest(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			if req.Header.Get("ACCESS-TIMESTAMP") != v.Timestamp || req.Header.Get("ACCESS-SIGN") != v.Signature {
				t.Fatalf("SignRequest: %s at %s, want %s", req.Header.Get("ACCESS-SIGN"), req.Header.Get("ACCESS-TIMESTAMP"), v.Signature)
			}
		})
		kinds[v.Algorithm]++
	}
	if kinds["HMAC-SHA256"] == 0 || kinds["SHA256withRSA"] == 0 {
		t.Fatalf("vectors of both algorithms expected, got %v", kinds)
	}
	if encoded["HMAC-SHA256"] == 0 || encoded["SHA256withRSA"] == 0 {
		t.Fatalf("GET vectors whose sent query differs from the signed one expected for both algorithms, got %v", encoded)
	}
}

func TestQueryEncodingAndDecoding(t *testing.T) {
	for raw, want := range map[string]string{
		"symbol=BTCUSDT&clientOid=bot:7+x/y": "clientOid=bot%3A7%20x%2Fy&symbol=BTCUSDT",
		"a=1%2B1%3D2+%26+%245+~ok*+%C3%A9":   "a=1%2B1%3D2%20%26%20%245%20~ok%2A%20%C3%A9",
		"b=2&&a=1&b=1":                       "a=1&b=2&b=1",
	} {
		if got, err := SortedQuery(raw); err != nil || got != want {
			t.Errorf("SortedQuery(%q) = %q (%v), want %q", raw, got, err, want)
		}
	}
	if got := SignedQuery("b=x+y%2Bz&a=%E9%BE%99"); got != "b=x y+z&a=龙" {
		t.Errorf("SignedQuery: %q (the order sent, decoded)", got)
	}
	if _, err := SortedQuery("a=%FF"); err == nil {
		t.Error("a value that is not UTF-8 was accepted")
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
