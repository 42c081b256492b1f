/**
 * What the importer knows about the target instance. Users, queues and flows are each
 * read at most once and only when something needs it (no ListUsers when no USER item is
 * resolved). Existing quick connects come from SearchQuickConnects (config and tags, 100 per call) when
 * details are needed, else from ListQuickConnects (1000 names per call); when Search is
 * denied, ListQuickConnects plus DescribeQuickConnect for just the items that need it.
 */
import {
  type ConnectClient,
  type ContactFlowSummary,
  type QueueSummary,
  type QuickConnect,
  SearchQuickConnectsCommand,
  type UserSummary,
} from "@aws-sdk/client-connect";
import { isSearchUnavailable, toFatal } from "./errors.ts";
import { isInterrupted } from "./limiter.ts";
import {
  describeQuickConnect,
  readFlows,
  readQueueLinks,
  readQueues,
  readQuickConnectSummaries,
  readUsers,
  searchQuickConnects,
} from "./inventory.ts";
import type { Logger } from "./log.ts";
import { mapPool } from "./pool.ts";

/**
 * A quick connect as read, with Tags always present. DescribeQuickConnect leaves the Tags
 * member out when there are none (a TagMap has at least one entry), so absent means {}.
 * ASSUMPTION (unverified on the live service): SearchQuickConnects results do the same,
 * i.e. they carry Tags whenever the quick connect has any; the export relies on it too.
 * This saves one ListTagsForResource per untagged quick connect.
 */
function withTags(qc: QuickConnect): QuickConnect {
  return qc.Tags !== undefined ? qc : { ...qc, Tags: {} };
}

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
  /** The last list of names read with ListQuickConnects (findByName's fallback). */
  #names?: Map<string, ExistingQuickConnect>;

  constructor(options: TargetOptions) {
    this.#o = options;
  }

  /** Wraps a read whose failure stops the run (exit 3) with the cause and the next step. */
  async #fatal<T>(action: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (isInterrupted(err)) throw err;
      throw toFatal(err, this.#o, action);
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
        for (const qc of found) {
          if (!qc.QuickConnectId || qc.Name === undefined) continue;
          byName.set(qc.Name, { id: qc.QuickConnectId, arn: qc.QuickConnectARN, name: qc.Name });
          this.#details.set(qc.QuickConnectId, Promise.resolve(withTags(qc)));
        }
        return byName;
      } catch (err) {
        if (!isSearchUnavailable(err)) {
          return await this.#fatal("connect:SearchQuickConnects", () => Promise.reject(err));
        }
        // Search needs its own IAM action; List + Describe is slower but allowed more often.
        this.#searchDenied = true;
        this.#o.logger.warning(
          "SearchQuickConnects is not allowed for these credentials; reading quick connects with ListQuickConnects and DescribeQuickConnect instead",
        );
      }
    }
    const list = await this.#fatal("connect:ListQuickConnects", () => this.#list());
    this.#names = list;
    return list;
  }

  async #list(): Promise<Map<string, ExistingQuickConnect>> {
    const byName = new Map<string, ExistingQuickConnect>();
    const list = await readQuickConnectSummaries(this.#o.client, this.#o.instanceId);
    for (const s of list) {
      if (s.Id && s.Name !== undefined) byName.set(s.Name, { id: s.Id, arn: s.Arn, name: s.Name });
    }
    return byName;
  }

  /** Drops cached details so the next reads see the target as it is now (verify). */
  forgetDetails(): void {
    this.#details.clear();
  }

  /** The full quick connect, tags included (one DescribeQuickConnect, cached). */
  detail(id: string): Promise<QuickConnect> {
    let p = this.#details.get(id);
    if (!p) {
      p = describeQuickConnect(this.#o.client, this.#o.instanceId, id).then(withTags);
      // A failed read is not cached: a later caller (verify) may try again.
      const mine = p;
      mine.catch(() => {
        if (this.#details.get(id) === mine) this.#details.delete(id);
      });
      this.#details.set(id, p);
    }
    return p;
  }

  /**
   * The quick connect named exactly `name`, whole, read now (not from the cache): one
   * SearchQuickConnects with an EXACT name condition. When Search is denied, from the
   * list of names (read again only when the name is not in the last one read) plus
   * DescribeQuickConnect. Errors are the caller's to handle.
   */
  async findByName(name: string): Promise<QuickConnect | undefined> {
    if (!this.#searchDenied) {
      try {
        const res = await this.#o.client.send(
          new SearchQuickConnectsCommand({
            InstanceId: this.#o.instanceId,
            MaxResults: 100,
            SearchCriteria: {
              StringCondition: { FieldName: "name", Value: name, ComparisonType: "EXACT" },
            },
          }),
        );
        // EXACT is case-sensitive in the emulator; compare again in case the service is not.
        const hit = (res.QuickConnects ?? []).find((qc) => qc.Name === name);
        if (!hit?.QuickConnectId) return undefined;
        const full = withTags(hit);
        this.#details.set(hit.QuickConnectId, Promise.resolve(full));
        return full;
      } catch (err) {
        if (!isSearchUnavailable(err)) throw err;
        this.#searchDenied = true;
        this.#o.logger.warning(
          "SearchQuickConnects is not allowed for these credentials; looking quick connects up with ListQuickConnects and DescribeQuickConnect instead",
        );
      }
    }
    let found = this.#names?.get(name);
    if (!found) {
      this.#names = await this.#list();
      found = this.#names.get(name);
    }
    if (!found) return undefined;
    this.#details.delete(found.id);
    return await this.detail(found.id);
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
  /**
   * Queue links read ahead (prefetchAssociations), handed out once: associate() may use
   * them, since a link present before the run stays present; verify reads afresh.
   */
  #prefetched = new Map<string, Promise<Set<string>>>();

  #readLinks(queueId: string): Promise<Set<string>> {
    return readQueueLinks(this.#o.client, this.#o.instanceId, queueId);
  }

  /** Starts reading these queues' links now, in the background (the associations bucket). */
  prefetchAssociations(queueIds: readonly string[]): void {
    const todo = queueIds.filter((id) => !this.#prefetched.has(id));
    const pending = new Map<string, (p: Promise<Set<string>>) => void>();
    for (const id of todo) {
      this.#prefetched.set(id, new Promise((resolve) => pending.set(id, resolve)));
    }
    // The same four-at-a-time pool as a direct read; errors surface when consumed.
    void mapPool(todo, 4, (id) => {
      const read = this.#readLinks(id);
      read.catch(() => {});
      pending.get(id)?.(read);
      return read.then(() => {}, () => {});
    });
  }

  async associations(
    queueIds: readonly string[],
    opts: { fresh?: boolean } = {},
  ): Promise<{ links: Map<string, Set<string>>; failed: Map<string, unknown> }> {
    const links = new Map<string, Set<string>>();
    const failed = new Map<string, unknown>();
    await mapPool(queueIds, 4, async (queueId) => {
      const ahead = opts.fresh ? undefined : this.#prefetched.get(queueId);
      this.#prefetched.delete(queueId);
      try {
        links.set(queueId, await (ahead ?? this.#readLinks(queueId)));
      } catch (err) {
        if (isInterrupted(err)) throw err;
        failed.set(queueId, err);
      }
    });
    return { links, failed };
  }
}
