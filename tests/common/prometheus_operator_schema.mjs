// Validates Prometheus operator objects (a JSON array on stdin) against the JSON schemas that
// @kubernetes-models/prometheus-operator generates from the operator's CRDs: the consumer's own
// definition of a PrometheusRule and a PodMonitor, which flinkform does not bundle.
//
// Usage: node prometheus_operator_schema.mjs <path of the package's package.json>
// Prints `ok <i> <kind> <name>` or `error <i> <kind> <name>: <what>` per object; exits 1 when
// any object is invalid or of a kind the package does not define.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const pkg = dirname(process.argv[2]);
const objects = JSON.parse(readFileSync(0, "utf8"));
let failed = 0;
for (const [i, o] of objects.entries()) {
  const name = o?.metadata?.name;
  try {
    const url = pathToFileURL(join(pkg, "monitoring.coreos.com/v1", `${o.kind}.js`)).href;
    const Model = (await import(url))[o.kind];
    new Model(o).validate();
    console.log(`ok ${i} ${o.kind} ${name}`);
  } catch (e) {
    failed++;
    console.log(`error ${i} ${o.kind} ${name}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
