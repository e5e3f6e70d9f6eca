import type { Metadata } from "next";
import { ScenarioEditor } from "@/components/policies/scenarios/scenario-editor";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Scenario" };

export default async function ScenarioPage({
  params,
}: {
  params: Promise<{ workspace: string; scenarioId: string }>;
}) {
  const { workspace: slug, scenarioId } = await params;
  const { workspace, access } = await requireWorkspace(slug);
  return (
    <ScenarioEditor
      workspace={workspace.slug}
      scenarioId={scenarioId}
      canEdit={access.can["scenario.edit"]}
    />
  );
}
