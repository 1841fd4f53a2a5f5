package bitget

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/bitget-batch-cancel/bitget-batch-cancel/clients/go/bitgetapi"
)

// mockURL is the mock exchange `nox -s go` / `nox -s conformance` started; without it a test fails, never skips.
func mockURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("BITGET_MOCK_URL")
	if url == "" {
		t.Fatal("BITGET_MOCK_URL must point at a running bitget-mock (nox -s go starts one)")
	}
	return url
}

type suiteAccount struct {
	APIKey        string `json:"apiKey"`
	Passphrase    string `json:"passphrase"`
	SecretKey     string `json:"secretKey"`
	PrivateKeyPem string `json:"privateKeyPem"`
}

func account(t *testing.T, name string) Credentials {
	t.Helper()
	raw, err := os.ReadFile("../../../tests/conformance/accounts.json")
	if err != nil {
		t.Fatal(err)
	}
	var book struct {
		Accounts map[string]suiteAccount `json:"accounts"`
	}
	if err := json.Unmarshal(raw, &book); err != nil {
		t.Fatal(err)
	}
	a, ok := book.Accounts[name]
	if !ok {
		t.Fatalf("no account %q", name)
	}
	return Credentials{APIKey: a.APIKey, Passphrase: a.Passphrase, SecretKey: a.SecretKey, PrivateKeyPEM: a.PrivateKeyPem}
}

func control(t *testing.T, base, path string, body any, out any) {
	t.Helper()
	var resp *http.Response
	var err error
	if body == nil {
		resp, err = http.Get(base + path)
	} else {
		data, _ := json.Marshal(body)
		resp, err = http.Post(base+path, "application/json", bytes.NewReader(data))
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s: HTTP %d", path, resp.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

type seeded struct {
	Orders []struct {
		OrderID   string `json:"orderId"`
		ClientOid string `json:"clientOid"`
		Status    string `json:"status"`
	} `json:"orders"`
}

func ptr[T any](v T) *T { return &v }

// Both key types cancel against the mock, which verifies every signature with its own implementation.
func TestCancelAgainstTheMockWithHMACAndRSAKeys(t *testing.T) {
	base := mockURL(t)
	control(t, base, "/mock/reset", map[string]any{}, nil)
	var orders seeded
	control(t, base, "/mock/orders", map[string]any{"symbol": "GOUSDT", "count": 2}, &orders)
	for i, name := range []string{"hmac", "rsa"} {
		client, _, err := NewClient(account(t, name), Options{BaseURL: base})
		if err != nil {
			t.Fatal(err)
		}
		body := bitgetapi.BatchCancelRequest{
			Symbol:    ptr("GOUSDT"),
			BatchMode: ptr(bitgetapi.Single),
			OrderList: []bitgetapi.BatchCancelOrderItem{{OrderId: ptr(orders.Orders[i].OrderID)}},
		}
		resp, err := client.BatchCancelOrdersWithResponse(context.Background(), &bitgetapi.BatchCancelOrdersParams{}, body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode() != 200 || resp.JSON200 == nil || resp.JSON200.Code != "00000" {
			t.Fatalf("%s: HTTP %d %s", name, resp.StatusCode(), resp.Body)
		}
		success := resp.JSON200.Data.SuccessList
		if len(success) != 1 || *success[0].OrderId != orders.Orders[i].OrderID {
			t.Fatalf("%s: %s", name, resp.Body)
		}
	}
	var after seeded
	control(t, base, "/mock/orders?symbol=GOUSDT", nil, &after)
	for _, o := range after.Orders {
		if o.Status != "cancelled" {
			t.Fatalf("order %s is %s on the mock", o.OrderID, o.Status)
		}
	}
}

func TestSignedReadsWithAQueryAndTheUnsignedServerTime(t *testing.T) {
	base := mockURL(t)
	control(t, base, "/mock/reset", map[string]any{}, nil)
	control(t, base, "/mock/orders", map[string]any{"symbol": "GOUSDT", "count": 3}, nil)
	client, _, err := NewClient(account(t, "hmac"), Options{BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	page, err := client.GetUnfilledOrdersWithResponse(context.Background(), &bitgetapi.GetUnfilledOrdersParams{
		Symbol: ptr("GOUSDT"), Limit: ptr(2),
	})
	if err != nil {
		t.Fatal(err)
	}
	if page.StatusCode() != 200 || len(page.JSON200.Data) != 2 {
		t.Fatalf("HTTP %d %s", page.StatusCode(), page.Body)
	}
	clock, err := client.GetServerTimeWithResponse(context.Background())
	if err != nil || clock.StatusCode() != 200 || clock.JSON200.Data.ServerTime == "" {
		t.Fatalf("server time: %v %v", err, clock)
	}
}

// A server of the test's own recomputes the signature over exactly the bytes and query it received.
func TestTheSignatureCoversTheExactBytesAndQuerySent(t *testing.T) {
	creds := Credentials{APIKey: "k", Passphrase: "p", SecretKey: "s3cret"}
	type seen struct{ method, uri, sign, ts, key string }
	var got []seen
	var verified []bool
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte("s3cret"))
		mac.Write([]byte(r.Header.Get("ACCESS-TIMESTAMP") + r.Method + r.URL.RequestURI()))
		mac.Write(body)
		want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		got = append(got, seen{r.Method, r.URL.RequestURI(), r.Header.Get("ACCESS-SIGN"), r.Header.Get("ACCESS-TIMESTAMP"), r.Header.Get("ACCESS-KEY")})
		verified = append(verified, want == r.Header.Get("ACCESS-SIGN"))
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"code":"00000","msg":"success","requestTime":1,"data":[]}`))
	}))
	defer server.Close()
	client, _, err := NewClient(creds, Options{BaseURL: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, _ = client.GetUnfilledOrdersWithResponse(ctx, &bitgetapi.GetUnfilledOrdersParams{Symbol: ptr("BTCUSDT"), Limit: ptr(20), IdLessThan: ptr("9")})
	_, _ = client.BatchCancelOrdersWithResponse(ctx, &bitgetapi.BatchCancelOrdersParams{}, bitgetapi.BatchCancelRequest{
		Symbol: ptr("BTCUSDT"), OrderList: []bitgetapi.BatchCancelOrderItem{{OrderId: ptr("1")}},
	})
	_, _ = client.GetServerTimeWithResponse(ctx)
	if len(got) != 3 {
		t.Fatalf("%d requests", len(got))
	}
	if got[0].uri != "/api/v2/spot/trade/unfilled-orders?idLessThan=9&limit=20&symbol=BTCUSDT" {
		t.Fatalf("query not sorted by name: %s", got[0].uri)
	}
	if !verified[0] || !verified[1] {
		t.Fatalf("signatures do not cover what was sent: %v", verified)
	}
	if got[2].key != "" || got[2].sign != "" {
		t.Fatalf("the public server time carried credentials: %+v", got[2])
	}
}
