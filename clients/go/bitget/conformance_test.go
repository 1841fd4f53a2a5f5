package bitget

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/bitget-batch-cancel/bitget-batch-cancel/clients/go/bitgetapi"
)

// The cross-language conformance scenarios (tests/conformance/*.json), run by the Go client: set up the
// mock through its control API, make the one call with the generated client, check the answer.

type scenario struct {
	Name    string         `json:"name"`
	Account string         `json:"account"`
	Setup   map[string]any `json:"setup"`
	Call    map[string]any `json:"call"`
	Expect  map[string]any `json:"expect"`
}

// substitute replaces "{orders.N.field}" (a whole string) with the Nth seeded order's field.
func substitute(value any, orders []map[string]any) any {
	switch v := value.(type) {
	case string:
		if strings.HasPrefix(v, "{orders.") && strings.HasSuffix(v, "}") {
			parts := strings.Split(v[1:len(v)-1], ".")
			i, _ := strconv.Atoi(parts[1])
			return orders[i][parts[2]]
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = substitute(x, orders)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[substitute(k, orders).(string)] = substitute(x, orders)
		}
		return out
	}
	return value
}

var missing = &struct{}{}

func lookup(answer any, path string) any {
	node := answer
	for _, part := range strings.Split(path, ".") {
		switch n := node.(type) {
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i >= len(n) {
				return missing
			}
			node = n[i]
		case map[string]any:
			x, ok := n[part]
			if !ok {
				return missing
			}
			node = x
		default:
			return missing
		}
	}
	return node
}

// reencode turns a typed request (scenario JSON) into the generated type, through JSON.
func reencode(from any, to any) error {
	data, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, to)
}

// call makes the scenario's call with the generated client: (HTTP status, the answer as JSON).
func call(client *bitgetapi.ClientWithResponses, c map[string]any) (int, any, error) {
	ctx := context.Background()
	query, _ := c["query"].(map[string]any)
	var status int
	var body []byte
	switch op := c["operation"].(string); op {
	case "batchCancelOrders":
		var req bitgetapi.BatchCancelRequest
		if err := reencode(c["body"], &req); err != nil {
			return 0, nil, err
		}
		r, err := client.BatchCancelOrdersWithResponse(ctx, &bitgetapi.BatchCancelOrdersParams{}, req)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "cancelSymbolOrders":
		var req bitgetapi.CancelSymbolRequest
		if err := reencode(c["body"], &req); err != nil {
			return 0, nil, err
		}
		r, err := client.CancelSymbolOrdersWithResponse(ctx, &bitgetapi.CancelSymbolOrdersParams{}, req)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "cancelOrder":
		var req bitgetapi.CancelOrderRequest
		if err := reencode(c["body"], &req); err != nil {
			return 0, nil, err
		}
		r, err := client.CancelOrderWithResponse(ctx, &bitgetapi.CancelOrderParams{}, req)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "getServerTime":
		r, err := client.GetServerTimeWithResponse(ctx)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "getCurrentPlanOrders":
		var params bitgetapi.GetCurrentPlanOrdersParams
		if err := reencode(query, &params); err != nil {
			return 0, nil, err
		}
		r, err := client.GetCurrentPlanOrdersWithResponse(ctx, &params)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "getHistoryPlanOrders":
		var params bitgetapi.GetHistoryPlanOrdersParams
		if err := reencode(query, &params); err != nil {
			return 0, nil, err
		}
		r, err := client.GetHistoryPlanOrdersWithResponse(ctx, &params)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "cancelPlanOrder":
		var req bitgetapi.CancelPlanOrderRequest
		if err := reencode(c["body"], &req); err != nil {
			return 0, nil, err
		}
		r, err := client.CancelPlanOrderWithResponse(ctx, &bitgetapi.CancelPlanOrderParams{}, req)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "batchCancelPlanOrders":
		var req bitgetapi.BatchCancelPlanRequest
		if err := reencode(c["body"], &req); err != nil {
			return 0, nil, err
		}
		r, err := client.BatchCancelPlanOrdersWithResponse(ctx, &bitgetapi.BatchCancelPlanOrdersParams{}, req)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "getSymbols":
		var params bitgetapi.GetSymbolsParams
		if err := reencode(query, &params); err != nil {
			return 0, nil, err
		}
		r, err := client.GetSymbolsWithResponse(ctx, &params)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "getOrderInfo":
		// The scenario's query is as on the wire (`orderId=...`); the params take the exploded `order` object.
		order, rest := map[string]any{}, map[string]any{}
		for k, v := range query {
			if k == "orderId" || k == "clientOid" {
				order[k] = v
			} else {
				rest[k] = v
			}
		}
		rest["order"] = order
		var params bitgetapi.GetOrderInfoParams
		if err := reencode(rest, &params); err != nil {
			return 0, nil, err
		}
		r, err := client.GetOrderInfoWithResponse(ctx, &params)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "getUnfilledOrders":
		var params bitgetapi.GetUnfilledOrdersParams
		if err := reencode(query, &params); err != nil {
			return 0, nil, err
		}
		r, err := client.GetUnfilledOrdersWithResponse(ctx, &params)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	case "getHistoryOrders":
		var params bitgetapi.GetHistoryOrdersParams
		if err := reencode(query, &params); err != nil {
			return 0, nil, err
		}
		r, err := client.GetHistoryOrdersWithResponse(ctx, &params)
		if err != nil {
			return 0, nil, err
		}
		status, body = r.StatusCode(), r.Body
	default:
		return 0, nil, fmt.Errorf("no runner for operation %s", op)
	}
	var answer any
	if err := json.Unmarshal(body, &answer); err != nil {
		return status, nil, fmt.Errorf("answer is not JSON: %s", body)
	}
	return status, answer, nil
}

func TestConformance(t *testing.T) {
	base := mockURL(t)
	files, err := filepath.Glob("../../../tests/conformance/*.json")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	ran := 0
	for _, file := range files {
		if filepath.Base(file) == "accounts.json" {
			continue
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var sc scenario
		if err := json.Unmarshal(raw, &sc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		ran++
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			control(t, base, "/mock/reset", map[string]any{}, nil)
			var orders []map[string]any
			if specs, ok := sc.Setup["orders"].([]any); ok {
				for _, spec := range specs {
					var got struct {
						Orders []map[string]any `json:"orders"`
					}
					control(t, base, "/mock/orders", spec, &got)
					orders = append(orders, got.Orders...)
				}
			}
			if specs, ok := sc.Setup["planOrders"].([]any); ok {
				for _, spec := range specs {
					var got struct {
						Orders []map[string]any `json:"orders"`
					}
					control(t, base, "/mock/plan-orders", spec, &got)
					orders = append(orders, got.Orders...)
				}
			}
			if fills, ok := substitute(sc.Setup["fill"], orders).([]any); ok && len(fills) > 0 {
				control(t, base, "/mock/fill", map[string]any{"orders": fills}, nil)
			}
			if triggers, ok := substitute(sc.Setup["trigger"], orders).([]any); ok {
				for _, trigger := range triggers {
					control(t, base, "/mock/trigger", trigger, nil)
				}
			}
			name := sc.Account
			if name == "" {
				name = "hmac"
			}
			client, _, err := NewClient(account(t, name), Options{BaseURL: base})
			if err != nil {
				t.Fatal(err)
			}
			status, answer, err := call(client, substitute(sc.Call, orders).(map[string]any))
			if err != nil {
				t.Fatal(err)
			}
			expect := substitute(sc.Expect, orders).(map[string]any)
			if want := int(expect["status"].(float64)); status != want {
				t.Errorf("status %d, expected %d", status, want)
			}
			if want, ok := expect["code"]; ok && lookup(answer, "code") != want {
				t.Errorf("code %v, expected %v", lookup(answer, "code"), want)
			}
			equals, _ := expect["equals"].(map[string]any)
			for path, want := range equals {
				if got := lookup(answer, path); !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %v, expected %v", path, got, want)
				}
			}
			lengths, _ := expect["lengths"].(map[string]any)
			for path, want := range lengths {
				got, ok := lookup(answer, path).([]any)
				if !ok || len(got) != int(want.(float64)) {
					t.Errorf("len(%s) = %d (list: %v), expected %v", path, len(got), ok, want)
				}
			}
			present, _ := expect["present"].([]any)
			for _, path := range present {
				if got := lookup(answer, path.(string)); got == missing || got == nil {
					t.Errorf("%s missing", path)
				}
			}
			if states, ok := expect["orders"].(map[string]any); ok && len(states) > 0 {
				var now seeded
				control(t, base, "/mock/orders", nil, &now)
				byID := map[string]string{}
				for _, o := range now.Orders {
					byID[o.OrderID] = o.Status
				}
				for id, want := range states {
					if byID[id] != want {
						t.Errorf("order %s is %q on the mock, expected %v", id, byID[id], want)
					}
				}
			}
		})
	}
	if ran < 10 {
		t.Fatalf("only %d scenarios", ran)
	}
}
