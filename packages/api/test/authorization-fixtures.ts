import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_POLICY_TERMS, parseRunConfig } from "@strata/contract";
import { withTenant } from "@strata/db";
import { clusterRun } from "../src/jobs/cluster-run.js";
import { insertAssignments, readFeatureMatrix } from "../src/jobs/run-data.js";
import type { Permission } from "../src/permissions.js";
import { receiveUpload } from "../src/services/import/receive-upload.js";
import type { Caller, openHarness } from "./harness.js";

/**
 * The world the authorisation matrix runs in, and a valid input for every procedure and REST handler
 * of this workspace. Adding a procedure to the router without an entry in PROCEDURE_FIXTURES fails
 * the matrix test (authorization-matrix.int.test.ts), which is the point: every new front door gets
 * its row in the matrix.
 */
export type Harness = Awaited<ReturnType<typeof openHarness>>;

export const CALLER_KINDS = [
  "anonymous",
  "nonMember",
  "viewer",
  "editor",
  "admin",
  "owner",
  "otherOwner",
] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];
export const MEMBER_KINDS = ["viewer", "editor", "admin", "owner"] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];

export interface Person {
  id: string | null;
  caller: Caller;
}

/** Who may call: anyone, anyone signed in, or members with the role `permission` needs in PERMISSIONS. */
export type Access = { kind: "public" } | { kind: "signedIn" } | { kind: "tenant"; permission: Permission };

export interface ProcedureFixture {
  access: Access;
  /** A valid input for this workspace (fresh state where a call uses it up), for `me`. */
  input: (w: World, me: { kind: CallerKind; id: string | null }) => Promise<unknown> | unknown;
  /** The call changes who is a member (leaving): each caller is a fresh member made for the call. */
  freshCallers?: boolean;
  /**
   * What it answers when another workspace's owner passes this workspace's ids through their own
   * workspace: NOT_FOUND, or null for reads that answer "nothing here" for an unknown id.
   */
  foreignIds?: "NOT_FOUND" | "null";
}

const CSV = "customer_id,name\nC1,Ada\nC2,Grace\n";

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode(text);
}

/** A small seeded PRNG (mulberry32), so the customers are the same on every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

/**
 * One workspace with a member of every role, customers with features, a finished run published as
 * a segment set, a dataset, an import with a rejected-rows report and a cost-to-serve run; a signed-in
 * user of no workspace; the owner of another workspace.
 */
export async function buildWorld(h: Harness, importDir: string) {
  const home = await h.newWorkspace("matrix");
  const workspace = home.workspace;
  const tenantId = home.tenant.id;
  const creator = home.owner;
  const members = {
    viewer: await h.addMember(creator.caller, workspace, "viewer"),
    editor: await h.addMember(creator.caller, workspace, "editor"),
    admin: await h.addMember(creator.caller, workspace, "admin"),
    owner: await h.addMember(creator.caller, workspace, "owner"),
  };
  const nonMember = await h.newUser("stranger");
  const other = await h.newWorkspace("other");
  // Invitations to accept come from a third workspace, so that accepting one is allowed for anyone
  // signed in (a member of this workspace would be "already a member").
  const host = await h.newWorkspace("host");

  const customerIds: string[] = [];
  const random = seeded(11);
  const centres = [
    [10, 20, 5000],
    [200, 2, 150],
    [60, 8, 900],
  ];
  for (let i = 0; i < 30; i++) {
    const c = centres[i % 3]!;
    const id = randomUUID();
    customerIds.push(id);
    await h.database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, $3)", [
      id,
      tenantId,
      `M-${i}`,
    ]);
    const features = {
      recency_days: c[0]! * (0.9 + 0.2 * random()),
      frequency: c[1]! * (0.9 + 0.2 * random()),
      monetary: c[2]! * (0.9 + 0.2 * random()),
    };
    await h.database.query(
      "insert into customer_features (customer_id, tenant_id, features) values ($1, $2, $3)",
      [id, tenantId, JSON.stringify(features)],
    );
  }
  const datasetId = randomUUID();
  await h.database.query(
    "insert into datasets (id, tenant_id, kind, name) values ($1, $2, 'customers', $3)",
    [datasetId, tenantId, "Matrix customers"],
  );

  /** A finished k-means run written the way the worker writes one. */
  async function finishedRun(seed: number) {
    const config = parseRunConfig({ algorithm: "kmeans", k: 3, seed });
    const features = ["recency_days", "frequency", "monetary"];
    const matrix = await readFeatureMatrix(h.database, tenantId, features);
    const output = clusterRun({ data: matrix.data, n: matrix.n, d: matrix.d, features, config });
    const ids = Array.from(output.rows, (r) => matrix.customerIds.at(r));
    const toPoints = (points: Array<[number, number, number, number, number?]>) =>
      points.map(([row, x, y, segment]) => ({ customerId: ids[row]!, x, y, segment }));
    const result = {
      algorithm: config.algorithm,
      algorithmDetails: output.algorithmDetails,
      k: output.k,
      sizes: output.sizes,
      features: output.features,
      modelSelection: output.modelSelection,
      chosenK: output.chosenK,
      preparation: output.preparation,
      map: {
        method: "pca",
        explainedVarianceRatio: output.map.explainedVarianceRatio,
        points: toPoints(output.map.points),
      },
      explanation: output.explanation?.explanation ?? null,
      tsne: toPoints(output.explanation?.tsne ?? []),
      model: output.model,
    };
    const runId = randomUUID();
    await h.database.query(
      `insert into runs (id, tenant_id, config, status, result, metrics, created_by, finished_at)
       values ($1, $2, $3::jsonb, 'succeeded', $4::jsonb, '{}'::jsonb, $5, now())`,
      [runId, tenantId, JSON.stringify(config), JSON.stringify(result), creator.id],
    );
    await withTenant(h.database.db, tenantId, (tx) =>
      insertAssignments(tx, runId, tenantId, matrix.customerIds, output),
    );
    return runId;
  }

  const runA = await finishedRun(1);
  const runB = await finishedRun(2);
  const set = await creator.caller.segment.publish({ workspace, runId: runA, name: "Matrix set" });
  const setView = await creator.caller.segment.getSet({ workspace, id: set.id });
  const segmentId = setView.segments[0]!.id;
  const costRun = await creator.caller.costToServe.compute({ workspace });
  // Editors approve segment definitions here, so the matrix checks the permissions table for every
  // role (without the setting an editor's approval is refused in the service: segment-definitions test).
  await h.database.query("update tenants set editors_can_approve = true where id = $1", [tenantId]);

  async function upload() {
    return receiveUpload(h.database, {
      tenantId,
      userId: creator.id,
      kind: "customers",
      fileName: "people.csv",
      body: bytes(CSV),
      dataDir: importDir,
    });
  }
  const pending = await upload();
  const report = join(importDir, "matrix-rejected.csv");
  writeFileSync(report, "line,column,value,reason\n3,name,,name is empty\n");
  await h.database.query("update imports set rejected_report_path = $1 where id = $2", [
    report,
    pending.importId,
  ]);

  const w = {
    h,
    workspace,
    tenantId,
    creator,
    members,
    nonMember,
    other,
    host,
    customerIds,
    datasetId,
    runA,
    runB,
    setId: set.id,
    segmentId,
    costRunId: (costRun as { id: string }).id,
    importId: pending.importId,
    upload,
    /** The people of the matrix; `fresh` makes new members (for calls that change who is a member). */
    async people(fresh = false): Promise<Record<CallerKind, Person>> {
      const role = async (kind: MemberKind) =>
        fresh ? h.addMember(creator.caller, workspace, kind) : members[kind];
      return {
        anonymous: { id: null, caller: h.anonymous },
        nonMember,
        viewer: await role("viewer"),
        editor: await role("editor"),
        admin: await role("admin"),
        owner: await role("owner"),
        otherOwner: other.owner,
      };
    },
    /** A queued run of this workspace (through the api, as the UI makes one). */
    async queuedRun() {
      return creator.caller.run.create({ workspace, config: { algorithm: "kmeans", k: 3 } });
    },
  };
  return w;
}

const ws = (w: World) => ({ workspace: w.workspace });

/** A rule the matrix's customers can match: frequency above 5. */
const RULE = {
  op: "and" as const,
  conditions: [
    { field: { source: "feature" as const, name: "frequency" }, operator: "gt" as const, value: 5 },
  ],
};

/** A new approved set of the matrix's first run (the creator is an owner). */
async function freshSet(w: World) {
  return w.creator.caller.segment.publish({ ...ws(w), runId: w.runA, name: w.h.unique("set") });
}

/** A fresh set with a draft version 2. */
async function draftSet(w: World) {
  const set = await freshSet(w);
  await w.creator.caller.segment.edit({
    ...ws(w),
    id: set.id,
    baseVersion: 1,
    message: "",
    name: w.h.unique("v2"),
  });
  return set;
}

/** A fresh set whose version 2 is in review. */
async function setInReview(w: World) {
  const set = await draftSet(w);
  await w.creator.caller.segment.requestReview({ ...ws(w), id: set.id, version: 2 });
  return set;
}

/** A fresh draft policy of the matrix's workspace (a channel of its own, so scopes never collide). */
async function freshPolicy(w: World) {
  return w.creator.caller.policy.create({
    ...ws(w),
    scope: { segmentId: null, productClass: null, channel: w.h.unique("ch") },
    terms: DEFAULT_POLICY_TERMS,
  });
}

async function policyInReview(w: World) {
  const policy = await freshPolicy(w);
  await w.creator.caller.policy.requestReview({ ...ws(w), id: policy.id, version: 1 });
  return policy;
}

async function freshScenario(w: World) {
  return w.creator.caller.scenario.create({ ...ws(w), name: w.h.unique("scenario") });
}

/** The comment thread of the matrix's segment set. */
const thread = (w: World) => ({ ...ws(w), entityType: "segment_set" as const, entityId: w.setId });

/** A fresh comment by `kind` when a member (their own), else by the workspace's creator. */
async function ownComment(w: World, kind: CallerKind): Promise<string> {
  const author = (MEMBER_KINDS as readonly string[]).includes(kind)
    ? w.members[kind as MemberKind]
    : w.creator;
  const comment = await author.caller.comment.create({ ...thread(w), body: "A comment to change" });
  return comment.id;
}

/**
 * One entry per procedure of appRouter, by path. `input` is valid for this workspace, so a caller
 * the matrix expects to be allowed must succeed.
 */
export const PROCEDURE_FIXTURES: Record<string, ProcedureFixture> = {
  "health.get": { access: { kind: "public" }, input: () => undefined },

  "account.signUp": {
    access: { kind: "public" },
    input: (w) => ({
      email: `${w.h.unique("signup")}@example.com`,
      password: "plum-orchard-42",
      name: "New",
    }),
  },
  "account.me": { access: { kind: "signedIn" }, input: () => undefined },
  "account.changePassword": {
    access: { kind: "signedIn" },
    // Fresh callers: the new password would not be the harness's PASSWORD for the next call.
    freshCallers: true,
    input: () => ({ currentPassword: "plum-orchard-42", newPassword: "quince-garden-77" }),
  },

  "tenant.list": { access: { kind: "signedIn" }, input: () => undefined },
  "tenant.create": { access: { kind: "signedIn" }, input: (w) => ({ name: w.h.unique("created") }) },
  "tenant.get": { access: { kind: "tenant", permission: "workspace.read" }, input: ws },
  "tenant.settings": { access: { kind: "tenant", permission: "workspace.read" }, input: ws },
  "tenant.updateSettings": {
    access: { kind: "tenant", permission: "workspace.updateSettings" },
    input: (w) => ({ ...ws(w), data: { editorsCanApprove: false } }),
  },

  "tenant.delete": {
    // A fresh workspace per call, where each member kind has its role: deleting the matrix's own
    // workspace would leave nothing for the next procedure.
    access: { kind: "tenant", permission: "workspace.delete" },
    input: async (w, me) => {
      const fresh = await w.h.newWorkspace("doomed");
      if ((MEMBER_KINDS as readonly string[]).includes(me.kind)) {
        const { token } = await fresh.owner.caller.invitation.create({
          workspace: fresh.workspace,
          role: me.kind as MemberKind,
        });
        await w.members[me.kind as MemberKind].caller.invitation.accept({ token });
      }
      return { workspace: fresh.workspace, confirmSlug: fresh.workspace };
    },
  },

  "member.list": { access: { kind: "tenant", permission: "member.read" }, input: ws },
  "member.updateRole": {
    access: { kind: "tenant", permission: "member.updateRole" },
    input: async (w) => {
      const target = await w.h.addMember(w.creator.caller, w.workspace, "viewer");
      return { ...ws(w), userId: target.id, role: "editor" };
    },
  },
  "member.remove": {
    // The table says viewer because members may leave: a member removes themself; everyone else
    // tries to remove a viewer of this workspace.
    access: { kind: "tenant", permission: "member.remove" },
    freshCallers: true,
    input: async (w, me) => {
      const isMember = (MEMBER_KINDS as readonly string[]).includes(me.kind);
      const userId = isMember ? me.id : (await w.h.addMember(w.creator.caller, w.workspace, "viewer")).id;
      return { ...ws(w), userId };
    },
  },

  "invitation.list": { access: { kind: "tenant", permission: "invitation.read" }, input: ws },
  "invitation.create": {
    access: { kind: "tenant", permission: "invitation.create" },
    input: (w) => ({ ...ws(w), role: "viewer" }),
  },
  "invitation.revoke": {
    access: { kind: "tenant", permission: "invitation.revoke" },
    input: async (w) => {
      const { id } = await w.creator.caller.invitation.create({ ...ws(w), role: "viewer" });
      return { ...ws(w), id };
    },
  },
  "invitation.get": {
    access: { kind: "public" },
    input: async (w) => {
      const { token } = await w.creator.caller.invitation.create({ ...ws(w), role: "viewer" });
      return { token };
    },
  },
  "invitation.accept": {
    access: { kind: "signedIn" },
    input: async (w) => {
      const { token } = await w.host.owner.caller.invitation.create({
        workspace: w.host.workspace,
        role: "viewer",
      });
      return { token };
    },
  },

  "audit.list": { access: { kind: "tenant", permission: "audit.read" }, input: ws },
  "audit.feed": { access: { kind: "tenant", permission: "activity.read" }, input: ws },

  "comment.list": { access: { kind: "tenant", permission: "comment.read" }, input: (w) => thread(w) },
  "comment.create": {
    access: { kind: "tenant", permission: "comment.create" },
    input: (w) => ({ ...thread(w), body: "Looks right to me" }),
  },
  "comment.update": {
    // One's own comment: each member edits a comment they wrote; others try the creator's.
    access: { kind: "tenant", permission: "comment.update" },
    input: async (w, me) => ({ id: await ownComment(w, me.kind), ...ws(w), data: { body: "Edited" } }),
  },
  "comment.delete": {
    access: { kind: "tenant", permission: "comment.delete" },
    input: async (w, me) => ({ id: await ownComment(w, me.kind), ...ws(w) }),
  },
  "comment.markRead": { access: { kind: "tenant", permission: "comment.read" }, input: (w) => thread(w) },
  "comment.unreadSummary": { access: { kind: "tenant", permission: "comment.read" }, input: ws },

  "run.create": {
    access: { kind: "tenant", permission: "run.create" },
    input: (w) => ({ ...ws(w), config: { algorithm: "kmeans", k: 3 } }),
  },
  "run.list": { access: { kind: "tenant", permission: "run.read" }, input: ws },
  "run.get": { access: { kind: "tenant", permission: "run.read" }, input: (w) => ({ ...ws(w), id: w.runA }) },
  "run.map": {
    access: { kind: "tenant", permission: "run.read" },
    input: (w) => ({ ...ws(w), id: w.runA, method: "pca" }),
  },
  "run.cancel": {
    access: { kind: "tenant", permission: "run.cancel" },
    input: async (w) => ({ ...ws(w), id: (await w.queuedRun()).id }),
  },
  "run.retry": {
    access: { kind: "tenant", permission: "run.retry" },
    input: async (w) => {
      const run = await w.queuedRun();
      await w.creator.caller.run.cancel({ ...ws(w), id: run.id });
      return { ...ws(w), id: run.id };
    },
  },

  "dataset.list": { access: { kind: "tenant", permission: "dataset.read" }, input: ws },
  "dataset.get": {
    access: { kind: "tenant", permission: "dataset.read" },
    input: (w) => ({ ...ws(w), id: w.datasetId }),
  },

  "import.list": { access: { kind: "tenant", permission: "import.read" }, input: ws },
  "import.get": {
    access: { kind: "tenant", permission: "import.read" },
    input: (w) => ({ ...ws(w), id: w.importId }),
  },
  "import.preview": {
    access: { kind: "tenant", permission: "import.preview" },
    input: (w) => ({ ...ws(w), id: w.importId }),
  },
  "import.start": {
    access: { kind: "tenant", permission: "import.start" },
    input: async (w) => {
      const received = await w.upload();
      const mapping = { ...received.preview.mapping, fields: { customerId: "customer_id", name: "name" } };
      return { ...ws(w), id: received.importId, mapping };
    },
  },
  "import.cancel": {
    access: { kind: "tenant", permission: "import.cancel" },
    input: async (w) => {
      const received = await w.upload();
      const mapping = { ...received.preview.mapping, fields: { customerId: "customer_id", name: "name" } };
      await w.creator.caller.import.start({ ...ws(w), id: received.importId, mapping });
      return { ...ws(w), id: received.importId };
    },
  },

  "customer.counts": { access: { kind: "tenant", permission: "customer.read" }, input: ws },
  "customer.list": { access: { kind: "tenant", permission: "customer.read" }, input: ws },
  "customer.get": {
    access: { kind: "tenant", permission: "customer.read" },
    input: (w) => ({ ...ws(w), id: w.customerIds[0] }),
  },
  "customer.erase": {
    // A fresh customer per call: an erased one is gone for the next caller.
    access: { kind: "tenant", permission: "customer.erase" },
    input: async (w) => {
      const id = randomUUID();
      await w.h.database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, $3)", [
        id,
        w.tenantId,
        w.h.unique("erase"),
      ]);
      return { ...ws(w), id };
    },
  },
  "customer.exportData": {
    access: { kind: "tenant", permission: "customer.exportData" },
    input: (w) => ({ ...ws(w), id: w.customerIds[0] }),
  },

  "segment.publish": {
    access: { kind: "tenant", permission: "segmentSet.publish" },
    input: (w) => ({ ...ws(w), runId: w.runB, name: w.h.unique("set") }),
  },
  "segment.listSets": { access: { kind: "tenant", permission: "segmentSet.read" }, input: ws },
  "segment.getSet": {
    access: { kind: "tenant", permission: "segmentSet.read" },
    input: (w) => ({ ...ws(w), id: w.setId }),
  },
  "segment.get": {
    access: { kind: "tenant", permission: "segmentSet.read" },
    input: (w) => ({ ...ws(w), id: w.segmentId }),
  },
  "segment.customers": {
    access: { kind: "tenant", permission: "segmentSet.read" },
    input: (w) => ({ ...ws(w), segmentId: w.segmentId }),
  },
  "segment.exportPage": {
    access: { kind: "tenant", permission: "segmentSet.export" },
    input: (w) => ({ ...ws(w), segmentId: w.segmentId }),
  },
  "segment.compareRuns": {
    access: { kind: "tenant", permission: "run.read" },
    input: (w) => ({ ...ws(w), runA: w.runA, runB: w.runB }),
  },
  "segment.runInsights": {
    access: { kind: "tenant", permission: "run.read" },
    input: (w) => ({ ...ws(w), runId: w.runA }),
  },
  "segment.fairness": {
    access: { kind: "tenant", permission: "segmentSet.read" },
    input: (w) => ({ ...ws(w), segmentSetId: w.setId }),
  },
  "segment.features": { access: { kind: "tenant", permission: "segmentSet.read" }, input: ws },
  "segment.history": {
    access: { kind: "tenant", permission: "segmentSet.read" },
    input: (w) => ({ ...ws(w), id: w.setId }),
  },
  "segment.edit": {
    access: { kind: "tenant", permission: "segmentSet.edit" },
    input: async (w) => ({
      ...ws(w),
      id: (await freshSet(w)).id,
      baseVersion: 1,
      message: "",
      name: w.h.unique("renamed"),
    }),
  },
  "segment.restore": {
    access: { kind: "tenant", permission: "segmentSet.edit" },
    input: async (w) => ({ ...ws(w), id: (await draftSet(w)).id, version: 1, baseVersion: 2 }),
  },
  "segment.requestReview": {
    access: { kind: "tenant", permission: "segmentSet.review" },
    input: async (w) => ({ ...ws(w), id: (await draftSet(w)).id, version: 2 }),
  },
  "segment.approve": {
    access: { kind: "tenant", permission: "segmentSet.review" },
    input: async (w) => ({ ...ws(w), id: (await setInReview(w)).id, version: 2 }),
  },
  "segment.sendBack": {
    access: { kind: "tenant", permission: "segmentSet.review" },
    input: async (w) => ({ ...ws(w), id: (await setInReview(w)).id, version: 2, reason: "Not yet" }),
  },
  "segment.republishPreview": {
    access: { kind: "tenant", permission: "segmentSet.read" },
    input: (w) => ({ ...ws(w), id: w.setId, runId: w.runB }),
  },
  "segment.republish": {
    access: { kind: "tenant", permission: "segmentSet.edit" },
    input: async (w) => {
      const set = await freshSet(w);
      const preview = await w.creator.caller.segment.republishPreview({
        ...ws(w),
        id: set.id,
        runId: w.runB,
      });
      return {
        ...ws(w),
        id: set.id,
        runId: w.runB,
        baseVersion: 1,
        message: "",
        mapping: preview.clusters.map((c) => ({ cluster: c.cluster, segmentId: c.suggestedSegmentId })),
      };
    },
  },
  "segment.assignByModel": {
    access: { kind: "tenant", permission: "segmentSet.edit" },
    input: (w) => ({ ...ws(w), id: w.setId }),
  },
  "segment.ruleFields": { access: { kind: "tenant", permission: "segmentSet.read" }, input: ws },
  "segment.previewRule": {
    access: { kind: "tenant", permission: "segmentSet.read" },
    input: (w) => ({ ...ws(w), rule: RULE, segmentSetId: w.setId }),
  },
  "segment.createRuleSegment": {
    access: { kind: "tenant", permission: "segmentSet.edit" },
    input: (w) => ({ ...ws(w), name: w.h.unique("rule"), rule: RULE }),
  },
  "segment.editRuleSegment": {
    access: { kind: "tenant", permission: "segmentSet.edit" },
    input: async (w) => {
      const created = await w.creator.caller.segment.createRuleSegment({
        ...ws(w),
        name: w.h.unique("rule"),
        rule: RULE,
      });
      return {
        ...ws(w),
        id: created.id,
        baseVersion: 1,
        message: "",
        rule: { op: "and" as const, conditions: [{ ...RULE.conditions[0], value: 3 }] },
      };
    },
  },
  "segment.ruleFromSurrogate": {
    access: { kind: "tenant", permission: "segmentSet.read" },
    input: (w) => ({ ...ws(w), segmentId: w.segmentId }),
  },

  "policy.list": { access: { kind: "tenant", permission: "policy.read" }, input: ws },
  "policy.productClasses": { access: { kind: "tenant", permission: "policy.read" }, input: ws },
  "policy.create": {
    access: { kind: "tenant", permission: "policy.edit" },
    input: (w) => ({
      ...ws(w),
      scope: { segmentId: null, productClass: null, channel: w.h.unique("ch") },
      terms: DEFAULT_POLICY_TERMS,
    }),
  },
  "policy.edit": {
    access: { kind: "tenant", permission: "policy.edit" },
    input: async (w) => ({
      ...ws(w),
      id: (await freshPolicy(w)).id,
      baseVersion: 1,
      message: "",
      terms: { ...DEFAULT_POLICY_TERMS, dropsPerWeek: 2 },
    }),
  },
  "policy.history": {
    access: { kind: "tenant", permission: "policy.read" },
    input: async (w) => ({ ...ws(w), id: (await freshPolicy(w)).id }),
  },
  "policy.requestReview": {
    access: { kind: "tenant", permission: "policy.review" },
    input: async (w) => ({ ...ws(w), id: (await freshPolicy(w)).id, version: 1 }),
  },
  "policy.approve": {
    access: { kind: "tenant", permission: "policy.review" },
    input: async (w) => ({ ...ws(w), id: (await policyInReview(w)).id, version: 1 }),
  },
  "policy.sendBack": {
    access: { kind: "tenant", permission: "policy.review" },
    input: async (w) => ({ ...ws(w), id: (await policyInReview(w)).id, version: 1, reason: "Not yet" }),
  },
  "policy.explain": {
    access: { kind: "tenant", permission: "policy.read" },
    input: (w) => ({ ...ws(w), customerId: w.customerIds[0] }),
  },

  "scenario.list": { access: { kind: "tenant", permission: "scenario.read" }, input: ws },
  "scenario.create": {
    access: { kind: "tenant", permission: "scenario.edit" },
    input: (w) => ({ ...ws(w), name: w.h.unique("scenario") }),
  },
  "scenario.get": {
    access: { kind: "tenant", permission: "scenario.read" },
    input: async (w) => ({ ...ws(w), id: (await freshScenario(w)).id }),
  },
  "scenario.update": {
    access: { kind: "tenant", permission: "scenario.edit" },
    input: async (w) => ({ ...ws(w), id: (await freshScenario(w)).id, changes: [] }),
  },
  "scenario.evaluate": {
    access: { kind: "tenant", permission: "scenario.edit" },
    input: async (w) => ({ ...ws(w), id: (await freshScenario(w)).id }),
  },
  "scenario.applyChanges": {
    access: { kind: "tenant", permission: "scenario.edit" },
    input: async (w) => {
      const scenario = await freshScenario(w);
      await w.creator.caller.scenario.update({
        ...ws(w),
        id: scenario.id,
        changes: [
          {
            policyId: null,
            name: "Scenario policy",
            segmentId: null,
            productClass: null,
            channel: w.h.unique("ch"),
            terms: DEFAULT_POLICY_TERMS,
            salesLostShare: 0,
          },
        ],
      });
      return { ...ws(w), id: scenario.id };
    },
  },

  "costToServe.getModel": { access: { kind: "tenant", permission: "costModel.read" }, input: ws },
  "costToServe.updateModel": {
    access: { kind: "tenant", permission: "costModel.update" },
    input: (w) => ({
      ...ws(w),
      model: { currency: "EUR", activities: [{ name: "Order handling", driver: "order", rate: 2 }] },
    }),
  },
  "costToServe.compute": { access: { kind: "tenant", permission: "costToServe.compute" }, input: ws },
  "costToServe.latest": { access: { kind: "tenant", permission: "costToServe.read" }, input: ws },
  "costToServe.customers": {
    access: { kind: "tenant", permission: "costToServe.read" },
    input: (w) => ({ ...ws(w), runId: w.costRunId }),
  },
  "costToServe.customer": {
    access: { kind: "tenant", permission: "costToServe.read" },
    // The customer page asks for every customer; one without figures (or not there) is null.
    foreignIds: "null",
    input: (w) => ({ ...ws(w), customerId: w.customerIds[0] }),
  },
};

/** A REST handler's request for this workspace; `workspace` is the slug in its path. */
export interface HandlerFixture {
  permission: Permission;
  /** The request names no id of this workspace (an upload, the audit log): no cross-workspace try. */
  hasNoIds?: boolean;
  /** The status an allowed caller gets. */
  allowedStatus: number;
  request: (w: World, workspace: string) => { request: Request; params: Record<string, string> };
}

const url = (path: string) => `http://localhost/api/workspaces/${path}`;

/** One entry per `handle*` export of src/http (the contract's REST routes). */
export const HANDLER_FIXTURES: Record<string, HandlerFixture> = {
  handleAuditExport: {
    permission: "audit.read",
    allowedStatus: 200,
    hasNoIds: true,
    request: (_w, workspace) => ({
      request: new Request(url(`${workspace}/audit/export?targetType=segment_set`)),
      params: { workspace },
    }),
  },
  handleImportUpload: {
    permission: "import.upload",
    allowedStatus: 201,
    request: (_w, workspace) => ({
      request: new Request(url(`${workspace}/imports?kind=customers&fileName=people.csv`), {
        method: "POST",
        body: CSV,
      }),
      params: { workspace },
    }),
  },
  handleRejectedReport: {
    permission: "import.read",
    allowedStatus: 200,
    request: (w, workspace) => ({
      request: new Request(url(`${workspace}/imports/${w.importId}/rejected`)),
      params: { workspace, id: w.importId },
    }),
  },
  handleSegmentExport: {
    permission: "segmentSet.export",
    allowedStatus: 200,
    request: (w, workspace) => ({
      request: new Request(url(`${workspace}/segments/${w.segmentId}/export`)),
      params: { workspace, id: w.segmentId },
    }),
  },
};
