// Package bitget is the hand-written part of the Go client: a signer that signs the exact request it is
// given (method, path and query as sent, body bytes as sent), and NewClient, which plugs it into the
// client generated from the contract (package bitgetapi) as a request editor.
//
// Written from the contract's `x-signing` section alone:
//
//	prehash   = timestamp + METHOD + requestPath + ("?" + queryString if there is one) + body
//	signature = base64(HMAC-SHA256(secretKey, prehash))        (system-generated keys)
//	          | base64(SHA256withRSA(PKCS#8 private key, prehash)) (user-generated keys)
//
// queryString is the query as sent, pair by pair in the same order, percent-decoded: a request sent as
// `?clientOid=bot%3A7%20x%2Fy` is signed over `clientOid=bot:7 x/y`. NewClient sends the parameters
// sorted by name and percent-encoded (SortedQuery); SignRequest signs SignedQuery of what is sent.
package bitget

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Credentials of one API key: SecretKey for an HMAC key, or PrivateKeyPEM (PKCS#8) for an RSA key.
type Credentials struct {
	APIKey        string
	Passphrase    string
	SecretKey     string
	PrivateKeyPEM string
}

// String never shows a secret: credentials end up in logs and error messages.
func (c Credentials) String() string {
	kind := "HMAC"
	if c.PrivateKeyPEM != "" {
		kind = "RSA"
	}
	return fmt.Sprintf("Credentials{APIKey: %q, %s, secrets: ***}", c.APIKey, kind)
}

// GoString keeps %#v as safe as %v.
func (c Credentials) GoString() string { return c.String() }

// Prehash is the string Bitget signs: timestamp + METHOD + requestPath [+ "?" + query] + body.
func Prehash(timestamp, method, requestPath, query string, body []byte) []byte {
	var b bytes.Buffer
	b.WriteString(timestamp)
	b.WriteString(strings.ToUpper(method))
	b.WriteString(requestPath)
	if query != "" {
		b.WriteString("?")
		b.WriteString(query)
	}
	b.Write(body)
	return b.Bytes()
}

// QueryPair is one key=value pair of a query, decoded.
type QueryPair struct{ Key, Value string }

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

// EncodeQueryComponent percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ (a space as %20, '+' as %2B),
// as the contract asks of the URL.
func EncodeQueryComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// EncodeQuery joins the pairs as key=value with '&', in the order given, each side EncodeQueryComponent'ed.
func EncodeQuery(pairs []QueryPair) string {
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = EncodeQueryComponent(p.Key) + "=" + EncodeQueryComponent(p.Value)
	}
	return strings.Join(parts, "&")
}

func formDecode(s string) string {
	if decoded, err := url.QueryUnescape(s); err == nil {
		return decoded
	}
	return s // not a valid escape: as sent
}

// ParseQuery returns the pairs of a raw query (without '?') in order, form-decoded ('+' is a space).
func ParseQuery(raw string) []QueryPair {
	var pairs []QueryPair
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		key, value, _ := strings.Cut(part, "=")
		pairs = append(pairs, QueryPair{formDecode(key), formDecode(value)})
	}
	return pairs
}

// SortedQuery re-encodes a raw query (any encoding: the generated client's '+' for a space included) the
// way the contract asks it to be sent: pairs sorted by name (stable: repeated keys keep their order), every
// byte outside A-Z a-z 0-9 - _ . ~ percent-encoded. A key or value that is not UTF-8 is an error: Bitget
// decodes the query as UTF-8, so it could not verify the signature.
func SortedQuery(raw string) (string, error) {
	pairs := ParseQuery(raw)
	for _, p := range pairs {
		if !utf8.ValidString(p.Key) || !utf8.ValidString(p.Value) {
			return "", fmt.Errorf("bitget: query parameter %q is not valid UTF-8", p.Key)
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].Key < pairs[j].Key })
	return EncodeQuery(pairs), nil
}

// SignedQuery is the query string Bitget signs for a query sent as raw (without '?'): its pairs in the
// same order, percent-decoded, joined as key=value with '&'.
func SignedQuery(raw string) string {
	pairs := ParseQuery(raw)
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.Key + "=" + p.Value
	}
	return strings.Join(parts, "&")
}

// Signer signs requests for one API key. The zero Clock is time.Now; OffsetMs shifts it (server time - local).
type Signer struct {
	creds    Credentials
	rsaKey   *rsa.PrivateKey
	Clock    func() time.Time
	OffsetMs int64
}

// NewSigner checks the credentials now (an RSA key is parsed once), so a bad key fails here, not per request.
func NewSigner(creds Credentials) (*Signer, error) {
	if creds.APIKey == "" || creds.Passphrase == "" {
		return nil, errors.New("bitget: APIKey and Passphrase are required")
	}
	if (creds.SecretKey == "") == (creds.PrivateKeyPEM == "") {
		return nil, errors.New("bitget: give exactly one of SecretKey (HMAC) or PrivateKeyPEM (RSA)")
	}
	s := &Signer{creds: creds}
	if creds.PrivateKeyPEM != "" {
		key, err := parseRSAKey(creds.PrivateKeyPEM)
		if err != nil {
			return nil, err
		}
		s.rsaKey = key
	}
	return s, nil
}

func parseRSAKey(text string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("bitget: PrivateKeyPEM is not PEM")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		if legacy, err2 := x509.ParsePKCS1PrivateKey(block.Bytes); err2 == nil {
			return legacy, nil
		}
		return nil, errors.New("bitget: PrivateKeyPEM is not a PKCS#8 RSA private key")
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("bitget: PrivateKeyPEM is not an RSA key")
	}
	return key, nil
}

// Sign returns base64(HMAC-SHA256 | SHA256withRSA(message)).
func (s *Signer) Sign(message []byte) (string, error) {
	if s.rsaKey != nil {
		digest := sha256.Sum256(message)
		sig, err := rsa.SignPKCS1v15(rand.Reader, s.rsaKey, crypto.SHA256, digest[:])
		if err != nil {
			return "", fmt.Errorf("bitget: RSA signing failed: %w", err)
		}
		return base64.StdEncoding.EncodeToString(sig), nil
	}
	mac := hmac.New(sha256.New, []byte(s.creds.SecretKey))
	mac.Write(message)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

func (s *Signer) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// SignRequest sets the four ACCESS-* headers on req, signing what will be sent: the path of req.URL as
// net/http writes it on the request line, its query as sent but percent-decoded (SignedQuery), and a copy
// of the body bytes. Use it as the generated client's request editor (NewClient does).
func (s *Signer) SignRequest(_ context.Context, req *http.Request) error {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return errors.New("bitget: cannot sign a request whose body cannot be read twice (no GetBody)")
		}
		copyOf, err := req.GetBody()
		if err != nil {
			return err
		}
		body, err = io.ReadAll(copyOf)
		copyOf.Close()
		if err != nil {
			return err
		}
	}
	timestamp := strconv.FormatInt(s.now().UnixMilli()+s.OffsetMs, 10)
	path := req.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	signature, err := s.Sign(Prehash(timestamp, req.Method, path, SignedQuery(req.URL.RawQuery), body))
	if err != nil {
		return err
	}
	req.Header.Set("ACCESS-KEY", s.creds.APIKey)
	req.Header.Set("ACCESS-SIGN", signature)
	req.Header.Set("ACCESS-TIMESTAMP", timestamp)
	req.Header.Set("ACCESS-PASSPHRASE", s.creds.Passphrase)
	return nil
}
