/**
 * Narrowing a PromQL expression to one service (the dashboard's per-service rows): every
 * metric selector gets the matcher, and nothing else does. The expected expressions are
 * written from PromQL's grammar (prometheus.io/docs/prometheus/latest/querying/), not from
 * the code.
 */
import { strict as assert } from "assert";
import { withMatcher } from "../components/observability/promql";

const M = 'service="a"';
const narrow = (expr: string): string => withMatcher(expr, M);

/** PromQL's aggregation operators, as the querying/operators page lists them. */
const AGGREGATION_OPERATORS = ["sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"];

describe("PromQL: narrowing to one service", () => {
    it("adds the matcher to a bare selector, to empty braces, and after existing matchers", () => {
        assert.equal(narrow("up"), 'up{service="a"}');
        assert.equal(narrow("up{}"), 'up{service="a"}');
        assert.equal(narrow('x{area="heap"}'), 'x{area="heap",service="a"}');
        assert.equal(narrow('x{ area="heap" }'), 'x{area="heap",service="a"}');
    });

    it("leaves range and subquery durations, offsets and numbers alone", () => {
        assert.equal(narrow("rate(x[5m])"), 'rate(x{service="a"}[5m])');
        assert.equal(narrow("max_over_time(rate(x[1m])[30m:1m])"), 'max_over_time(rate(x{service="a"}[1m])[30m:1m])');
        assert.equal(narrow("x offset 5m"), 'x{service="a"} offset 5m');
        assert.equal(narrow("x > 1.5e3"), 'x{service="a"} > 1.5e3');
    });

    it("leaves string arguments alone, in either quote, with escapes and braces inside", () => {
        assert.equal(narrow('label_replace(up, "dst", "$1", "src", "(.*)")'), 'label_replace(up{service="a"}, "dst", "$1", "src", "(.*)")');
        assert.equal(narrow("count_values('version', build_info)"), "count_values('version', build_info{service=\"a\"})");
        assert.equal(narrow('label_replace(up, "d", "a\\"b x", "s", ".*")'), 'label_replace(up{service="a"}, "d", "a\\"b x", "s", ".*")');
        assert.equal(narrow('x{path="/a/{id}"}'), 'x{path="/a/{id}",service="a"}');
        assert.equal(narrow("x{path=~'}'} + y"), "x{path=~'}',service=\"a\"} + y{service=\"a\"}");
    });

    it("leaves the label lists of by, without, on, ignoring, group_left and group_right alone", () => {
        assert.equal(narrow("sum by (le) (rate(h_bucket[5m]))"), 'sum by (le) (rate(h_bucket{service="a"}[5m]))');
        assert.equal(narrow("sum without (instance) (x)"), 'sum without (instance) (x{service="a"})');
        assert.equal(narrow("max(x) by (pod)"), 'max(x{service="a"}) by (pod)');
        assert.equal(narrow("a / on (pod) b"), 'a{service="a"} / on (pod) b{service="a"}');
        assert.equal(narrow("a / ignoring (code) b"), 'a{service="a"} / ignoring (code) b{service="a"}');
        assert.equal(narrow("a * on (pod) group_left (node) b"), 'a{service="a"} * on (pod) group_left (node) b{service="a"}');
        assert.equal(narrow("a * on(pod) group_right(node) b"), 'a{service="a"} * on(pod) group_right(node) b{service="a"}');
        // After a grouping closes, selectors are selectors again.
        assert.equal(narrow("sum by (le) (x) / sum(y)"), 'sum by (le) (x{service="a"}) / sum(y{service="a"})');
    });

    it("leaves set operators, bool and function names alone", () => {
        assert.equal(narrow("a and b"), 'a{service="a"} and b{service="a"}');
        assert.equal(narrow("a or b"), 'a{service="a"} or b{service="a"}');
        assert.equal(narrow("a unless b"), 'a{service="a"} unless b{service="a"}');
        assert.equal(narrow("a > bool b"), 'a{service="a"} > bool b{service="a"}');
        assert.equal(narrow("histogram_quantile(0.95, rate(h[5m]))"), 'histogram_quantile(0.95, rate(h{service="a"}[5m]))');
        assert.equal(narrow("a / b > 0.5"), 'a{service="a"} / b{service="a"} > 0.5');
    });

    for (const op of AGGREGATION_OPERATORS) {
        it(`knows ${op} for an aggregation, with its grouping before the parenthesis`, () => {
            assert.equal(narrow(`${op} by (pod) (x)`), `${op} by (pod) (x{service="a"})`);
        });
    }
});

describe("PromQL: what the grammar decides", () => {
    it("narrows a selector by __name__ alone, and keeps a trailing comma from doubling", () => {
        assert.equal(narrow('{__name__="up"}'), '{__name__="up",service="a"}');
        assert.equal(narrow('x{a="b",}'), 'x{a="b",service="a"}');
    });

    it("refuses an expression PromQL cannot parse, saying where, instead of narrowing a guess", () => {
        assert.throws(() => narrow("rate(x[5m]"), /not a PromQL expression: "rate\(x\[5m\]" \(at character \d+/);
        assert.throws(() => narrow('x{a="b}'), /not a PromQL expression/);
    });
});
