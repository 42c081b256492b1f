/**
 * What the importer knows about the target instance. Each list is read at most once and
 * only when something needs it (no ListUsers when no USER item is resolved). Existing
 * quick connects come from SearchQuickConnects (config and tags, 100 per call) when
 * details are needed, else from ListQuickConnects (1000 names per call); when Search is
 * denied, ListQuickConnects plus DescribeQuickConnect for just the items that need it.
 */
import {
  type ConnectClient,
  type ContactFlowSummary,
  ListTagsForResourceCommand,
  type QueueSummary,
  type QuickConnect,
  type UserSummary,
} from "@aws-sdk/client-connect";
import { FatalAwsError, guidance, isAccessDenied } from "./errors.ts";
import {
  describeQuickConnect,
  readFlows,
  readQueueQuickConnects,
  readQueues,
  readQuickConnectSummaries,
  readUsers,
  searchQuickConnects,
} from "./inventory.ts";
import type { Logger } from "./log.ts";
import { mapPool } from "./pool.ts";

/** An existing quick connect by name; its details come from Target.detail(). */
export interface ExistingQuickConnect {
  id: string;
  arn?: string;
  name: string;
}

export interface TargetOptions {
  client: ConnectClient;
  instanceId: string;
  region: string;
  endpoint?: string;
  logger: Logger;
}

export class Target {
  readonly #o: TargetOptions;
  #users?: Promise<UserSummary[]>;
  #queues?: Promise<QueueSummary[]>;
  #flows?: Promise<ContactFlowSummary[]>;
  readonly #details = new Map<string, Promise<QuickConnect>>();
  #searchDenied = false;

  constructor(options: TargetOptions) {
    this.#o = options;
  }

  /** Wraps a read whose failure stops the run (exit 3) with the cause and the next step. */
  async #fatal<T>(action: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if ((err as Error)?.name === "InterruptedError") throw err;
      const g = guidance(err, {
        action,
        instanceId: this.#o.instanceId,
        region: this.#o.region,
        endpoint: this.#o.endpoint,
      });
      throw new FatalAwsError(g.cause, g.hint, { cause: err });
    }
  }

  /**
   * Every quick connect of the target by name. With `details`, Search fills the detail
   * cache in the same pass, so updates and verification need no further reads.
   */
  async quickConnects(details: boolean): Promise<Map<string, ExistingQuickConnect>> {
    const byName = new Map<string, ExistingQuickConnect>();
    if (details && !this.#searchDenied) {
      try {
        const found: QuickConnect[] = [];
        for await (const page of searchQuickConnects(this.#o.client, this.#o.instanceId)) {
          found.push(...page);
        }
        // A service that fills Tags for some results leaves it out only where there are
        // none; if it filled none, detail() asks ListTagsForResource instead.
        const fillsTags = found.some((qc) => qc.Tags !== undefined);
        for (const qc of found) {
          if (!qc.QuickConnectId || qc.Name === undefined) continue;
          byName.set(qc.Name, { id: qc.QuickConnectId, arn: qc.QuickConnectARN, name: qc.Name });
          const full = fillsTags ? { ...qc, Tags: qc.Tags ?? {} } : qc;
          this.#details.set(qc.QuickConnectId, Promise.resolve(full));
        }
        return byName;
      } catch (err) {
        if (!isAccessDenied(err)) {
          return await this.#fatal("connect:SearchQuickConnects", () => Promise.reject(err));
        }
        // Search needs its own IAM action; List + Describe is slower but allowed more often.
        this.#searchDenied = true;
        this.#o.logger.warning(
          "SearchQuickConnects is not allowed for these credentials; reading quick connects with ListQuickConnects and DescribeQuickConnect instead",
        );
        byName.clear();
      }
    }
    const list = await this.#fatal(
      "connect:ListQuickConnects",
      () => readQuickConnectSummaries(this.#o.client, this.#o.instanceId),
    );
    for (const s of list) {
      if (s.Id && s.Name !== undefined) byName.set(s.Name, { id: s.Id, arn: s.Arn, name: s.Name });
    }
    return byName;
  }

  /** Drops cached details so the next reads see the target as it is now (verify). */
  forgetDetails(): void {
    this.#details.clear();
  }

  /**
   * The full quick connect, tags included. Search results that carry no Tags member
   * (whether the live service fills it is unverified) get them from ListTagsForResource.
   */
  detail(id: string): Promise<QuickConnect> {
    let p = this.#details.get(id);
    if (!p) {
      p = describeQuickConnect(this.#o.client, this.#o.instanceId, id);
      this.#details.set(id, p);
    }
    return p.then(async (qc) => {
      if (qc.Tags !== undefined || !qc.QuickConnectARN) return qc;
      const out = await this.#o.client.send(
        new ListTagsForResourceCommand({ resourceArn: qc.QuickConnectARN }),
      );
      const full = { ...qc, Tags: out.tags ?? {} };
      this.#details.set(id, Promise.resolve(full));
      return full;
    });
  }

  /** Details of several quick connects, four reads at a time (10 req/s, latency-bound). */
  details(ids: readonly string[]): Promise<QuickConnect[]> {
    return mapPool(ids, 4, (id) => this.detail(id));
  }

  users(): Promise<UserSummary[]> {
    this.#users ??= this.#fatal(
      "connect:ListUsers",
      () => readUsers(this.#o.client, this.#o.instanceId),
    );
    return this.#users;
  }

  /** STANDARD queues only: agent queues are not matched by name (CONNECT_API.md §7). */
  queues(): Promise<QueueSummary[]> {
    this.#queues ??= this.#fatal(
      "connect:ListQueues",
      () => readQueues(this.#o.client, this.#o.instanceId, ["STANDARD"]),
    );
    return this.#queues;
  }

  flows(): Promise<ContactFlowSummary[]> {
    this.#flows ??= this.#fatal(
      "connect:ListContactFlows",
      () => readFlows(this.#o.client, this.#o.instanceId),
    );
    return this.#flows;
  }

  /**
   * Quick connect IDs linked to each queue. A queue whose links cannot be read is
   * returned in `failed` with the reason; the others are still usable.
   */
  async associations(
    queueIds: readonly string[],
  ): Promise<{ links: Map<string, Set<string>>; failed: Map<string, unknown> }> {
    const links = new Map<string, Set<string>>();
    const failed = new Map<string, unknown>();
    await mapPool(queueIds, 4, async (queueId) => {
      try {
        const list = await readQueueQuickConnects(this.#o.client, this.#o.instanceId, queueId);
        links.set(queueId, new Set(list.flatMap((s) => s.Id ? [s.Id] : [])));
      } catch (err) {
        if ((err as Error)?.name === "InterruptedError") throw err;
        failed.set(queueId, err);
      }
    });
    return { links, failed };
  }
}
