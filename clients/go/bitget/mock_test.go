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
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/bitget-batch-cancel/bitget-batch-cancel/clients/go/bitgetapi"
)

// mockURL is the mock exchange `nox -s go` / `nox -s conformance` started. Without it a test fails under
// CI (CI set), else it is skipped with one line saying how to run it: `go test ./...` works in a fresh
// checkout of this module.
func mockURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("BITGET_MOCK_URL")
	if url == "" {
		how := "BITGET_MOCK_URL is not set: run `pip install 'bitget-batch-cancel[mock]'; bitget-mock --port 0` " +
			"and export BITGET_MOCK_URL=http://127.0.0.1:<port> (the repository's `nox -s go` does)"
		if os.Getenv("CI") != "" {
			t.Fatal(how)
		}
		t.Skip(how)
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

// A server of the test's own recomputes the signature over exactly the bytes it received and the query it
// received, decoded pair by pair in the order received (net/url's own decoding, not the package's).
func TestTheSignatureCoversTheExactBytesAndQuerySent(t *testing.T) {
	creds := Credentials{APIKey: "k", Passphrase: "p", SecretKey: "s3cret"}
	type seen struct{ method, uri, sign, ts, key string }
	var got []seen
	var verified []bool
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var decoded []string
		for _, part := range strings.Split(r.URL.RawQuery, "&") {
			if k, v, ok := strings.Cut(part, "="); ok {
				dk, _ := url.QueryUnescape(k)
				dv, _ := url.QueryUnescape(v)
				decoded = append(decoded, dk+"="+dv)
			}
		}
		target := r.URL.EscapedPath()
		if len(decoded) > 0 {
			target += "?" + strings.Join(decoded, "&")
		}
		mac := hmac.New(sha256.New, []byte("s3cret"))
		mac.Write([]byte(r.Header.Get("ACCESS-TIMESTAMP") + r.Method + target))
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
	_, _ = client.GetOrderInfoWithResponse(ctx, &bitgetapi.GetOrderInfoParams{Order: bitgetapi.OrderInfoQuery{ClientOid: ptr("bot:7 x/y")}})
	_, _ = client.GetUnfilledOrdersWithResponse(ctx, &bitgetapi.GetUnfilledOrdersParams{Symbol: ptr("龙虾USDT"), IdLessThan: ptr("a+b $c%d")})
	_, _ = client.CancelOrderWithResponse(ctx, &bitgetapi.CancelOrderParams{}, bitgetapi.CancelOrderRequest{Symbol: ptr("BTCUSDT"), ClientOid: ptr("bot:7 x/y")})
	if len(got) != 6 {
		t.Fatalf("%d requests", len(got))
	}
	if got[0].uri != "/api/v2/spot/trade/unfilled-orders?idLessThan=9&limit=20&symbol=BTCUSDT" {
		t.Fatalf("query not sorted by name: %s", got[0].uri)
	}
	if got[3].uri != "/api/v2/spot/trade/orderInfo?clientOid=bot%3A7%20x%2Fy" {
		t.Fatalf("orderInfo's exploded order, percent-encoded: %s", got[3].uri)
	}
	if got[4].uri != "/api/v2/spot/trade/unfilled-orders?idLessThan=a%2Bb%20%24c%25d&symbol=%E9%BE%99%E8%99%BEUSDT" {
		t.Fatalf("query not percent-encoded as the contract asks: %s", got[4].uri)
	}
	for _, i := range []int{0, 1, 3, 4, 5} {
		if !verified[i] {
			t.Fatalf("request %d (%s %s): the signature does not cover what was sent", i, got[i].method, got[i].uri)
		}
	}
	if got[2].key != "" || got[2].sign != "" {
		t.Fatalf("the public server time carried credentials: %+v", got[2])
	}
}

// cancelOrder and a GET by a clientOid with reserved characters, against the mock (which verifies the
// signature over the decoded query with its own code); a second cancel of the same order is 43001.
func TestCancelOrderAndAReservedClientOidAgainstTheMock(t *testing.T) {
	base := mockURL(t)
	control(t, base, "/mock/reset", map[string]any{}, nil)
	const coid = "bot:7 x/y+龙"
	var orders seeded
	control(t, base, "/mock/orders", map[string]any{"orders": []any{map[string]any{"symbol": "GOUSDT", "clientOid": coid}}}, &orders)
	id := orders.Orders[0].OrderID
	for _, name := range []string{"hmac", "rsa"} {
		client, _, err := NewClient(account(t, name), Options{BaseURL: base})
		if err != nil {
			t.Fatal(err)
		}
		info, err := client.GetOrderInfoWithResponse(context.Background(), &bitgetapi.GetOrderInfoParams{
			Order: bitgetapi.OrderInfoQuery{ClientOid: ptr(coid)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if info.StatusCode() != 200 || info.JSON200 == nil || len(info.JSON200.Data) != 1 || info.JSON200.Data[0].OrderId != id {
			t.Fatalf("%s: orderInfo by clientOid: HTTP %d %s", name, info.StatusCode(), info.Body)
		}
	}
	client, _, err := NewClient(account(t, "hmac"), Options{BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	cancel := func(req bitgetapi.CancelOrderRequest) *bitgetapi.CancelOrderResponse {
		r, err := client.CancelOrderWithResponse(context.Background(), &bitgetapi.CancelOrderParams{}, req)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := cancel(bitgetapi.CancelOrderRequest{Symbol: ptr("GOUSDT"), ClientOid: ptr(coid)})
	if first.StatusCode() != 200 || first.JSON200 == nil || first.JSON200.Code != "00000" {
		t.Fatalf("cancel: HTTP %d %s", first.StatusCode(), first.Body)
	}
	if d := first.JSON200.Data; d.OrderId != id || d.ClientOid == nil || *d.ClientOid != coid {
		t.Fatalf("cancel answer: %s", first.Body)
	}
	again := cancel(bitgetapi.CancelOrderRequest{Symbol: ptr("GOUSDT"), OrderId: ptr(id)})
	if again.StatusCode() != 400 || again.JSON400 == nil || again.JSON400.Code != "43001" {
		t.Fatalf("second cancel: HTTP %d %s", again.StatusCode(), again.Body)
	}
	var after seeded
	control(t, base, "/mock/orders?symbol=GOUSDT", nil, &after)
	if len(after.Orders) != 1 || after.Orders[0].Status != "cancelled" {
		t.Fatalf("on the mock: %+v", after.Orders)
	}
}
