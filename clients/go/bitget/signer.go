// Package bitget is the hand-written part of the Go client: a signer that signs the exact request it is
// given (method, path and query as sent, body bytes as sent), and NewClient, which plugs it into the
// client generated from the contract (package bitgetapi) as a request editor.
//
// Written from the contract's `x-signing` section alone:
//
//	prehash   = timestamp + METHOD + requestPath + ("?" + queryString if there is one) + body
//	signature = base64(HMAC-SHA256(secretKey, prehash))        (system-generated keys)
//	          | base64(SHA256withRSA(PKCS#8 private key, prehash)) (user-generated keys)
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
	"strconv"
	"strings"
	"time"
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

// SignRequest sets the four ACCESS-* headers on req, signing what will be sent: the path and query of
// req.URL as net/http writes them on the request line, and a copy of the body bytes. Use it as the
// generated client's request editor (NewClient does).
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
	signature, err := s.Sign(Prehash(timestamp, req.Method, path, req.URL.RawQuery, body))
	if err != nil {
		return err
	}
	req.Header.Set("ACCESS-KEY", s.creds.APIKey)
	req.Header.Set("ACCESS-SIGN", signature)
	req.Header.Set("ACCESS-TIMESTAMP", timestamp)
	req.Header.Set("ACCESS-PASSPHRASE", s.creds.Passphrase)
	return nil
}
