/**
 * Where the links in messages lead: always a page of this service (a signed-out reader is sent to
 * /login and comes back), never `/api/…`, which a browser cannot open without a bearer header.
 * One place, so a page that moves or arrives (a unit page) changes every message.
 */
export function pageLinks(publicUrl: string) {
  return {
    /** The draft page: status, timeline, versions, actions. */
    draft: (draftId: string) => `${publicUrl}/drafts/${draftId}`,
    /** The registry's account page (its facts, roles, history, inspections and codes). */
    account: (accountId: string) => `${publicUrl}/registry/${accountId}`,
    /** The inspection page: the owner's self-report form, the result, the grading (publicity). */
    inspection: (inspectionId: string) => `${publicUrl}/inspections/${inspectionId}`,
    /** The workspace, where what the appointment hands over shows up (the unit page is for admins and publicity). */
    workspace: () => `${publicUrl}/`,
  };
}
