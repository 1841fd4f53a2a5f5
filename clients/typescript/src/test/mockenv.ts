// Tests that need the Python mock exchange: without its URL they fail under CI (CI=true), else they are
// skipped with one line saying how to run them, so that `npm test` works in a fresh checkout of this folder.
import type { TestContext } from "node:test";

/** True (and the test skipped, or failed under CI) when `url` is empty: `if (noMock(t, url, "...")) return;`. */
export function noMock(t: TestContext, url: string, name: string): boolean {
  if (url) return false;
  const how =
    `${name} is not set: run \`pip install 'bitget-batch-cancel[mock]'; bitget-mock --port 0\`` +
    ` and export ${name}=http://127.0.0.1:<port> (the repository's \`nox -s typescript\` does)`;
  if (process.env.CI) throw new Error(how);
  t.skip(how);
  return true;
}
