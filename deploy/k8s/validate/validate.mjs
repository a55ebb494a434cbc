// Reads rendered manifests (multi-document YAML) on stdin and validates every document twice:
//  1. against the JSON schema of its apiVersion and kind: Kubernetes' own (kubernetes-models,
//     generated from the Kubernetes OpenAPI document) and the CloudNativePG and Strimzi CRDs
//     (types, required fields, enumerations, formats);
//  2. strictly: every field must exist in that schema. The same models' TypeScript types are
//     compiled against each document as an object literal, so a misspelt or misplaced field
//     ("readinesProbe", a probe under the pod instead of the container) fails.
// A kind without a schema here is an error, so nothing passes unchecked. Prints one line per
// document; exits 1 if any document is invalid.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { parseAllDocuments } from "yaml";

const packages = {
  v1: "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "postgresql.cnpg.io/v1": "@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1",
  "kafka.strimzi.io/v1beta2": "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2",
};

const here = dirname(fileURLToPath(import.meta.url));
const problems = new Map();
const objects = [];
for (const document of parseAllDocuments(readFileSync(0, "utf8"))) {
  if (document.errors.length > 0) {
    console.log(`INVALID yaml: ${document.errors.map((e) => e.message).join("; ")}`);
    problems.set(`yaml#${objects.length}`, []);
    continue;
  }
  const object = document.toJS();
  if (object !== null) objects.push(object);
}

const name = (o) => `${o.apiVersion} ${o.kind} ${o.metadata?.name}`;
const report = (o, problem) => {
  const list = problems.get(name(o)) ?? [];
  list.push(problem);
  problems.set(name(o), list);
};

// 1. schemas
const checked = [];
for (const object of objects) {
  const module = packages[object.apiVersion];
  if (!module) {
    report(object, "no schema for this apiVersion");
    continue;
  }
  let Model;
  try {
    Model = (await import(`${module}/${object.kind}`))[object.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) {
    report(object, "no schema for this kind");
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    report(object, error.message);
  }
  checked.push({ object, module });
}

// 2. no field outside the schema
const lines = [];
const owners = [];
checked.forEach(({ object, module }, i) => {
  lines.push(`import type { I${object.kind} as T${i} } from "${module}/${object.kind}";`);
});
checked.forEach(({ object }, i) => {
  for (const line of `export const d${i}: T${i} = ${JSON.stringify(object, null, 1)};`.split("\n")) {
    lines.push(line);
    owners[lines.length - 1] = object;
  }
});
const directory = mkdtempSync(join(here, ".strict-"));
try {
  const file = join(directory, "manifests.ts");
  writeFileSync(file, lines.join("\n"));
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  });
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
    if (!diagnostic.file || diagnostic.file.fileName !== file) {
      console.log(`INVALID checker: ${message}`);
      problems.set("checker", [message]);
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const owner = owners[line];
    if (owner) report(owner, message);
    else problems.set(`line ${line}`, [message]);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

for (const object of objects) {
  const found = problems.get(name(object));
  console.log(found ? `INVALID ${name(object)}: ${found.join("; ")}` : `valid ${name(object)}`);
}
for (const [key, list] of problems) {
  if (!objects.some((o) => name(o) === key)) console.log(`INVALID ${key}: ${list.join("; ")}`);
}
process.exit(problems.size === 0 ? 0 : 1);
