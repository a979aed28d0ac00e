import type { Decision, DraftStatus, Position } from '../../db/schema';
import { canonicalJson, sha256Hex } from '../lib/crypto';
import type { Platform } from './inspection-code';

/**
 * The facts an approval sheet (审核单) shows: what was reviewed, by whom, with what outcome, and
 * where each decision sits in the audit chain. The sheet prints the hash of its decision record
 * (sheetHash), and its QR code leads to a page that recomputes it from the stored record: equal
 * means every decision on the paper is what the system holds; a later decision, an edit or tampering
 * changes it.
 */
export interface SheetFacts {
  draftId: string;
  title: string;
  unitId: string;
  unit: string;
  accounts: { id: string; name: string; platform: Platform; registrationNo: string | null }[];
  version: number;
  contentSha256: string;
  status: DraftStatus;
  levels: Position[];
  entries: SheetEntry[];
}

export interface SheetEntry {
  level: Position;
  reviewerId: string;
  reviewer: string;
  decision: Decision;
  returnTo: string | null;
  checklist: Record<string, boolean>;
  comment: string | null;
  /** ISO instant of the decision. */
  at: string;
  /** Signed by someone appointed to the position while this review was open; only present when true. */
  appointedDuringReview?: true;
  /** The decision's audit event: its position in the chain and its hash. */
  audit: { seq: number; hash: string } | null;
}

/**
 * What the hash attests: the decision record, which never changes once made — the draft, its unit
 * and target accounts (by id), its version and content hash, the chain, each decision with its
 * signer. The unit's and accounts' names, registration numbers and the draft's status may change
 * legitimately afterwards (变更登记, a retraction): the paper shows them as they were, the confirming
 * page as they are, and the sheet still matches.
 */
const attested = (f: SheetFacts) => ({
  draftId: f.draftId, unitId: f.unitId, accountIds: f.accounts.map((a) => a.id).sort(),
  title: f.title, version: f.version, contentSha256: f.contentSha256, levels: f.levels, entries: f.entries,
});

export const sheetHash = (facts: SheetFacts): Promise<string> => sha256Hex(`imprimatur-sheet-v3\n${canonicalJson(attested(facts))}`);

/** The hash sheets printed under v2 carry (the record without its unit, accounts and signers' names): still confirmed. */
export const sheetHashV2 = (f: SheetFacts): Promise<string> =>
  sha256Hex(`imprimatur-sheet-v2\n${canonicalJson({
    draftId: f.draftId, title: f.title, version: f.version, contentSha256: f.contentSha256, levels: f.levels,
    entries: f.entries.map(({ reviewer: _name, ...entry }) => entry),
  })}`);

/** The hash sheets printed before v2 carry (every fact, names and status included): still confirmed while those facts stand. */
export const sheetHashV1 = ({ unitId: _unitId, ...facts }: SheetFacts): Promise<string> =>
  sha256Hex(`imprimatur-sheet-v1\n${canonicalJson({
    ...facts,
    accounts: facts.accounts.map(({ id: _id, ...account }) => account),
    entries: facts.entries.map(({ reviewerId: _id, ...entry }) => entry),
  })}`);

export const isSheetHash = (s: string) => /^[0-9a-f]{64}$/.test(s);
