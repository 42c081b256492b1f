/**
 * Checks that a release tag is `v` + deno.json's version.
 *
 *   deno run scripts/version_check.ts v0.1.0     exit 0 if it matches, 1 if not, 2 on usage
 */
// deno-lint-ignore-file no-console
import config from "../deno.json" with { type: "json" };

export function tagMatches(tag: string, version: string = config.version): boolean {
  return tag.replace(/^refs\/tags\//, "") === `v${version}`;
}

if (import.meta.main) {
  const tag = Deno.args[0];
  if (!tag || Deno.args.length !== 1) {
    console.error("Usage: deno run scripts/version_check.ts TAG");
    Deno.exit(2);
  }
  if (!tagMatches(tag)) {
    console.error(
      `error: Cannot release tag "${tag}": deno.json version is "${config.version}" (expected tag "v${config.version}")`,
    );
    Deno.exit(1);
  }
  console.log(`tag ${tag} matches deno.json version ${config.version}`);
}
