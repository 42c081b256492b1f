/**
 * Deterministic seed fixtures of any size, for tests and the benchmark: users, standard
 * queues, flows of every type a quick connect needs, quick connects of all four types
 * with tags, and queue links.
 */
import type { FixtureInput } from "../../emulator/testing.ts";

export interface GenerateOptions {
  quickConnects: number;
  users?: number;
  queues?: number;
  /** Quick connects linked to each queue (the first K, rotating). */
  linksPerQueue?: number;
  alias?: string;
  region?: string;
  /** Prefix of every ID, so two instances generated alike have different IDs. */
  idPrefix?: string;
  quota?: number;
  /**
   * Share of FLOW quick connects (chat transfers, never linked to queues); the others cycle
   * USER, QUEUE, PHONE_NUMBER. Default: the four types in turn, every one linkable.
   */
  flowShare?: number;
  /**
   * The memory fixture: every quick connect has a description (about 120 characters) and
   * five tags, and each queue's links are spread over the whole list (queue q takes every
   * `queues`-th linkable quick connect from q on), so enough links reach every one of them.
   */
  rich?: boolean;
}

/** Five tags of realistic length, varied so no two items share one object. */
function richTags(i: number): Record<string, string> {
  return {
    Team: `contact-centre-team-${i % 7}`,
    CostCenter: `CC-${String(100000 + (i % 13) * 7919).padStart(8, "0")}`,
    Owner: `owner${i % 53}@example.com`,
    Environment: i % 2 === 0 ? "production" : "staging",
    Project: `quick-connect-migration-wave-${(i % 9) + 1}`,
  };
}

const hex = (n: number, width = 12) => n.toString(16).padStart(width, "0");

export function instanceFixture(
  o: GenerateOptions,
): NonNullable<FixtureInput["Instances"]>[number] {
  const p = o.idPrefix ?? "a0000000";
  const id = (kind: number, n: number) => `${p}-${hex(kind, 4)}-4000-8000-${hex(n)}`;
  const users = Array.from({ length: o.users ?? 20 }, (_, i) => ({
    Id: id(1, i),
    Username: `agent${String(i).padStart(4, "0")}`,
  }));
  const queues = Array.from({ length: o.queues ?? 8 }, (_, i) => ({
    Id: id(2, i),
    Name: `Queue ${String(i).padStart(3, "0")}`,
    QueueType: "STANDARD" as const,
  }));
  const flows = [
    { Id: id(3, 0), Name: "Default agent transfer", ContactFlowType: "AGENT_TRANSFER" as const },
    { Id: id(3, 1), Name: "Default queue transfer", ContactFlowType: "QUEUE_TRANSFER" as const },
    { Id: id(3, 2), Name: "Inbound chat flow", ContactFlowType: "CONTACT_FLOW" as const },
    { Id: id(3, 3), Name: "Customer queue", ContactFlowType: "CUSTOMER_QUEUE" as const },
  ];
  const isFlow = (i: number) =>
    o.flowShare === undefined ? i % 4 === 3 : (i % 100) >= 100 - Math.round(o.flowShare * 100);
  const quickConnects = Array.from({ length: o.quickConnects }, (_, i) => {
    const kind = isFlow(i) ? 3 : o.flowShare === undefined ? i % 4 : i % 3;
    const name = `QC ${String(i).padStart(5, "0")}`;
    const user = users[i % users.length];
    const queue = queues[i % queues.length];
    const config = kind === 0 && user
      ? {
        QuickConnectType: "USER" as const,
        UserConfig: { UserId: user.Id, ContactFlowId: id(3, 0) },
      }
      : kind === 1 && queue
      ? {
        QuickConnectType: "QUEUE" as const,
        QueueConfig: { QueueId: queue.Id, ContactFlowId: id(3, 1) },
      }
      : kind === 2
      ? {
        QuickConnectType: "PHONE_NUMBER" as const,
        PhoneConfig: { PhoneNumber: `+1555${String(1000000 + i)}` },
      }
      : { QuickConnectType: "FLOW" as const, FlowConfig: { ContactFlowId: id(3, 2) } };
    if (o.rich) {
      return {
        QuickConnectId: id(4, i),
        Name: name,
        Description: `Transfer ${i} for the ${config.QuickConnectType.toLowerCase()} route of ` +
          `region ${i % 11}; reviewed by the contact centre team, keep in sync with the runbook`,
        QuickConnectConfig: config,
        Tags: richTags(i),
      };
    }
    return {
      QuickConnectId: id(4, i),
      Name: name,
      ...(i % 3 === 0 ? {} : { Description: `Generated quick connect ${i}` }),
      QuickConnectConfig: config,
      ...(i % 5 === 0
        ? {}
        : { Tags: { Team: `team-${i % 7}`, CostCenter: String(100 + (i % 13)) } }),
    };
  });
  const linkable = o.flowShare === undefined
    ? quickConnects
    : quickConnects.filter((_, i) => !isFlow(i));
  const perQueue = Math.min(o.linksPerQueue ?? 10, linkable.length);
  const links: Record<string, string[]> = {};
  queues.forEach((q, qi) => {
    links[q.Id] = Array.from(
      { length: perQueue },
      (_, k) =>
        linkable[(o.rich ? qi + k * queues.length : qi * 7 + k) % linkable.length]
          ?.QuickConnectId ?? "",
    );
    links[q.Id] = [...new Set(links[q.Id])];
  });
  return {
    Id: `${p}-0000-4000-8000-000000000000`,
    Alias: o.alias ?? "generated",
    Region: o.region ?? "us-east-1",
    AccountId: "123456789012",
    QuickConnectQuota: o.quota ?? Math.max(100, o.quickConnects * 2),
    Users: users,
    Queues: queues,
    ContactFlows: flows,
    QuickConnects: quickConnects,
    QueueQuickConnects: links,
  };
}

/** A source instance with N quick connects and an empty target with the same names. */
export function migrationFixture(o: GenerateOptions): FixtureInput {
  const source = instanceFixture({ ...o, alias: "source", idPrefix: "a0000000" });
  const target = instanceFixture({
    ...o,
    quickConnects: 0,
    alias: "target",
    idPrefix: "b0000000",
    quota: Math.max(100, o.quickConnects * 2),
  });
  return { Instances: [source, target] };
}
