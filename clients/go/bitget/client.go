package bitget

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/bitget-batch-cancel/bitget-batch-cancel/clients/go/bitgetapi"
)

// DefaultBaseURL is Bitget's API.
const DefaultBaseURL = "https://api.bitget.com"

// Options of a client; the zero value is usable.
type Options struct {
	BaseURL    string        // default DefaultBaseURL
	HTTPClient *http.Client  // default: a client with Timeout
	Timeout    time.Duration // a whole request, connect to last byte (default 10 s); ignored with HTTPClient
	UserAgent  string        // default "bitget-batch-cancel-go/<contract version> go/<version>"
}

// NewClient returns the client generated from the contract (every operation, typed requests and answers:
// `BatchCancelOrdersWithResponse`, `CancelOrderWithResponse`, `GetOrderInfoWithResponse`, ...) with every
// request of a signed operation signed by creds, just before it is sent, over exactly what is sent (the
// query: sorted by name and percent-encoded on the wire, signed decoded). GetOrderInfoParams.Order is
// the contract's exploded `order` object: set OrderId or ClientOid. cancelOrder's answer envelope is
// bitgetapi.CancelOrderEnvelope (its contract name, CancelOrderResponse, is the response wrapper's in Go).
func NewClient(creds Credentials, opts Options) (*bitgetapi.ClientWithResponses, *Signer, error) {
	signer, err := NewSigner(creds)
	if err != nil {
		return nil, nil, err
	}
	base := opts.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return nil, nil, errors.New("bitget: BaseURL must be an http(s) URL")
	}
	httpClient := opts.HTTPClient
	if httpClient == nil {
		timeout := opts.Timeout
		if timeout <= 0 {
			timeout = 10 * time.Second
		}
		httpClient = &http.Client{
			Timeout: timeout,
			// Redirects are not followed: a redirected cancel's outcome is unknown, and the signature is per path.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	agent := opts.UserAgent
	if agent == "" {
		agent = "bitget-batch-cancel-go/" + bitgetapi.ContractVersion + " " + strings.Replace(runtime.Version(), "go", "go/", 1)
	}
	edit := func(ctx context.Context, req *http.Request) error {
		req.Header.Set("User-Agent", agent)
		if req.URL.RawQuery != "" {
			// The contract asks for parameters sorted by name (the generator keeps the spec's order) and
			// every byte outside A-Z a-z 0-9 - _ . ~ percent-encoded (the generator writes a space as '+').
			sorted, err := SortedQuery(req.URL.RawQuery)
			if err != nil {
				return err
			}
			req.URL.RawQuery = sorted
		}
		if !signed(req) {
			return nil // a public operation (the contract's `security: []`): no credentials sent
		}
		return signer.SignRequest(ctx, req)
	}
	client, err := bitgetapi.NewClientWithResponses(
		base, bitgetapi.WithHTTPClient(httpClient), bitgetapi.WithRequestEditorFn(edit),
	)
	if err != nil {
		return nil, nil, err
	}
	return client, signer, nil
}

// signed says whether the contract signs this request's operation (a base URL may add a path prefix).
func signed(req *http.Request) bool {
	for _, op := range bitgetapi.Operations {
		if op.Method == req.Method && strings.HasSuffix(req.URL.Path, op.Path) {
			return op.Signed
		}
	}
	return true
}
