/** Activity items per page (server prefetch and client pages must agree). */
export const ACTIVITY_PAGE_SIZE = 30;

/** Where an activity item or unread thread leads, by what it is about; null when there is no page for it. */
export function activityHref(workspace: string, target: { type: string; id: string | null }): string | null {
  if (!target.id) return null;
  switch (target.type) {
    case "segment_set":
      return `/${workspace}/segments/sets/${target.id}`;
    case "run":
      return `/${workspace}/segments/runs/${target.id}`;
    case "policy":
      return `/${workspace}/policies`;
    default:
      return null;
  }
}
