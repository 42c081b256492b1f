/**
 * One quick connect looked up by its exact name, now: a SearchQuickConnects with an EXACT name
 * condition, or once Search is refused (one warning), ListQuickConnects plus one Describe.
 */
import { type QuickConnect, SearchQuickConnectsCommand } from "@aws-sdk/client-connect";
import { isInterrupted } from "./limiter.ts";
import { describeQuickConnect, readQuickConnects, searchRefused } from "./reads.ts";
import type { RunContext } from "../context.ts";
import { isFatalForRun, isSearchUnavailable } from "../errors.ts";
import { NameIndex, sameName } from "../names.ts";

/** Whether SearchQuickConnects may still be used in this run. */
export interface SearchAvailability {
  available: boolean;
}

/**
 * The quick connect named `name` (that spelling, else one the same under NFC). Search may
 * leave Tags out (docs/live-service.md): with `needsTags` they are read with Describe.
 */
export async function findQuickConnect(
  ctx: RunContext,
  name: string,
  search: SearchAvailability,
  needsTags: boolean,
): Promise<QuickConnect | undefined> {
  if (search.available) {
    try {
      const found = await searchExact(ctx, name);
      if (!found?.QuickConnectId || found.Tags !== undefined) return found;
      return needsTags
        ? await describeQuickConnect(ctx.client, ctx.instanceId, found.QuickConnectId)
        : { ...found, Tags: {} };
    } catch (err) {
      if (!isSearchUnavailable(err)) throw err;
      search.available = false;
      searchRefused(ctx.logger, err);
    }
  }
  const read = await readQuickConnects({
    client: ctx.client,
    instanceId: ctx.instanceId,
    logger: ctx.logger,
    details: false,
    isFatal: (err) => isInterrupted(err) || isFatalForRun(err),
  });
  const listed = new NameIndex(read.items).get(name);
  return listed ? await describeQuickConnect(ctx.client, ctx.instanceId, listed.id) : undefined;
}

async function searchExact(ctx: RunContext, name: string): Promise<QuickConnect | undefined> {
  const res = await ctx.client.send(
    new SearchQuickConnectsCommand({
      InstanceId: ctx.instanceId,
      MaxResults: 100,
      SearchCriteria: {
        StringCondition: { FieldName: "name", Value: name, ComparisonType: "EXACT" },
      },
    }),
  );
  // EXACT's handling of case and Unicode forms is not documented: compared again here,
  // that spelling first, else one the same under NFC (lib/names.ts).
  const hits = (res.QuickConnects ?? []).filter((qc) =>
    qc.QuickConnectId && sameName(qc.Name ?? "", name)
  );
  return hits.find((qc) => qc.Name === name) ?? hits[0];
}
